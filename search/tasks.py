"""Background work of this package: draining the outbox into the indexes, reconciling."""

from __future__ import annotations

import logging
from typing import Any

from arq import cron, func

from core import clock, outbox
from search import sync

log = logging.getLogger(__name__)


async def search_drain(ctx: dict[str, Any]) -> int:
    """Apply pending outbox rows; returns how many rows it handled."""
    report = await sync.drain()
    return report.rows


async def search_reconcile(ctx: dict[str, Any]) -> int:
    """Bring every index in step with its source; returns how many ids it fixed."""
    fixed = 0
    for report in await sync.reconcile():
        if report.written or report.deleted:
            log.warning(
                "search reconcile fixed %s: %d written, %d deleted",
                report.index,
                report.written,
                report.deleted,
            )
        fixed += report.written + report.deleted
    return fixed


async def outbox_purge(ctx: dict[str, Any]) -> int:
    """Nightly: delete outbox rows done a week ago and more."""
    return await outbox.purge_done(clock.now())


TASKS: list[Any] = [
    # keep_result=0: a finished drain frees its job id at once (see `sync.kick`).
    func(search_drain, name=sync.DRAIN_TASK, keep_result=0, max_tries=3, timeout=600),
    func(search_reconcile, name="search_reconcile", keep_result=0, timeout=3600),
]
CRON_JOBS: list[Any] = [
    cron(search_drain, name="cron:search_drain", second={0}, unique=True, keep_result=0),
    cron(
        search_reconcile,
        name="cron:search_reconcile",
        minute={17},
        second={30},
        unique=True,
        keep_result=0,
    ),
    cron(outbox_purge, hour={4}, minute={27}, unique=True, keep_result=0),
]
