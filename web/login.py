"""Logging in and registering, for the API and the pages alike, under their rate limits."""

from __future__ import annotations

from starlette.requests import Request

from accounts import management, service, tokens
from accounts.errors import BadCredentials, WrongPassword
from accounts.models import Member
from accounts.permissions import Principal
from accounts.schemas import PasswordChangeIn, RegisterIn
from web import context
from web.auth import begin_session

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


async def change_password(request: Request, who: Principal, data: PasswordChangeIn) -> None:
    """Change the member's password. A wrong current password counts as a failed login of
    their account and address (`login`'s limits, 429 past them). Afterwards a request that
    came with the session cookie gets a new session key (every earlier one and every API
    token have ended)."""
    member = await service.get_member(who.member_id)
    limit = f"{context.settings(request).login_attempts_per_minute}/minute"
    limiter = context.limiter(request)
    keys = _keys(request, member.email)
    await limiter.test(limit, *keys)
    try:
        await management.change_password(
            member, current_password=data.current_password, new_password=data.new_password
        )
    except WrongPassword:
        await limiter.count(limit, *keys)
        raise
    if request.state.auth == "session":
        max_age = context.settings(request).session_max_age_s
        begin_session(request, await tokens.start_session(who.member_id, max_age))


async def register(request: Request, data: RegisterIn) -> Member:
    """A new member; every try counts against `REGISTER_LIMIT` per address (429 past it)."""
    await context.limiter(request).hit(
        REGISTER_LIMIT, f"register:addr:{context.client_address(request)}"
    )
    return await service.register(**data.model_dump())
