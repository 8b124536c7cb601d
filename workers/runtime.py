"""Starting and stopping what both the web process and a worker process need:
the queue (arq over Redis, embedded or not), the search backend and, in the embedded mode,
the worker itself inside the web process."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from arq import Worker
from arq.connections import ArqRedis, create_pool

from core import queue
from core.command_packing import use_hiredis_packing
from core.settings import Settings
from search import engine
from search.port import SearchBackend
from workers.broker import Broker, broker_for


@dataclass
class Services:
    broker: Broker
    pool: ArqRedis
    search: SearchBackend
    worker: Worker | None = None
    worker_task: asyncio.Task[None] | None = field(default=None)


async def start(settings: Settings, *, run_worker: bool) -> Services:
    broker = broker_for(settings)
    pool = await create_pool(broker.arq)
    use_hiredis_packing(pool.connection_pool)  # also the principals' and limits' connections
    queue.set_pool(pool)
    backend = engine.create_backend(
        meili_url=settings.meili_url,
        meili_key=settings.meili_master_key,
        index_prefix=settings.meili_index_prefix,
    )
    await backend.start()
    engine.set_backend(backend)
    services = Services(broker=broker, pool=pool, search=backend)
    if run_worker:
        from workers.settings import worker_options

        services.worker = Worker(
            redis_pool=pool, handle_signals=False, **worker_options(settings, in_process=True)
        )
        services.worker_task = asyncio.create_task(services.worker.async_run())
        # Changes written while no worker ran (e.g. `ideabank seed-demo`) reach the index now.
        from search import sync

        await sync.kick()
    return services


async def stop(services: Services) -> None:
    if services.worker is not None:
        await services.worker.close()
    if services.worker_task is not None:
        services.worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await services.worker_task
    await services.search.close()
    engine.set_backend(None)
    queue.set_pool(None)
    await services.pool.aclose()
