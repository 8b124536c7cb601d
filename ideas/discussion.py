"""Comments and reports.

Comments: anyone reads the visible comments of a visible idea; members post on public
ideas. Reports: a member reports an idea or a comment once, and never their own (an
author's report would bring their own item one report closer to hiding); when
`REPORTS_TO_HIDE` different members have reported the same item (and no organiser has
decided on it yet), the item is hidden until an organiser restores or hides it for good
(`moderation.py`). Posting and reporting take an Idempotency-Key (`ideas.idempotency`).
A comment, or a comment hidden by reports, changes the idea's comment count, which its
search document carries: the idea is recorded in the outbox in the same transaction.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from accounts.models import Member
from accounts.permissions import Principal
from core import clock
from ideas import idempotency
from ideas.access import is_author, visible_idea
from ideas.errors import AlreadyReported, CommentNotFound, KeyReused, NotOpenForVotes, OwnReport
from ideas.idempotency import Kind
from ideas.models import Comment, Idea, IdeaStatus, Report, StatusChange
from ideas.rules import PUBLIC_STATUSES, REPORTS_TO_HIDE
from ideas.service import touched
from ideas.submission import kick_sync


async def merged_tree(idea_id: int) -> list[int]:
    """The ideas whose comments the idea shows: itself, and every idea merged into it,
    directly or through a chain (A merged into B, B into C: C shows A's and B's). An idea
    that nothing was merged into is itself alone (one look-up in the `idea_merged` index)."""
    tree, frontier = [idea_id], [idea_id]
    while frontier:
        children = await Idea.filter(merged_into_id__in=frontier).values_list("id", flat=True)
        frontier = [int(i) for i in children if int(i) not in tree]  # type: ignore[call-overload]
        tree.extend(frontier)
    return tree


async def comment_count(idea: Idea) -> int:
    """The number of comments the idea shows (`comments` lists them): its own counter when
    nothing is merged into it, else the visible comments of its `merged_tree`, so the
    count and the list agree, and an undone merge takes its comments back with it."""
    tree = await merged_tree(idea.id)
    if len(tree) == 1:
        return idea.comments
    return await Comment.filter(idea_id__in=tree, hidden=False).count()


async def comments(
    who: Principal | None, idea_id: int, *, offset: int, limit: int
) -> tuple[list[tuple[Comment, str]], int]:
    """The visible comments the idea shows (`merged_tree`), oldest first."""
    idea = await visible_idea(idea_id, who)
    query = Comment.filter(idea_id__in=await merged_tree(idea.id), hidden=False)
    total = await query.count()
    rows = await query.order_by("created_at", "id").offset(offset).limit(limit)
    names = dict(
        await Member.filter(id__in={c.author_id for c in rows}).values_list("id", "display_name")
    )
    return [(c, str(names.get(c.author_id, ""))) for c in rows], total


async def post_comment(who: Principal, idea_id: int, body: str, key: str | None = None) -> Comment:
    """A member's comment on a public idea; `key`: the Idempotency-Key (a key used before
    answers with that earlier comment)."""
    key = idempotency.clean_key(key)
    earlier = await idempotency.made_before(who.member_id, key, Kind.COMMENT, idea_id)
    if earlier is not None:
        return await Comment.get(id=earlier)
    idea = await visible_idea(idea_id, who)
    if idea.status not in PUBLIC_STATUSES:
        raise NotOpenForVotes()
    now = clock.now()
    try:
        async with in_transaction() as conn:
            comment = await Comment.create(
                idea_id=idea.id, author_id=who.member_id, body=body, created_at=now, using_db=conn
            )
            await idempotency.remember(
                conn,
                who.member_id,
                key,
                Kind.COMMENT,
                idea_id=idea.id,
                made_id=comment.id,
                at=now,
            )
            await Idea.filter(id=idea.id).using_db(conn).update(comments=F("comments") + 1)
            await touched(conn, idea.id)
    except IntegrityError:
        earlier = await idempotency.made_before(who.member_id, key, Kind.COMMENT, idea.id)
        if earlier is None:
            raise
        return await Comment.get(id=earlier)
    await kick_sync()
    return comment


async def _reported_before(
    who: Principal, key: str | None, idea_id: int | None, comment_id: int | None
) -> tuple[Report, bool] | None:
    """The answer to a report made before with this Idempotency-Key, as it is now: (the
    report, whether the item it reports is hidden); None when the key is new or absent."""
    earlier = await idempotency.made_before(who.member_id, key, Kind.REPORT, idea_id)
    if earlier is None:
        return None
    report = await Report.get(id=earlier)
    if report.comment_id != comment_id:  # the key reported another item
        raise KeyReused()
    if report.comment_id is None:
        idea = await Idea.get(id=report.idea_id)
        return report, idea.status == IdeaStatus.HIDDEN
    comment = await Comment.get(id=report.comment_id)
    return report, comment.hidden


async def _file(
    conn: BaseDBAsyncClient,
    who: Principal,
    key: str | None,
    idea: Idea,
    comment_id: int | None,
    reason: str,
) -> tuple[Report, int]:
    """Store a report of the idea (`comment_id` None) or of one of its comments, with its
    Idempotency-Key, in the caller's transaction; (the report, the item's open reports)."""
    report = await Report.create(
        idea_id=idea.id,
        comment_id=comment_id,
        member_id=who.member_id,
        reason=reason,
        unit_path=idea.unit_path,
        created_at=clock.now(),
        using_db=conn,
    )
    await idempotency.remember(
        conn,
        who.member_id,
        key,
        Kind.REPORT,
        idea_id=idea.id,
        made_id=report.id,
        at=report.created_at,
    )
    same_item = Report.filter(idea_id=idea.id, comment_id=comment_id, resolved_at__isnull=True)
    return report, await same_item.using_db(conn).count()


async def report_idea(
    who: Principal, idea_id: int, reason: str, key: str | None = None
) -> tuple[Report, bool]:
    """Report an idea; (the report, whether the idea is now hidden). `key`: the
    Idempotency-Key (a key used before answers with that earlier report)."""
    key = idempotency.clean_key(key)
    if (again := await _reported_before(who, key, idea_id, None)) is not None:
        return again
    idea = await visible_idea(idea_id, who)
    if await is_author(idea, who):
        raise OwnReport()
    # A report of the idea itself has no comment id: the partial unique index
    # `idea_report_idea_once` (migration 0008) keeps it to one per member; this check
    # answers the usual case without a failed insert.
    if await Report.exists(idea_id=idea.id, comment_id__isnull=True, member_id=who.member_id):
        raise AlreadyReported()
    hidden = False
    try:
        async with in_transaction() as conn:
            report, open_reports = await _file(conn, who, key, idea, None, reason)
            if open_reports >= REPORTS_TO_HIDE and idea.status in PUBLIC_STATUSES:
                await Idea.filter(id=idea.id).using_db(conn).update(status=IdeaStatus.HIDDEN)
                await StatusChange.create(
                    idea_id=idea.id,
                    from_status=idea.status,
                    to_status=IdeaStatus.HIDDEN,
                    note="",
                    by_id=None,
                    created_at=clock.now(),
                    using_db=conn,
                )
                await touched(conn, idea.id)
                hidden = True
    except IntegrityError as exc:
        if (again := await _reported_before(who, key, idea.id, None)) is not None:
            return again
        raise AlreadyReported() from exc
    if hidden:
        await kick_sync()
    return report, hidden


async def report_comment(
    who: Principal, comment_id: int, reason: str, key: str | None = None
) -> tuple[Report, bool]:
    """Report a comment; (the report, whether the comment is now hidden). `key`: as for
    `report_idea`."""
    key = idempotency.clean_key(key)
    if (again := await _reported_before(who, key, None, comment_id)) is not None:
        return again
    comment = await Comment.get_or_none(id=comment_id, hidden=False)
    if comment is None:
        raise CommentNotFound()
    idea = await visible_idea(comment.idea_id, who)
    if comment.author_id == who.member_id:
        raise OwnReport()
    if await Report.exists(comment_id=comment.id, member_id=who.member_id):
        raise AlreadyReported()
    hidden = False
    try:
        async with in_transaction() as conn:
            report, open_reports = await _file(conn, who, key, idea, comment.id, reason)
            if open_reports >= REPORTS_TO_HIDE:
                await Comment.filter(id=comment.id).using_db(conn).update(hidden=True)
                await Idea.filter(id=idea.id).using_db(conn).update(comments=F("comments") - 1)
                await touched(conn, idea.id)
                hidden = True
    except IntegrityError as exc:
        if (again := await _reported_before(who, key, idea.id, comment.id)) is not None:
            return again
        raise AlreadyReported() from exc
    if hidden:
        await kick_sync()
    return report, hidden
