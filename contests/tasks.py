"""Background work of this package (arq tasks take ids and re-read rows; all idempotent)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from arq import Retry, cron, func

import contests.documents  # noqa: F401  (registers the "contest" search source)
from contests import attempts, locks, rebuilds, rescoring, rounds, scoring, service
from contests.models import Attempt, Round
from core import clock, queue

SCORE_TASK = "quiz_score_round"
RESCORE_TASK = "quiz_rescore_round"
REBUILD_TASK = rebuilds.REBUILD_TASK
round_lock = locks.round_lock
PACE_S = 0.25  # a busy round is scored at most this often (see `_score_while_waiting`)


async def _rebuild_waiting(round_id: int) -> bool:
    """A rebuild of the round's boards is queued and not running yet (waiting for the
    lock): scorers step aside for it, so it is never starved of the lock; it scores what
    waits once the boards are back."""
    from arq.constants import in_progress_key_prefix, job_key_prefix

    job = rebuilds.job_id(round_id)
    pipe: Any = queue.get_pool().pipeline(transaction=False)
    pipe.exists(job_key_prefix + job)
    pipe.exists(in_progress_key_prefix + job)
    queued, running = await pipe.execute()
    return bool(queued) and not running


async def _score_while_waiting(round_id: int, *, step_aside: bool) -> int:
    """Score the round under its lock until nothing waits. Leaves the work to another
    holder of the lock (it looks again after letting go, so nothing waits for the cron),
    and with `step_aside` to a rebuild waiting for the lock.

    Pacing, the rule of "in batches when busy": while submits keep arriving, the holder
    takes what waits at most once per `PACE_S`, keeping the lock in between, so the
    arrivals of that time are one batch: one read, one UPDATE, one Redis pipeline. Scoring
    whatever had arrived the moment the last batch ended gave batches of about a dozen at
    1,000 submits/s and cost the worker and PostgreSQL several times more per attempt
    (docs/performance.md). A submit still reaches the board well within 2 s."""
    total = 0
    while True:
        if step_aside and await _rebuild_waiting(round_id):
            return total
        async with round_lock(round_id) as held:
            if not held:
                return total
            while True:
                began = time.monotonic()
                total += await scoring.score_round(round_id, clock.now(), keepalive=held.extend)
                if not await scoring.has_waiting(round_id):
                    break
                if step_aside and await _rebuild_waiting(round_id):
                    return total
                await asyncio.sleep(max(0.0, PACE_S - (time.monotonic() - began)))
                await held.extend()
        if not await scoring.has_waiting(round_id):
            return total


async def quiz_score_round(ctx: dict[str, Any], round_id: int) -> int:
    """Score every submitted attempt of the round and update its leaderboards (members,
    and the unit counters). One scorer per round at a time (the round's scoring lock,
    `contests.locks`): concurrent jobs would only fight over the same rows."""
    return await _score_while_waiting(round_id, step_aside=True)


async def quiz_rebuild_boards(ctx: dict[str, Any], round_id: int) -> int:
    """Rebuild the round's boards that Redis lost (`contests.rebuilds`), then score what
    waits, under the round's scoring lock; retried each second while another holder has
    it. Returns the members counted."""
    async with round_lock(round_id) as held:
        if not held:
            raise Retry(defer=1)
        round_ = await Round.get_or_none(id=round_id)
        if round_ is None:
            return 0
        counted = await rebuilds.rebuild_missing(round_, held.extend)
    await _score_while_waiting(round_id, step_aside=False)
    return counted


async def quiz_rescore_round(ctx: dict[str, Any], round_id: int) -> int:
    """Re-score a round after an answer key fix (contests.rescoring), under the round's
    scoring lock; retried shortly while a scorer holds it (the cron is the backstop)."""
    async with round_lock(round_id) as held:
        if not held:
            raise Retry(defer=2)
        return await rescoring.rescore_round(round_id, clock.now(), held.extend)


async def kick_rescoring(round_ids: list[int]) -> None:
    """Ask the worker to re-score these rounds (after commit). Never raises: the rounds
    stay marked, and the minutely cron re-scores them."""
    stamp = int(time.time() * 1000)
    for round_id in round_ids:
        try:
            await queue.enqueue(RESCORE_TASK, round_id, job_id=f"quiz-rescore:{round_id}:{stamp}")
        except Exception:  # the cron picks the mark up
            return


_kicked: set[int] = set()  # rounds this process asked to score in the current half-second
_kicked_window = 0


async def kick_scoring(round_id: int) -> None:
    """Ask the worker to score the round soon (after commit; one job per round and
    half-second, so a burst of submits queues one job, and a submit arriving while a job
    runs queues the next). Never raises: the cron catches up. Only scoring is debounced
    here: a board rebuild is asked with its own job id (`rebuilds.request`)."""
    global _kicked_window
    window = int(time.time() * 2)
    if window != _kicked_window:
        _kicked.clear()  # only the current half-second is remembered
        _kicked_window = window
    if round_id in _kicked:
        return  # this process already asked in this half-second
    _kicked.add(round_id)
    try:
        await queue.enqueue(SCORE_TASK, round_id, job_id=f"quiz-score:{round_id}:{window}")
    except Exception:  # the submit already committed; the cron scores it
        return


async def kick_scoring_of_attempt(attempt_id: int) -> None:
    rows = await Attempt.filter(id=attempt_id).values("round_id")
    if rows:
        await kick_scoring(int(rows[0]["round_id"]))


async def quiz_minutely(ctx: dict[str, Any]) -> dict[str, int]:
    """Expire overdue attempts, score what waits, freeze closed rounds, refresh statuses."""
    now = clock.now()
    expired_rounds = await attempts.expire_overdue(now)
    scored = 0
    # Every write to a round's scores or boards holds its scoring lock; a round whose lock
    # is held is left to its holder (or to the next run).
    for round_id in sorted(set(expired_rounds) | set(await scoring.rounds_with_waiting())):
        async with round_lock(round_id) as held:
            if held:
                scored += await scoring.score_round(round_id, now, keepalive=held.extend)
    for round_id in await rescoring.rounds_marked():
        async with round_lock(round_id) as held:
            if held:
                await rescoring.rescore_round(round_id, now, held.extend)
    frozen = 0
    for due in await rounds.rounds_to_freeze(now):
        async with round_lock(due.id) as held:
            round_ = await Round.get_or_none(id=due.id) if held else None  # read under the lock
            if round_ is not None:
                frozen += int(await rounds.freeze(round_, now, keepalive=held.extend))
    changed = await service.refresh_statuses()
    return {"scored": scored, "frozen": frozen, "statuses": changed}


# Long jobs (a rebuild or re-score of a million attempts) keep the round's lock by
# extending it as they go, so their timeout is generous; a killed one frees the round
# within `locks.LOCK_S`, and the next read or kick asks again.
LONG_S = 3600
TASKS: list[Any] = [
    func(quiz_score_round, name=SCORE_TASK, max_tries=5, keep_result=0, timeout=LONG_S),
    func(quiz_rescore_round, name=RESCORE_TASK, max_tries=600, keep_result=0, timeout=LONG_S),
    func(quiz_rebuild_boards, name=REBUILD_TASK, max_tries=600, keep_result=0, timeout=LONG_S),
]
CRON_JOBS: list[Any] = [
    cron(quiz_minutely, name="cron:quiz_minutely", second={0, 30}, unique=True, keep_result=0)
]
