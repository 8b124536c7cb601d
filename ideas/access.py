"""Who may see and touch an idea, written once.

- Drafts: the authors only (others get 404, as if it did not exist).
- Hidden, withdrawn: the authors and organisers of the idea's unit (or above).
- Public statuses, and merged ideas (their page points to the idea they joined): anyone.
- Authors (the author and the co-authors) edit while draft or submitted, and withdraw;
  not once the idea is frozen by a contest it is entered in (`ideas.rules.frozen`).
"""

from __future__ import annotations

from datetime import datetime

from accounts.permissions import Principal
from ideas.errors import EntryFrozen, IdeaNotFound, NotAnAuthor, NotEditable
from ideas.models import Idea, IdeaCoAuthor, IdeaStatus
from ideas.rules import EDITABLE_STATUSES, PUBLIC_STATUSES, frozen


async def author_ids(idea: Idea) -> set[int]:
    co = await IdeaCoAuthor.filter(idea_id=idea.id).values("member_id")
    return {idea.author_id, *(int(r["member_id"]) for r in co)}


async def is_author(idea: Idea, who: Principal | None) -> bool:
    return who is not None and who.member_id in await author_ids(idea)


async def can_see(idea: Idea, who: Principal | None) -> bool:
    if idea.status in PUBLIC_STATUSES or idea.status == IdeaStatus.MERGED:
        return True
    if who is None:
        return False
    if await is_author(idea, who):
        return True
    return idea.status != IdeaStatus.DRAFT and who.organizes(idea.unit_path)


async def visible_idea(idea_id: int, who: Principal | None) -> Idea:
    """The idea, when `who` may see it; 404 otherwise."""
    idea = await Idea.get_or_none(id=idea_id)
    if idea is None or not await can_see(idea, who):
        raise IdeaNotFound()
    return idea


async def authored_idea(idea_id: int, who: Principal) -> Idea:
    """The idea, when `who` is one of its authors; 404 if unseen, 403 if not theirs."""
    idea = await visible_idea(idea_id, who)
    if not await is_author(idea, who):
        raise NotAnAuthor()
    return idea


def require_not_frozen(idea: Idea, now: datetime) -> None:
    """409 when a contest the idea is entered in froze it (withdrawing, too, ends there)."""
    if frozen(idea.frozen_from, now):
        raise EntryFrozen()


def require_editable(idea: Idea, now: datetime) -> None:
    """409 unless the authors may change the idea now (`ideas.rules.editable`), saying why."""
    require_not_frozen(idea, now)
    if idea.status not in EDITABLE_STATUSES:
        raise NotEditable()
