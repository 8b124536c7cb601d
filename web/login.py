"""Logging in, for the API and the login page alike, under the login rate limit."""

from __future__ import annotations

from starlette.requests import Request

from accounts import service
from accounts.errors import BadCredentials
from accounts.models import Member
from web import context


def _keys(request: Request, email: str) -> tuple[str, str]:
    return f"login:email:{email.strip().lower()}", f"login:addr:{context.client_address(request)}"


async def login(request: Request, email: str, password: str) -> Member:
    """The member, if the password is right. Ten failed logins a minute per account or per
    address (the setting `login_attempts_per_minute`) and further tries get 429 with
    Retry-After, right password or not, until the window moves on."""
    limit = f"{context.settings(request).login_attempts_per_minute}/minute"
    limiter = context.limiter(request)
    keys = _keys(request, email)
    await limiter.test(limit, *keys)
    try:
        return await service.authenticate(email, password)
    except BadCredentials:
        await limiter.count(limit, *keys)
        raise
