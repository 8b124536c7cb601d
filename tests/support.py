"""Running the worker in tests: burst mode, no sleeping."""

from __future__ import annotations

from arq import Worker
from starlette.applications import Starlette

from workers.settings import worker_options


async def run_worker(app: Starlette) -> None:
    """Run every queued job (and what they queue) to the end, then return."""
    options = worker_options(app.state.settings, in_process=True)
    options.update(poll_delay=0, burst=True)
    worker = Worker(redis_pool=app.state.services.pool, handle_signals=False, **options)
    try:
        await worker.main()
    finally:
        await worker.close()
