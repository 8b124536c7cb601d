"""Merging duplicate ideas, and undoing a merge exactly.

Merge source → target (both in the organiser's units, both public, not the same):
- each vote on the source whose member has not voted on the target moves to the target
  (marked `moved_from_id`), so every voter is counted once; votes of members who voted on
  both stay on the source, untouched;
- the source's status becomes "merged" with `merged_into` set; its page stays readable and
  points to the target, and the target's comment list includes the source's comments;
- a `Merge` row logs who, when, the source's status and the moved votes.
Undo puts the moved votes back, restores the source's status and clears `merged_into`; a
merge can be undone once, and only while the target has not itself been merged away.
"""

from __future__ import annotations

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from accounts.permissions import Principal, require_organizer_of
from core import clock
from ideas.access import visible_idea
from ideas.errors import BadMerge, MergeNotFound, MergeNotUndoable
from ideas.models import Idea, IdeaStatus, Merge, StatusChange, Vote
from ideas.rules import PUBLIC_STATUSES
from ideas.service import touched
from ideas.submission import kick_sync


async def merge(who: Principal, source_id: int, target_id: int) -> Merge:
    source = await visible_idea(source_id, who)
    require_organizer_of(who, source.unit_path)
    target = await visible_idea(target_id, who)
    require_organizer_of(who, target.unit_path)
    if (
        source.id == target.id
        or source.status not in PUBLIC_STATUSES
        or target.status not in PUBLIC_STATUSES
    ):
        raise BadMerge()
    now = clock.now()
    async with in_transaction() as conn:
        on_target = {
            int(r["member_id"])
            for r in await Vote.filter(idea_id=target.id).using_db(conn).values("member_id")
        }
        source_votes = await Vote.filter(idea_id=source.id).using_db(conn)
        moving = [v.id for v in source_votes if v.member_id not in on_target]
        if moving:
            await (
                Vote.filter(id__in=moving)
                .using_db(conn)
                .update(idea_id=target.id, moved_from_id=source.id)
            )
            await Idea.filter(id=target.id).using_db(conn).update(votes=F("votes") + len(moving))
        await (
            Idea.filter(id=source.id)
            .using_db(conn)
            .update(status=IdeaStatus.MERGED, merged_into_id=target.id, updated_at=now)
        )
        await StatusChange.create(
            idea_id=source.id,
            from_status=source.status,
            to_status=IdeaStatus.MERGED,
            note=f"#{target.id}",
            by_id=who.member_id,
            created_at=now,
            using_db=conn,
        )
        row = await Merge.create(
            source_id=source.id,
            target_id=target.id,
            source_status=source.status,
            moved_vote_ids=moving,
            by_id=who.member_id,
            created_at=now,
            using_db=conn,
        )
        await touched(conn, source.id, target.id)
    await kick_sync()
    return row


async def undo(who: Principal, merge_id: int) -> Merge:
    row = await Merge.get_or_none(id=merge_id)
    if row is None:
        raise MergeNotFound()
    source = await Idea.get(id=row.source_id)
    target = await Idea.get(id=row.target_id)
    require_organizer_of(who, source.unit_path)
    require_organizer_of(who, target.unit_path)
    if row.undone_at is not None or source.status != IdeaStatus.MERGED:
        raise MergeNotUndoable()
    if target.status == IdeaStatus.MERGED:
        raise MergeNotUndoable()
    now = clock.now()
    async with in_transaction() as conn:
        moved = (
            await Vote.filter(id__in=row.moved_vote_ids, idea_id=target.id, moved_from_id=source.id)
            .using_db(conn)
            .update(idea_id=source.id, moved_from_id=None)
        )
        if moved:
            await Idea.filter(id=target.id).using_db(conn).update(votes=F("votes") - moved)
        status = IdeaStatus(row.source_status)
        await (
            Idea.filter(id=source.id)
            .using_db(conn)
            .update(status=status, merged_into_id=None, updated_at=now)
        )
        await StatusChange.create(
            idea_id=source.id,
            from_status=IdeaStatus.MERGED,
            to_status=status,
            by_id=who.member_id,
            created_at=now,
            using_db=conn,
        )
        await Merge.filter(id=row.id).using_db(conn).update(undone_at=now)
        await touched(conn, source.id, target.id)
    await kick_sync()
    return await Merge.get(id=row.id)
