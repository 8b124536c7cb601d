"""What routes need from the request: the principal, settings, limiter, client address."""

from __future__ import annotations

from starlette.requests import Request

from accounts.permissions import Principal, require_member
from core.settings import Settings
from web.ratelimit import Limiter


def principal(request: Request) -> Principal | None:
    value = request.state.principal
    return value if isinstance(value, Principal) else None


def member(request: Request) -> Principal:
    """The logged-in member, or 401."""
    return require_member(principal(request))


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
