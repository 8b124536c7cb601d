"""Logging in and registering, for the API and the pages alike, under their rate limits."""

from __future__ import annotations

from starlette.requests import Request

from accounts import service
from accounts.errors import BadCredentials
from accounts.models import Member
from accounts.schemas import RegisterIn
from web import context

# A union registering a hall of members behind one address fits; a script making
# thousands of accounts does not.
REGISTER_LIMIT = "60/hour"


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


async def register(request: Request, data: RegisterIn) -> Member:
    """A new member; every try counts against `REGISTER_LIMIT` per address (429 past it)."""
    await context.limiter(request).hit(
        REGISTER_LIMIT, f"register:addr:{context.client_address(request)}"
    )
    return await service.register(**data.model_dump())
