"""Operations: health, metrics, the OpenAPI document."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise import connections

from web.metrics import metrics
from web.openapi import document

CHECK_TIMEOUT_S = 2.0


async def _check_db() -> bool:
    await connections.get("default").execute_query("SELECT 1")
    return True


async def _check(coro_factory: object) -> bool:
    try:
        return bool(await asyncio.wait_for(coro_factory, timeout=CHECK_TIMEOUT_S))  # type: ignore[arg-type]
    except Exception:  # any failure of a dependency is "down", reported by name
        return False


async def health(request: Request) -> Response:
    """200 when the database, the queue and the search engine all answer; 503 naming those
    that do not."""
    services = request.app.state.services
    results = {
        "db": await _check(_check_db()),
        "queue": await _check(services.pool.ping()),
        "search": await _check(services.search.health()),
    }
    down = [name for name, ok in results.items() if not ok]
    body = {"status": "ok" if not down else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in results.items()})
    if down:
        body["failing"] = ", ".join(down)
    return JSONResponse(body, status_code=503 if down else 200)


async def openapi(request: Request) -> Response:
    return JSONResponse(document("ideabank", "1.0"))


routes: list[BaseRoute] = [
    Route("/health", health, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
]
