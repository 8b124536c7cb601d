"""Votes: once per member and idea, taken back at will.

The unique (idea, member) pair enforces "once": a second vote hits the constraint and
answers 409, even when two arrive at the same moment. The idea's counter moves with F()
expressions, never read-modify-write. Only public ideas take votes.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from core import clock
from ideas.access import visible_idea
from ideas.errors import AlreadyVoted, NotOpenForVotes, NotVoted
from ideas.models import Idea, Vote
from ideas.rules import PUBLIC_STATUSES, hot_score
from ideas.service import touched
from ideas.submission import kick_sync


async def vote(who: Principal, idea_id: int) -> int:
    idea = await visible_idea(idea_id, who)
    if idea.status not in PUBLIC_STATUSES:
        raise NotOpenForVotes()
    try:
        async with in_transaction() as conn:
            await Vote.create(
                idea_id=idea.id, member_id=who.member_id, created_at=clock.now(), using_db=conn
            )
            await Idea.filter(id=idea.id).using_db(conn).update(votes=F("votes") + 1)
            await touched(conn, idea.id)
    except IntegrityError as exc:
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


async def hot_scores(idea_ids: list[int]) -> dict[int, float]:
    """`rules.hot_score` of each idea, from its votes."""
    if not idea_ids:
        return {}
    times: dict[int, list] = {i: [] for i in idea_ids}  # type: ignore[type-arg]
    rows = await Vote.filter(idea_id__in=idea_ids).values_list("idea_id", "created_at")
    for idea_id, at in rows:
        times[int(idea_id)].append(at)
    now = clock.now()
    return {i: hot_score(t, now) for i, t in times.items()}
