"""Votes: once per member and idea, taken back at will.

The unique (idea, member) pair enforces "once": a second vote hits the constraint and
answers 409, even when two arrive at the same moment. The idea's counter moves with F()
expressions, never read-modify-write. Only public ideas take votes. A vote sent with an
Idempotency-Key answers a retry with the idea's votes instead of 409 (`ideas.idempotency`).
"""

from __future__ import annotations

from datetime import datetime

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from core import clock
from core.db import is_postgres
from ideas import idempotency
from ideas.access import visible_idea
from ideas.errors import AlreadyVoted, NotOpenForVotes, NotVoted
from ideas.idempotency import Kind
from ideas.models import Idea, Vote
from ideas.rules import HOT_HALF_LIFE_HOURS, PUBLIC_STATUSES, hot_score
from ideas.service import touched
from ideas.submission import kick_sync


async def vote(who: Principal, idea_id: int, key: str | None = None) -> int:
    """`who` votes for the idea; its votes now. `key`: the Idempotency-Key."""
    key = idempotency.clean_key(key)
    if await idempotency.made_before(who.member_id, key, Kind.VOTE, idea_id) is not None:
        return await _count(idea_id)
    idea = await visible_idea(idea_id, who)
    if idea.status not in PUBLIC_STATUSES:
        raise NotOpenForVotes()
    now = clock.now()
    try:
        async with in_transaction() as conn:
            await Vote.create(
                idea_id=idea.id, member_id=who.member_id, created_at=now, using_db=conn
            )
            await idempotency.remember(
                conn, who.member_id, key, Kind.VOTE, idea_id=idea.id, made_id=None, at=now
            )
            await Idea.filter(id=idea.id).using_db(conn).update(votes=F("votes") + 1)
            await touched(conn, idea.id)
    except IntegrityError as exc:
        if await idempotency.made_before(who.member_id, key, Kind.VOTE, idea.id) is not None:
            return await _count(idea.id)
        raise AlreadyVoted() from exc
    await kick_sync()
    return await _count(idea.id)


async def unvote(who: Principal, idea_id: int) -> int:
    idea = await visible_idea(idea_id, who)
    async with in_transaction() as conn:
        deleted = (
            await Vote.filter(idea_id=idea.id, member_id=who.member_id).using_db(conn).delete()
        )
        if not deleted:
            raise NotVoted()
        await Idea.filter(id=idea.id).using_db(conn).update(votes=F("votes") - 1)
        await touched(conn, idea.id)
    await kick_sync()
    return await _count(idea.id)


async def _count(idea_id: int) -> int:
    votes = await Idea.filter(id=idea_id).values_list("votes", flat=True)
    return int(votes[0]) if votes else 0  # type: ignore[call-overload]


async def has_voted(who: Principal | None, idea_id: int) -> bool:
    return who is not None and await Vote.exists(idea_id=idea_id, member_id=who.member_id)


# `rules.hot_score` summed by PostgreSQL over the ideas' votes: the same weights (age in
# hours, floored at 0, halved every HOT_HALF_LIFE_HOURS), so an idea's votes are not sent to
# the worker one row each (0.5 s of its CPU at every reindex of an idea with 50,000 votes).
_HOT = """
SELECT idea_id,
       SUM(POWER(2.0::float8, -GREATEST(0.0::float8,
           EXTRACT(EPOCH FROM ($2::timestamptz - created_at))::float8 / 3600.0)
           / $3::float8)) AS hot
FROM idea_vote WHERE idea_id = ANY($1::bigint[]) GROUP BY idea_id
"""


async def hot_scores(idea_ids: list[int]) -> dict[int, float]:
    """`rules.hot_score` of each idea, from its votes: summed in the database on PostgreSQL
    (`_HOT`; tests/ideas/test_hot_scores.py checks both ways agree), in Python from the
    votes' times on SQLite (one unit's machine)."""
    if not idea_ids:
        return {}
    now = clock.now()
    if is_postgres():
        rows = await connections.get("default").execute_query_dict(
            _HOT, [idea_ids, now, HOT_HALF_LIFE_HOURS]
        )
        summed = {int(r["idea_id"]): round(float(r["hot"]), 4) for r in rows}
        return {i: summed.get(i, 0.0) for i in idea_ids}
    times: dict[int, list[datetime]] = {i: [] for i in idea_ids}
    rows = await Vote.filter(idea_id__in=idea_ids).values_list("idea_id", "created_at")
    for idea_id, at in rows:
        times[int(idea_id)].append(at)
    return {i: hot_score(t, now) for i, t in times.items()}
