"""Background work of this package (arq tasks take ids and re-read rows; all idempotent)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from arq import Retry, cron, func

import contests.documents  # noqa: F401  (registers the "contest" search source)
from contests import attempts, rescoring, rounds, scoring, service, unit_board
from contests.models import Attempt, Round
from core import clock, queue

SCORE_TASK = "quiz_score_round"
RESCORE_TASK = "quiz_rescore_round"
_kicked: dict[int, int] = {}
LOCK_S = 120


@contextlib.asynccontextmanager
async def round_lock(round_id: int) -> AsyncIterator[bool]:
    """The round's scoring lock (one scorer per round at a time); yields False when another
    holder has it."""
    redis = queue.get_pool()
    lock = f"quiz:scoring:{round_id}"
    token = uuid.uuid4().hex
    if not await redis.set(lock, token, nx=True, ex=LOCK_S):
        yield False
        return
    try:
        yield True
    finally:
        if await redis.get(lock) in (token, token.encode()):
            await redis.delete(lock)


async def quiz_score_round(ctx: dict[str, Any], round_id: int) -> int:
    """Score every submitted attempt of the round and update its leaderboards (members,
    and the unit counters, rebuilt first when missing).

    One scorer per round at a time (a Redis lock): concurrent jobs would only fight over
    the same rows. A job that finds the lock taken leaves the work to the holder, which
    looks again after letting go, so nothing waits for the cron."""
    total = 0
    while True:
        async with round_lock(round_id) as held:
            if not held:
                return total
            round_ = await Round.get_or_none(id=round_id)
            if round_ is not None and round_.frozen_at is None:
                await unit_board.ensure(round_)
            total += await scoring.score_round(round_id, clock.now())
        if not await scoring.has_waiting(round_id):
            return total


async def quiz_rescore_round(ctx: dict[str, Any], round_id: int) -> int:
    """Re-score a round after an answer key fix (contests.rescoring), under the round's
    scoring lock; retried shortly while a scorer holds it (the cron is the backstop)."""
    async with round_lock(round_id) as held:
        if not held:
            raise Retry(defer=2)
        return await rescoring.rescore_round(round_id, clock.now())


async def kick_rescoring(round_ids: list[int]) -> None:
    """Ask the worker to re-score these rounds (after commit). Never raises: the rounds
    stay marked, and the minutely cron re-scores them."""
    stamp = int(time.time() * 1000)
    for round_id in round_ids:
        try:
            await queue.enqueue(RESCORE_TASK, round_id, job_id=f"quiz-rescore:{round_id}:{stamp}")
        except Exception:  # the cron picks the mark up
            return


async def kick_scoring(round_id: int) -> None:
    """Ask the worker to score the round soon (after commit; one job per round and
    half-second, so a burst of submits queues one job, and a submit arriving while a job
    runs queues the next). Never raises: the cron catches up."""
    window = int(time.time() * 2)
    if _kicked.get(round_id) == window:
        return  # this process already asked in this half-second
    _kicked[round_id] = window
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
    for round_id in sorted(set(expired_rounds) | set(await scoring.rounds_with_waiting())):
        scored += await scoring.score_round(round_id, now)
    for round_id in await rescoring.rounds_marked():
        async with round_lock(round_id) as held:
            if held:
                await rescoring.rescore_round(round_id, now)
    frozen = 0
    for round_ in await rounds.rounds_to_freeze(now):
        frozen += int(await rounds.freeze(round_, now))
    changed = await service.refresh_statuses()
    return {"scored": scored, "frozen": frozen, "statuses": changed}


TASKS: list[Any] = [
    func(quiz_score_round, name=SCORE_TASK, max_tries=5, keep_result=0, timeout=LOCK_S - 10),
    func(quiz_rescore_round, name=RESCORE_TASK, max_tries=20, keep_result=0, timeout=LOCK_S - 10),
]
CRON_JOBS: list[Any] = [
    cron(quiz_minutely, name="cron:quiz_minutely", second={0, 30}, unique=True, keep_result=0)
]
