"""Submitting, editing and withdrawing ideas.

Every write changes the idea and records its outbox row in one transaction, then asks the
search sync to drain (after the commit, never inside it). A new idea is written by
`ideas.submission` (grouped on PostgreSQL); `submit` here is its form for pages and demos.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from core import clock, outbox
from ideas import submission
from ideas.access import authored_idea, require_editable, require_not_frozen
from ideas.documents import TOPIC
from ideas.errors import NotEditable
from ideas.models import Idea, IdeaCoAuthor, IdeaStatus, StatusChange
from ideas.schemas import IdeaIn, IdeaPatch
from ideas.submission import kick_sync


async def touched(conn: BaseDBAsyncClient, *ids: int) -> None:
    """Record that these ideas changed (call inside the transaction)."""
    await outbox.record(TOPIC, list(ids), using_db=conn)


async def _check_co_authors(ids: list[int], author_id: int) -> list[int]:
    return [i for i, _ in await submission.co_authors(ids, author_id)]


async def submit(who: Principal, data: IdeaIn, key: str | None = None) -> Idea:
    """A new idea by `who`, in their unit, as a draft or submitted (`ideas.submission`)."""
    done = await submission.submit(who, data, key)
    return await Idea.get(id=done.idea_id)


async def update(who: Principal, idea_id: int, data: IdeaPatch) -> Idea:
    """Authors change their idea while it is a draft or submitted; a draft may be submitted
    this way, a submitted idea cannot go back to draft."""
    idea = await authored_idea(idea_id, who)
    require_editable(idea, clock.now())
    changes: dict[str, Any] = {}
    for name in ("title", "summary", "body", "field", "tags"):
        value = getattr(data, name)
        if value is not None:
            changes[name] = value
    new_status = idea.status
    if data.status is not None and data.status != idea.status:
        if idea.status == IdeaStatus.SUBMITTED:
            raise NotEditable()
        new_status = IdeaStatus.SUBMITTED
    co_authors = None
    if data.co_author_ids is not None:
        co_authors = await _check_co_authors(data.co_author_ids, idea.author_id)
    now = clock.now()
    async with in_transaction() as conn:
        changes["updated_at"] = now
        if new_status != idea.status:
            changes["status"] = new_status
            changes["submitted_at"] = now
            await StatusChange.create(
                idea_id=idea.id,
                from_status=idea.status,
                to_status=new_status,
                by_id=who.member_id,
                created_at=now,
                using_db=conn,
            )
        await Idea.filter(id=idea.id).using_db(conn).update(**changes)
        if co_authors is not None:
            await IdeaCoAuthor.filter(idea_id=idea.id).using_db(conn).delete()
            if co_authors:
                await IdeaCoAuthor.bulk_create(
                    [IdeaCoAuthor(idea_id=idea.id, member_id=m) for m in co_authors],
                    using_db=conn,
                )
        await touched(conn, idea.id)
    await kick_sync()
    return await Idea.get(id=idea.id)


async def withdraw(who: Principal, idea_id: int) -> None:
    """Authors withdraw their idea: its status becomes withdrawn; nothing is erased."""
    idea = await authored_idea(idea_id, who)
    if idea.status in (IdeaStatus.WITHDRAWN, IdeaStatus.MERGED):
        raise NotEditable()
    require_not_frozen(idea, clock.now())
    now = clock.now()
    async with in_transaction() as conn:
        await (
            Idea.filter(id=idea.id)
            .using_db(conn)
            .update(status=IdeaStatus.WITHDRAWN, updated_at=now)
        )
        await StatusChange.create(
            idea_id=idea.id,
            from_status=idea.status,
            to_status=IdeaStatus.WITHDRAWN,
            by_id=who.member_id,
            created_at=now,
            using_db=conn,
        )
        await touched(conn, idea.id)
    await kick_sync()


async def mine(who: Principal) -> list[Idea]:
    """Every idea `who` authored or co-authored, all statuses, newest first."""
    co = await IdeaCoAuthor.filter(member_id=who.member_id).values_list("idea_id", flat=True)
    from tortoise.expressions import Q

    return (
        await Idea.filter(Q(author_id=who.member_id) | Q(id__in=list(co)))
        .order_by("-created_at", "-id")
        .limit(500)
    )
