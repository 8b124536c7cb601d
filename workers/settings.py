"""The arq worker: which functions it runs, on what schedule, and how it starts.

Each domain package lists its tasks in its `tasks.py` as `TASKS` (functions, or arq `func`
wrappers with per-function options) and `CRON_JOBS`. Every task takes ids, re-reads rows
and may run twice without harm: arq delivers at least once.
"""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings

from core import clock, db
from core.command_packing import use_hiredis_packing
from core.settings import Settings, get_settings
from workers.registry import cron_jobs, functions


def worker_options(settings: Settings, *, in_process: bool) -> dict[str, Any]:
    options: dict[str, Any] = {
        "functions": functions(),
        "cron_jobs": cron_jobs(),
        "max_jobs": 20,
        "job_timeout": 300,
        "keep_result": 60,
        "poll_delay": 0.2,
        # Daily jobs (reminders at 01:00, clean-ups at night) follow Vietnam's clock, not
        # the worker machine's time zone.
        "timezone": clock.LOCAL_TZ,
    }
    if not in_process:
        options["on_startup"] = _startup
        options["on_shutdown"] = _shutdown
    return options


async def _startup(ctx: dict[str, Any]) -> None:
    from workers import runtime

    settings = get_settings()
    await db.init(settings)
    use_hiredis_packing(ctx["redis"].connection_pool)  # arq's own pool: polling, job results
    ctx["services"] = await runtime.start(settings, run_worker=False)


async def _shutdown(ctx: dict[str, Any]) -> None:
    from workers import runtime

    services = ctx.get("services")
    if services is not None:
        await runtime.stop(services)
    await db.close()


def _redis_settings() -> RedisSettings | None:
    url = get_settings().redis_url
    return RedisSettings.from_dsn(url) if url else None


class WorkerSettings:
    """`arq workers.settings.WorkerSettings` (or `ideabank worker`) runs this."""

    functions = functions()
    cron_jobs = cron_jobs()
    on_startup = _startup
    on_shutdown = _shutdown
    max_jobs = 20
    job_timeout = 300
    keep_result = 60
    # `ideabank worker` sets this from settings too; set here so that plain
    # `arq workers.settings.WorkerSettings` (and `arq --check`) find REDIS_URL.
    redis_settings = _redis_settings()
