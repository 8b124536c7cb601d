"""Background work of this package (arq tasks take ids and re-read rows; all idempotent)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from arq import cron, func

import contests.documents  # noqa: F401  (registers the "contest" search source)
from contests import attempts, rounds, scoring, service
from contests.models import Attempt
from core import clock, queue

SCORE_TASK = "quiz_score_round"
_kicked: dict[int, int] = {}
LOCK_S = 120


async def quiz_score_round(ctx: dict[str, Any], round_id: int) -> int:
    """Score every submitted attempt of the round and update its leaderboard.

    One scorer per round at a time (a Redis lock): concurrent jobs would only fight over
    the same rows. A job that finds the lock taken leaves the work to the holder, which
    looks again after letting go, so nothing waits for the cron."""
    redis = queue.get_pool()
    lock = f"quiz:scoring:{round_id}"
    total = 0
    while True:
        token = uuid.uuid4().hex
        if not await redis.set(lock, token, nx=True, ex=LOCK_S):
            return total
        try:
            total += await scoring.score_round(round_id, clock.now())
        finally:
            if await redis.get(lock) in (token, token.encode()):
                await redis.delete(lock)
        if not await scoring.has_waiting(round_id):
            return total


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
    frozen = 0
    for round_ in await rounds.rounds_to_freeze(now):
        frozen += int(await rounds.freeze(round_, now))
    changed = await service.refresh_statuses()
    return {"scored": scored, "frozen": frozen, "statuses": changed}


TASKS: list[Any] = [
    func(quiz_score_round, name=SCORE_TASK, max_tries=5, keep_result=0, timeout=LOCK_S - 10)
]
CRON_JOBS: list[Any] = [
    cron(quiz_minutely, name="cron:quiz_minutely", second={0, 30}, unique=True, keep_result=0)
]
