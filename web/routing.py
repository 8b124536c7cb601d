"""Route dispatch by path prefix instead of trying every route's regex in order.

Starlette's `Router` matches a request against each of its ~150 routes in turn, a regex
per route, so a request for a route near the end pays for all the others. `IndexedRouter`
keeps Starlette's `Route` and `Mount` objects and its rules, and only narrows which routes
are tried:

- Each route is filed under the literal path segments its path starts with, at most
  `DEPTH` of them (`/api/v1/attempts/{id:int}/submit` under `("api", "v1", "attempts")`,
  `/static` under `("static",)`, a route starting with a parameter under `()`).
- A request tries the routes filed under the longest of its own first segments that has
  any, together with every route filed under a shorter prefix of it, in the order the
  routes were given. No other route can match that path, so the first full match, the
  first partial match (405), the trailing-slash redirect and the 404 are exactly
  Starlette's; `scope["route"]`, `endpoint` and the path parameters are set as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

from core.keys import BIGINT_MAX, INTEGER_MAX

DEPTH = 3


def decimal_at_most(limit: int) -> str:
    """A regex matching the decimal numbers from 0 to `limit` (leading zeros allowed)."""
    top = str(limit)
    shorter = f"[0-9]{{1,{len(top) - 1}}}" if len(top) > 1 else ""
    same_length = [
        f"{top[:i]}[0-{int(d) - 1}][0-9]{{{len(top) - i - 1}}}"
        for i, d in enumerate(top)
        if d != "0"
    ]
    return "(?:" + "|".join(filter(None, [shorter, *same_length, top])) + ")"


class RowIdConvertor(IntegerConvertor):
    """`{name:int}` in this app's paths: an id of a BIGINT key (`core.keys`). A larger number
    names no row, so the route does not match (a 404) instead of failing the query."""

    regex = decimal_at_most(BIGINT_MAX)


class AccountIdConvertor(IntegerConvertor):
    """`{name:account}`: an id of a unit, member or role (accounts' INTEGER keys)."""

    regex = decimal_at_most(INTEGER_MAX)


# Before any route is built (`web/__init__` imports this module): Starlette compiles a
# route's path when the route is made.
register_url_convertor("int", RowIdConvertor())
register_url_convertor("account", AccountIdConvertor())

Key = tuple[str, ...]


def literal_segments(route: BaseRoute) -> Key:
    """The whole path segments a route's path starts with, before any parameter (at most
    DEPTH); `()` for routes that are not `Route`/`Mount` (they are tried for every path)."""
    if isinstance(route, Route):
        path = route.path
    elif isinstance(route, Mount):
        path = route.path + "/"
    else:
        return ()
    brace = path.find("{")
    if brace >= 0:
        # only the segments that end before the first parameter are literal
        path = path[: path.rfind("/", 0, brace) + 1]
        segments = path.split("/")[1:-1]
    else:
        segments = path.split("/")[1:]
        if isinstance(route, Mount):
            segments = segments[:-1]
    return tuple(segments[:DEPTH])


class RouteIndex:
    """For every filed prefix, the routes a path starting with it may match, in order."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        filed: dict[Key, list[int]] = {}
        for i, route in enumerate(routes):
            filed.setdefault(literal_segments(route), []).append(i)
        keys = {key[:d] for key in filed for d in range(len(key) + 1)}
        self.candidates: dict[Key, list[BaseRoute]] = {}
        for key in keys:
            found = sorted(i for d in range(len(key) + 1) for i in filed.get(key[:d], ()))
            self.candidates[key] = [routes[i] for i in found]
        self.size = len(routes)

    def for_path(self, path: str) -> list[BaseRoute]:
        segments = path.split("/", DEPTH + 1)[1 : DEPTH + 1]
        for d in range(len(segments), -1, -1):
            found = self.candidates.get(tuple(segments[:d]))
            if found is not None:
                return found
        return []  # pragma: no cover - () is always a key


class IndexedRouter(Router):
    """Starlette's `Router` with the prefix index (see the module docstring)."""

    def __init__(self, routes: Sequence[BaseRoute] | None = None, **kwargs: Any) -> None:
        super().__init__(routes, **kwargs)
        self._index = RouteIndex(self.routes)

    def index(self) -> RouteIndex:
        """The index, rebuilt when routes were added after construction."""
        if self._index.size != len(self.routes):
            self._index = RouteIndex(self.routes)
        return self._index

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        route_path = get_route_path(scope)
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in self.index().for_path(route_path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:  # the path is known, the method is not: 405
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        if scope["type"] == "http" and self.redirect_slashes and route_path != "/":
            redirect_scope = dict(scope)
            if route_path.endswith("/"):
                redirect_scope["path"] = redirect_scope["path"].rstrip("/")
            else:
                redirect_scope["path"] = redirect_scope["path"] + "/"
            for route in self.index().for_path(get_route_path(redirect_scope)):
                match, _ = route.matches(redirect_scope)
                if match is not Match.NONE:
                    response = RedirectResponse(url=str(URL(scope=redirect_scope)))
                    await response(scope, receive, send)
                    return
        await self.default(scope, receive, send)
