"""The one place the Starlette app is built."""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from core import db
from core.settings import Settings, get_settings
from web.auth import AuthMiddleware
from web.errors import HANDLERS
from web.metrics import MetricsMiddleware
from web.ratelimit import Limiter

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


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """The app. `manage_db=False` leaves Tortoise to the caller (tests share one setup)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from workers import runtime

        if manage_db:
            await db.init(settings)
        services = await runtime.start(settings, run_worker=settings.run_worker_in_process)
        app.state.services = services
        app.state.limiter = Limiter(
            services.broker.limits_uri, connection_pool=services.pool.connection_pool
        )
        try:
            yield
        finally:
            await runtime.stop(services)
            if manage_db:
                await db.close()

    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(MetricsMiddleware),
            Middleware(GZipMiddleware, minimum_size=1000, compresslevel=6),
            Middleware(AuthMiddleware, settings=settings),
        ],
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
