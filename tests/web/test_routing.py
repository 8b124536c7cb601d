"""Dispatch by path prefix finds exactly the route Starlette's linear scan finds, and the
answers around it (404, 405, trailing-slash redirect, security headers) stay the same."""

from __future__ import annotations

import re

import httpx2
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from web.routing import IndexedRouter

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SAMPLE = {"int": "7", "account": "7", "path": "a/b.css", "str": "abc", None: "abc"}


def _example_paths(route: BaseRoute) -> list[str]:
    """A path each route answers, and near misses of it."""
    if isinstance(route, Mount):
        base = route.path + "/site.css"
    elif isinstance(route, Route):
        base = _PARAM.sub(lambda m: _SAMPLE.get(m.group(2), "abc"), route.path)
    else:
        return []
    return [base, base + "/", base.rstrip("/") or "/", base + "/extra", base.replace("7", "x")]


def _linear(routes: list[BaseRoute], scope: Scope) -> tuple[object, object]:
    """What Starlette's `Router` picks: the first full match, else the first partial one."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route, Match.FULL
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, Match.PARTIAL if partial else Match.NONE


def test_every_path_finds_the_route_the_linear_scan_finds(app: Starlette) -> None:
    router = app.router
    assert isinstance(router, IndexedRouter)
    paths = {p for route in router.routes for p in _example_paths(route)}
    paths |= {"/", "/nothing", "/api/v1/nothing-here", "/api", "/static", ""}
    assert len(paths) > 200
    for path in sorted(paths):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            scope: Scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            expected = _linear(router.routes, scope)
            found = _linear(router.index().for_path(path), scope)
            assert found == expected, (method, path)


async def test_answers_around_the_routes_stay_the_same(client: httpx2.AsyncClient) -> None:
    r = await client.get("/api/v1/units")
    assert r.status_code == 200
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-language"] == "vi"  # Vietnamese by default
    english = await client.get("/api/v1/units", headers={"Accept-Language": "en"})
    assert english.headers["content-language"] == "en"
    assert "set-cookie" not in english.headers  # the API plants no cookie
    not_found = await client.get("/api/v1/attempts/abc/submit")
    assert not_found.status_code == 404
    assert not_found.json()["error"]["code"] == "not_found"
    wrong_method = await client.get("/api/v1/attempts/7/submit")
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["allow"]
    slash = await client.get("/api/v1/units/", follow_redirects=False)
    assert slash.status_code == 307
    assert slash.headers["location"].endswith("/api/v1/units")
    static = await client.get("/static/site.css")
    assert static.status_code == 200


async def test_routes_added_later_are_found(app: Starlette) -> None:
    router = IndexedRouter(list(app.router.routes))
    before = len(router.index().for_path("/api/v1/late-route"))

    async def late(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        return None

    router.routes.append(Route("/api/v1/late-route", late))
    assert len(router.index().for_path("/api/v1/late-route")) == before + 1


async def test_board_paging_is_checked_like_any_query(client: httpx2.AsyncClient) -> None:
    for query in ("limit=0", "limit=101", "offset=-1", "limit=abc", "offset=99999999999"):
        r = await client.get(f"/api/v1/rounds/1/leaderboard?{query}")
        assert r.status_code == 422, query
        assert r.json()["error"]["fields"], query
