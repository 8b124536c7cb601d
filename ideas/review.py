"""Organisers review ideas and moderate reports, within their unit subtree.

Review moves an idea along `rules.TRANSITIONS`; a note given with the move becomes the
idea's public official answer (the author sees it on the idea and on "My ideas").
Moderation decides reported items: "restore" (the reports are dismissed; a hidden item
comes back) or "hide" (the item stays hidden; the reports are closed).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from accounts.permissions import Principal, require_organizer_of
from core import clock
from ideas.access import visible_idea
from ideas.errors import BadTransition, CommentNotFound
from ideas.models import Comment, Idea, IdeaStatus, Report, StatusChange
from ideas.rules import may_move
from ideas.service import touched
from ideas.submission import kick_sync


async def review(who: Principal, idea_id: int, target: IdeaStatus, note: str) -> Idea:
    idea = await visible_idea(idea_id, who)
    require_organizer_of(who, idea.unit_path)
    if not may_move(idea.status, target):
        raise BadTransition(params={"current": idea.status.value, "target": target.value})
    now = clock.now()
    note = note.strip()
    async with in_transaction() as conn:
        changes: dict[str, object] = {"status": target, "updated_at": now}
        if note:
            changes.update(official_answer=note, answered_at=now)
        await Idea.filter(id=idea.id).using_db(conn).update(**changes)
        await StatusChange.create(
            idea_id=idea.id,
            from_status=idea.status,
            to_status=target,
            note=note,
            by_id=who.member_id,
            created_at=now,
            using_db=conn,
        )
        if target != IdeaStatus.HIDDEN:
            # An organiser's decision closes the open reports on the idea itself.
            await (
                Report.filter(idea_id=idea.id, comment_id__isnull=True, resolved_at__isnull=True)
                .using_db(conn)
                .update(resolved_at=now, resolution="reviewed")
            )
        await touched(conn, idea.id)
    await kick_sync()
    return await Idea.get(id=idea.id)


@dataclass
class QueueItem:
    idea: Idea
    comment: Comment | None
    reports: list[Report]


async def queue(who: Principal, *, limit: int = 100) -> list[QueueItem]:
    """Open reports in `who`'s units, grouped by item, most reported first."""
    paths = who.organised_paths
    if not paths:
        return []
    from tortoise.expressions import Q

    cond = Q()
    for p in paths:
        cond |= Q(unit_path__startswith=p)
    reports = await Report.filter(cond, resolved_at__isnull=True).order_by("id").limit(2000)
    grouped: dict[tuple[int, int | None], list[Report]] = {}
    for r in reports:
        grouped.setdefault((r.idea_id, r.comment_id), []).append(r)
    ideas = {i.id: i for i in await Idea.filter(id__in={k[0] for k in grouped})}
    comments = {c.id: c for c in await Comment.filter(id__in={k[1] for k in grouped if k[1]})}
    items = [
        QueueItem(ideas[i], comments.get(c) if c else None, rs)
        for (i, c), rs in grouped.items()
        if i in ideas
    ]
    items.sort(key=lambda q: (-len(q.reports), q.reports[0].id))
    return items[:limit]


async def decide(who: Principal, idea_id: int, comment_id: int | None, decision: str) -> None:
    """Close the open reports of an item: "restore" brings it back, "hide" keeps it hidden.
    Organisers of the idea's unit (or above) decide, on ideas they may see: a draft is its
    authors' alone (404), so it can be neither hidden nor restored."""
    idea = await visible_idea(idea_id, who)
    require_organizer_of(who, idea.unit_path)
    now = clock.now()
    async with in_transaction() as conn:
        if comment_id is not None:
            comment = await Comment.get_or_none(id=comment_id, idea_id=idea.id)
            if comment is None:
                raise CommentNotFound()
            if decision == "restore" and comment.hidden:
                await Comment.filter(id=comment.id).using_db(conn).update(hidden=False)
                await Idea.filter(id=idea.id).using_db(conn).update(comments=F("comments") + 1)
                await touched(conn, idea.id)  # its comment count, in its search document
            elif decision == "hide" and not comment.hidden:
                await Comment.filter(id=comment.id).using_db(conn).update(hidden=True)
                await Idea.filter(id=idea.id).using_db(conn).update(comments=F("comments") - 1)
                await touched(conn, idea.id)
            await (
                Report.filter(comment_id=comment.id, resolved_at__isnull=True)
                .using_db(conn)
                .update(resolved_at=now, resolution=decision)
            )
        else:
            target: IdeaStatus | None = None
            if decision == "restore" and idea.status == IdeaStatus.HIDDEN:
                target = await _status_before_hiding(idea.id)
            elif decision == "hide" and idea.status != IdeaStatus.HIDDEN:
                target = IdeaStatus.HIDDEN
            if target is not None:
                await Idea.filter(id=idea.id).using_db(conn).update(status=target, updated_at=now)
                await StatusChange.create(
                    idea_id=idea.id,
                    from_status=idea.status,
                    to_status=target,
                    by_id=who.member_id,
                    created_at=now,
                    using_db=conn,
                )
                await touched(conn, idea.id)
            await (
                Report.filter(idea_id=idea.id, comment_id__isnull=True, resolved_at__isnull=True)
                .using_db(conn)
                .update(resolved_at=now, resolution=decision)
            )
    await kick_sync()


async def _status_before_hiding(idea_id: int) -> IdeaStatus:
    last = (
        await StatusChange.filter(idea_id=idea_id, to_status=IdeaStatus.HIDDEN)
        .order_by("-id")
        .first()
    )
    if last is None or not last.from_status:
        return IdeaStatus.SUBMITTED
    return IdeaStatus(last.from_status)
