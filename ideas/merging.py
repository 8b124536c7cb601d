"""Merging duplicate ideas, and undoing a merge exactly.

Merge source → target (both in the organiser's units, both public, not the same):
- each vote on the source whose member has not voted on the target moves to the target,
  so every voter is counted once there; votes of members who voted on both stay on the
  source, untouched. The merge logs the ids of the votes it moved (`Merge.moved_vote_ids`);
  a vote's `moved_from_id` names the idea it was cast on while a merge holds it elsewhere;
- each idea's `votes` is the number of vote rows it holds, also when merged: the source
  loses, and the target gains, exactly the votes that moved (counted from the rows the
  update moved, with F(): never a number stored earlier, which may be stale);
- the source's status becomes "merged" with `merged_into` set; its page stays readable and
  points to the target, and the target shows the comments of every idea merged into it,
  directly or through a chain (`ideas.discussion.merged_tree`).
Undo moves back every vote the merge moved that is still on the target (a vote taken back
meanwhile is gone; votes cast on the target after the merge stay), whatever later merges
did to it and undid since, restores the source's status and clears `merged_into`. A merge
can be undone once, and only while the target has not itself been merged away: later
merges out of the target have then all been undone, so the votes they took are back on the
target. Vote ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so
an id in the log names that vote and no other.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
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


async def _locked(conn: BaseDBAsyncClient, *ids: int) -> dict[int, Idea]:
    """The ideas re-read inside the transaction, their rows locked in id order on
    PostgreSQL (SQLite runs one transaction at a time): a merge or undo decides on the
    statuses as they are now, not as they were before it began."""
    rows = await Idea.filter(id__in=ids).using_db(conn).select_for_update().order_by("id")
    return {r.id: r for r in rows}


async def _move_votes(
    conn: BaseDBAsyncClient, ids: list[int], from_id: int, to_id: int, *, back: bool
) -> int:
    """Move the votes `ids` that are on `from_id` to `to_id`; how many moved, counted from
    the rows the updates changed. A vote keeps in `moved_from_id` the idea it was cast on:
    set when a merge first takes it away from there, cleared when an undo (`back`) brings
    it home."""
    if not ids:
        return 0
    votes = Vote.filter(id__in=ids, idea_id=from_id).using_db(conn)
    if back:
        first = await votes.filter(moved_from_id=to_id).update(idea_id=to_id, moved_from_id=None)
    else:
        first = await votes.filter(moved_from_id__isnull=True).update(
            idea_id=to_id, moved_from_id=from_id
        )
    count = first + await votes.update(idea_id=to_id)
    if count:
        await Idea.filter(id=from_id).using_db(conn).update(votes=F("votes") - count)
        await Idea.filter(id=to_id).using_db(conn).update(votes=F("votes") + count)
    return count


async def merge(who: Principal, source_id: int, target_id: int) -> Merge:
    source = await visible_idea(source_id, who)
    require_organizer_of(who, source.unit_path)
    target = await visible_idea(target_id, who)
    require_organizer_of(who, target.unit_path)
    if source.id == target.id:
        raise BadMerge()
    now = clock.now()
    async with in_transaction() as conn:
        ideas = await _locked(conn, source.id, target.id)
        if any(ideas[i].status not in PUBLIC_STATUSES for i in (source.id, target.id)):
            raise BadMerge()
        source_status = ideas[source.id].status
        on_target = set(
            await Vote.filter(idea_id=target.id).using_db(conn).values_list("member_id", flat=True)
        )
        candidates = [
            int(r["id"])
            for r in await Vote.filter(idea_id=source.id).using_db(conn).values("id", "member_id")
            if r["member_id"] not in on_target
        ]
        await _move_votes(conn, candidates, source.id, target.id, back=False)
        moved = await (
            Vote.filter(id__in=candidates, idea_id=target.id)
            .using_db(conn)
            .order_by("id")
            .values_list("id", flat=True)
        )
        await (
            Idea.filter(id=source.id)
            .using_db(conn)
            .update(status=IdeaStatus.MERGED, merged_into_id=target.id, updated_at=now)
        )
        await StatusChange.create(
            idea_id=source.id,
            from_status=source_status,
            to_status=IdeaStatus.MERGED,
            note=f"#{target.id}",
            by_id=who.member_id,
            created_at=now,
            using_db=conn,
        )
        row = await Merge.create(
            source_id=source.id,
            target_id=target.id,
            source_status=source_status,
            moved_vote_ids=[int(i) for i in moved],  # type: ignore[call-overload]
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
    now = clock.now()
    async with in_transaction() as conn:
        ideas = await _locked(conn, source.id, target.id)
        # Claiming the row is the check that it was not undone already, also when two
        # undos of it race.
        claimed = (
            await Merge.filter(id=row.id, undone_at__isnull=True)
            .using_db(conn)
            .update(undone_at=now)
        )
        if (
            not claimed
            or ideas[source.id].status != IdeaStatus.MERGED
            or ideas[source.id].merged_into_id != target.id
            or ideas[target.id].status == IdeaStatus.MERGED
        ):
            raise MergeNotUndoable()
        await _move_votes(conn, list(row.moved_vote_ids), target.id, source.id, back=True)
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
        await touched(conn, source.id, target.id)
    await kick_sync()
    return await Merge.get(id=row.id)
