"""The one way domain code hands work to the background worker.

arq is maintenance-only upstream, so it stays behind this function. Enqueue after the
transaction commits (never inside one: tortoise#1855), or write an outbox row instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arq.connections import ArqRedis

_pool: ArqRedis | None = None


def set_pool(pool: ArqRedis | None) -> None:
    global _pool
    _pool = pool


def is_started() -> bool:
    return _pool is not None


def get_pool() -> ArqRedis:
    if _pool is None:
        raise RuntimeError("the queue is not started")
    return _pool


async def enqueue(
    function: str,
    *args: Any,
    job_id: str | None = None,
    defer_s: float | None = None,
    at: float | None = None,
) -> bool:
    """Queue `function(*args)` to run now, `defer_s` seconds from now, or not before the
    Unix time `at`; False when a job with `job_id` is already queued or kept."""
    job = await get_pool().enqueue_job(
        function,
        *args,
        _job_id=job_id,
        _defer_by=timedelta(seconds=defer_s) if defer_s else None,
        _defer_until=datetime.fromtimestamp(at, UTC) if at is not None else None,
    )
    return job is not None


async def is_queued(job_id: str) -> bool:
    """Whether a job with this id is queued (or running): its arq job key exists."""
    from arq.constants import job_key_prefix

    return bool(await get_pool().exists(job_key_prefix + job_id))
