"""Background work of judging (arq tasks take ids and re-read rows; all idempotent)."""

from __future__ import annotations

from typing import Any

from arq import cron, func

from contests.judging import freshness, progress, ranking


async def judging_aggregate(ctx: dict[str, Any], contest_id: int, round_no: int) -> int:
    """Recompute the round's ranking after a review."""
    return await ranking.recompute(contest_id, round_no)


async def judging_remind(ctx: dict[str, Any], contest_id: int) -> int:
    """Remind the contest's late judges (one notification per judge and day)."""
    return await progress.remind_late_judges(contest_id)


async def judging_remind_closing(ctx: dict[str, Any]) -> int:
    """Every morning: remind late judges of contests whose judging closes soon."""
    total = 0
    for contest_id in await progress.contests_closing_soon():
        total += await progress.remind_late_judges(contest_id)
    return total


async def judging_catch_up(ctx: dict[str, Any]) -> int:
    """Every ten minutes: recompute the rankings still marked stale (`freshness.py`), so a
    review whose aggregate job was lost (Redis down when it was saved, a worker that died)
    still counts; a ranking nothing changed since is left alone."""
    total = 0
    for contest_id, round_no in await freshness.stale_rounds():
        total += await ranking.recompute(contest_id, round_no)
    return total


TASKS: list[Any] = [
    func(judging_aggregate, name="judging_aggregate", max_tries=3),
    func(judging_remind, name="judging_remind", max_tries=3),
]
CRON_JOBS: list[Any] = [
    cron(judging_remind_closing, hour={1}, minute={0}, unique=True),
    cron(judging_catch_up, minute=set(range(5, 60, 10)), unique=True, keep_result=0),
]
