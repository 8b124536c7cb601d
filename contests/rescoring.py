"""Re-scoring rounds after an answer key was fixed.

The rule, written once: fixing the answer key of a question that attempts already drew
re-scores every scored attempt of the contest's rounds that have attempts, rebuilds their
leaderboards (members and units) and, for a round already frozen, freezes it again (final
ranks, the prediction's true answer, the stored unit board). The request only marks the
rounds (`Round.rescore_requested_at`, in the transaction that changes the key); the worker
does the work (`tasks.quiz_rescore_round`, and the minutely cron for any mark still set),
so nothing is lost when a process dies, and running it twice changes nothing: scores are
recomputed from the answers and the current key, and the mark is cleared only if no newer
fix arrived meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from contests import rebuilds, rounds, scoring
from contests.leaderboard import Keepalive
from contests.models import Attempt, Round
from core.db import update_rows

CHUNK = 1000


async def mark_rounds(contest_id: int, now: datetime, conn: BaseDBAsyncClient) -> list[int]:
    """Mark the contest's rounds that have attempts for re-scoring; returns their ids."""
    with_attempts = await (
        Attempt.filter(round__contest_id=contest_id).using_db(conn).distinct().values("round_id")
    )
    ids = sorted({int(r["round_id"]) for r in with_attempts})
    if ids:
        await Round.filter(id__in=ids).using_db(conn).update(rescore_requested_at=now)
    return ids


async def rounds_marked() -> list[int]:
    rows = await Round.filter(rescore_requested_at__isnull=False).values("id")
    return sorted(int(r["id"]) for r in rows)


async def rescore_round(round_id: int, now: datetime, keepalive: Keepalive | None = None) -> int:
    """Re-score a marked round (see the module docstring); returns how many attempts got a
    different score. Call it under the round's scoring lock (`keepalive` extends it)."""
    round_ = await Round.get_or_none(id=round_id).prefetch_related("contest")
    if round_ is None or round_.rescore_requested_at is None:
        return 0
    mark = round_.rescore_requested_at
    key = await scoring.answer_key(round_.contest_id)
    changed = 0
    last = 0
    while True:
        rows = await (
            Attempt.filter(round_id=round_.id, scored_at__isnull=False, id__gt=last)
            .order_by("id")
            .limit(CHUNK)
            .values_list("id", "question_ids", "answers", "correct_count")
        )
        if not rows:
            break
        fixes = [
            (int(aid), correct)
            for aid, qids, answers, old in rows
            if (correct := scoring.count_correct(qids or [], answers or {}, key)) != old
        ]
        await update_rows(
            Attempt, [aid for aid, _ in fixes], {"correct_count": ("int", [c for _, c in fixes])}
        )
        changed += len(fixes)
        last = int(rows[-1][0])
        if keepalive is not None:
            await keepalive()
    if round_.frozen_at is not None:
        await Round.filter(id=round_.id).update(frozen_at=None)
        round_.frozen_at = None
        # It froze before, so it is due; freezing scores what was submitted meanwhile.
        await rounds.freeze(round_, now, keepalive=keepalive, request_rebuild=False)
    else:
        await scoring.score_round(round_.id, now)  # anything submitted meanwhile
    await rebuilds.rebuild(round_, keepalive)  # after freezing: ordered by the final answer
    await Round.filter(id=round_.id, rescore_requested_at=mark).update(rescore_requested_at=None)
    return changed
