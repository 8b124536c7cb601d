"""The outer edge of every request: Prometheus metrics, security headers, gzip on demand.

One pure-ASGI layer does what three did:
- metrics: requests by method, route template and status, and their latency. The route is
  the one the router matched (`scope["route"]`), so labels stay few
  (`/api/v1/attempts/{id:int}/submit`, not one per id); label children are looked up once
  per (method, route, status) and kept.
- security headers on every answer (`SECURITY_HEADERS`), unless the route set its own, and
  `Content-Language`: the language `web.auth` picked for the request (`state["lang"]`).
- gzip (Starlette's `GZipMiddleware`) only for clients that send `Accept-Encoding: gzip`;
  the others (API clients, load generators) skip it entirely.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("ideabank_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "ideabank_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# Sent with every answer: no MIME sniffing, no framing by other sites, no full URLs in
# the Referer header sent to other sites.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
_ADDED_NAMES = _SECURITY_NAMES | {b"content-language"}

_counters: dict[tuple[str, str, int], Any] = {}
_latencies: dict[tuple[str, str], Any] = {}


def _route_name(scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        return "unmatched"
    return str(getattr(route, "path", "other"))


def record(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency."""
    counter = _counters.get((method, route, status))
    if counter is None:
        counter = _counters[(method, route, status)] = REQUESTS.labels(method, route, str(status))
    counter.inc()
    latency = _latencies.get((method, route))
    if latency is None:
        latency = _latencies[(method, route)] = LATENCY.labels(method, route)
    latency.observe(seconds)


def _accepts_gzip(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


class EdgeMiddleware:
    """Metrics, security headers and gzip on demand (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, gzip_minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=gzip_minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def edge_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                raw = message.get("headers")
                raw = list(raw) if raw else []
                names = {name.lower() for name, _ in raw} & _ADDED_NAMES
                raw.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                lang = scope.get("state", {}).get("lang")
                if lang and b"content-language" not in names:
                    raw.append((b"content-language", lang.encode()))
                message["headers"] = raw
            await send(message)

        inner = self.gzip if _accepts_gzip(scope) else self.app
        try:
            await inner(scope, receive, edge_send)
        finally:
            record(scope["method"], _route_name(scope), status, time.perf_counter() - start)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
