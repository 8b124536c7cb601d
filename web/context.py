"""What routes need from the request: the principal, settings, limiter, client address."""

from __future__ import annotations

from starlette.requests import Request

from accounts.permissions import Principal, require_member
from core.settings import Settings
from ideas import identity
from web.ratelimit import Limiter


def principal(request: Request) -> Principal | None:
    value = request.state.principal
    return value if isinstance(value, Principal) else None


def member(request: Request) -> Principal:
    """The logged-in member, or 401."""
    return require_member(principal(request))


async def hidden_ideas(request: Request) -> frozenset[int]:
    """The ideas whose authors this request's member may not see (`ideas.identity`),
    computed at most once per request."""
    cached = getattr(request.state, "hidden_ideas", None)
    if isinstance(cached, frozenset):
        return cached
    found = await identity.hidden_from(principal(request))
    request.state.hidden_ideas = found
    return found


def settings(request: Request) -> Settings:
    value = request.app.state.settings
    assert isinstance(value, Settings)
    return value


def limiter(request: Request) -> Limiter:
    value = request.app.state.limiter
    assert isinstance(value, Limiter)
    return value


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
