"""Entering ideas in an idea contest.

The rule: an idea enters a contest once; only one of its authors (the author or a co-author —
co-authors share the one entry) may enter it; only while entries are open; only ideas visible
in the bank (not drafts, withdrawn, hidden or merged ideas); only a member eligible for the
contest. An author may withdraw the entry while entries are still open. When entries close
the idea is frozen as entered (`contests.judging.frozen`, `ideas.rules.frozen`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts.permissions import Principal, require_member
from contests.judging import freshness, frozen, service
from contests.judging.errors import (
    AlreadyEntered,
    EntriesClosed,
    EntryNotFound,
    IdeaNotFound,
    IdeaNotVisible,
    NotAnAuthor,
    NotEligible,
)
from contests.judging.models import Assignment, Entry
from core import clock
from ideas.models import Idea, IdeaCoAuthor, IdeaStatus

HIDDEN_STATUSES = frozenset(
    {IdeaStatus.DRAFT, IdeaStatus.WITHDRAWN, IdeaStatus.HIDDEN, IdeaStatus.MERGED}
)


def _ints(values: Iterable[Any]) -> set[int]:
    return {int(v) for v in values}


@dataclass(frozen=True)
class EntryView:
    entry: Entry
    idea: Idea
    mine: bool


async def author_ids(idea_id: int) -> set[int]:
    """The author and every co-author of an idea."""
    idea = await Idea.get(id=idea_id)
    co = await IdeaCoAuthor.filter(idea_id=idea_id).values_list("member_id", flat=True)
    return {idea.author_id, *_ints(co)}


async def enter(principal: Principal | None, contest_id: int, idea_id: int) -> Entry:
    who = require_member(principal)
    contest = await service.contest_or_404(contest_id)
    idea = await Idea.get_or_none(id=idea_id)
    if idea is None:
        raise IdeaNotFound(fields={"idea_id": IdeaNotFound.message})
    if who.member_id not in await author_ids(idea.id):
        raise NotAnAuthor(fields={"idea_id": NotAnAuthor.message})
    if idea.status in HIDDEN_STATUSES:
        raise IdeaNotVisible(fields={"idea_id": IdeaNotVisible.message})
    now = clock.now()
    if not service.entries_open(contest, now):
        raise EntriesClosed()
    if not service.is_eligible(who, contest):
        raise NotEligible()
    if await Entry.exists(contest_id=contest.id, idea_id=idea.id):
        raise AlreadyEntered(fields={"idea_id": AlreadyEntered.message})
    try:
        async with in_transaction() as conn:
            entry = await Entry.create(
                contest_id=contest.id,
                idea_id=idea.id,
                entered_by_id=who.member_id,
                created_at=now,
                using_db=conn,
            )
            await frozen.refreeze_idea(idea.id, conn)
        return entry
    except IntegrityError as exc:  # a concurrent entry of the same idea
        raise AlreadyEntered(fields={"idea_id": AlreadyEntered.message}) from exc


async def withdraw(principal: Principal | None, entry_id: int) -> None:
    who = require_member(principal)
    entry = await Entry.get_or_none(id=entry_id)
    if entry is None:
        raise EntryNotFound()
    contest = await service.contest_or_404(entry.contest_id)
    if who.member_id not in await author_ids(entry.idea_id):
        raise NotAnAuthor()
    now = clock.now()
    if not service.entries_open(contest, now):
        raise EntriesClosed()
    async with in_transaction() as conn:
        await freshness.mark_stale(contest.id, now)  # first: `freshness.py`
        await Assignment.filter(entry_id=entry.id).using_db(conn).delete()
        await entry.delete(using_db=conn)
        await frozen.refreeze_idea(entry.idea_id, conn)


async def list_entries(principal: Principal | None, contest_id: int) -> list[EntryView]:
    """Every entry with its idea's title; never the authors (judges may be reading)."""
    await service.contest_or_404(contest_id)
    entries = await Entry.filter(contest_id=contest_id).order_by("created_at", "id")
    ideas = {i.id: i for i in await Idea.filter(id__in=[e.idea_id for e in entries])}
    mine: set[int] = set()
    if principal is not None and entries:
        own = await Idea.filter(id__in=list(ideas), author_id=principal.member_id).values_list(
            "id", flat=True
        )
        co = await IdeaCoAuthor.filter(
            idea_id__in=list(ideas), member_id=principal.member_id
        ).values_list("idea_id", flat=True)
        mine = _ints(own) | _ints(co)
    return [EntryView(e, ideas[e.idea_id], e.idea_id in mine) for e in entries]


async def enterable_ideas(principal: Principal, contest_id: int) -> list[Idea]:
    """The member's own visible ideas not yet entered in this contest (for the entry form)."""
    co = await IdeaCoAuthor.filter(member_id=principal.member_id).values_list("idea_id", flat=True)
    entered = await Entry.filter(contest_id=contest_id).values_list("idea_id", flat=True)
    own = await Idea.filter(author_id=principal.member_id).values_list("id", flat=True)
    ids = (_ints(own) | _ints(co)) - _ints(entered)
    ideas = await Idea.filter(id__in=list(ids)).order_by("-created_at")
    return [i for i in ideas if i.status not in HIDDEN_STATUSES]
