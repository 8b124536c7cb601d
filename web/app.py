"""The one place the Starlette app is built."""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from core import db
from core.settings import Settings, get_settings
from web.auth import AuthMiddleware
from web.errors import HANDLERS
from web.metrics import EdgeMiddleware
from web.principals import principals
from web.ratelimit import Limiter
from web.routing import IndexedRouter
from workers.broker import stop_embedded

log = logging.getLogger("ideabank")

# Route modules, each with a `routes` list. API modules first: their paths are fixed.
ROUTE_MODULES = (
    "web.api.system",
    "web.api.accounts",
    "web.api.units",
    "web.api.ideas",
    "web.api.search",
    "web.api.contests",
    "web.api.quiz",
    "web.api.quiz_manage",
    "web.api.quiz_units",
    "web.api.judging",
    "web.pages.home",
    "web.pages.accounts",
    "web.pages.units",
    "web.pages.ideas",
    "web.pages.organise",
    "web.pages.contests",
    "web.pages.quiz",
    "web.pages.judging",
    "web.pages.search",
)


def all_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).routes)
    static = Path(__file__).parent / "static"
    routes.append(Mount("/static", app=StaticFiles(directory=static), name="static"))
    return routes


GC_GEN0_THRESHOLD = 20_000  # allocations between young collections (Python's default: 700)


def tune_collector() -> None:
    """Keep the cyclic garbage collector off the request path of a long-running server.

    Everything alive once the app has started (modules, routes, models, pools) lives as long
    as the process, so it is frozen out of the collector's scans; and young collections run
    every 20,000 allocations instead of 700, so the objects of the requests in flight are
    seldom promoted to the old generation only to die there. Measured on the submit path
    (one process under wrk): full collections went from 31 in 10 s, up to 130 ms each, to 3,
    and p99 from 105 ms to 29 ms.
    """
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


def create_app(
    settings: Settings | None = None, *, manage_db: bool = True, server: bool = False
) -> Starlette:
    """The app. `manage_db=False` leaves Tortoise to the caller (tests share one setup);
    `server=True` (`web.asgi`) also tunes the collector once started (`tune_collector`)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from workers import runtime

        if manage_db:
            await db.init(settings)
        services = await runtime.start(settings, run_worker=settings.run_worker_in_process)
        app.state.services = services
        await principals.start(services.pool)
        app.state.limiter = Limiter(
            services.broker.limits_uri, connection_pool=services.pool.connection_pool
        )
        if server:
            tune_collector()
        try:
            yield
        finally:
            await principals.stop()
            await runtime.stop(services)
            if manage_db:
                await db.close()
            if server:
                # uvicorn ends by re-raising the stop signal, so exit hooks never run: the
                # embedded Redis (a child process) is stopped here or it outlives us.
                stop_embedded()

    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(EdgeMiddleware),
            Middleware(AuthMiddleware, settings=settings),
        ],
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    # Same routes, same rules, found by path prefix instead of ~150 regexes in turn.
    app.router = IndexedRouter(app.router.routes, lifespan=lifespan)
    app.state.settings = settings
    return app
