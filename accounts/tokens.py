"""API tokens and web sessions: random secrets of which only a SHA-256 hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from accounts.models import ApiToken, Member, WebSession
from core import clock

API_TOKEN_TTL = timedelta(days=90)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_api_token(member_id: int) -> str:
    token = "ib_" + secrets.token_urlsafe(32)
    now = clock.now()
    await ApiToken.create(
        token_hash=digest(token),
        member_id=member_id,
        created_at=now,
        expires_at=now + API_TOKEN_TTL,
    )
    return token


async def member_for_api_token(token: str) -> Member | None:
    row = await ApiToken.get_or_none(token_hash=digest(token), expires_at__gt=clock.now())
    if row is None:
        return None
    return await Member.get_or_none(id=row.member_id, is_active=True)


async def revoke_api_token(token: str) -> None:
    await ApiToken.filter(token_hash=digest(token)).delete()


async def start_session(member_id: int, max_age_s: int, old_key: str | None = None) -> str:
    """A new session key for this member; the old key (if any) stops working: rotation."""
    if old_key:
        await WebSession.filter(key_hash=digest(old_key)).delete()
    key = secrets.token_urlsafe(32)
    now = clock.now()
    await WebSession.create(
        key_hash=digest(key),
        member_id=member_id,
        created_at=now,
        expires_at=now + timedelta(seconds=max_age_s),
    )
    return key


async def member_for_session(key: str) -> Member | None:
    row = await WebSession.get_or_none(key_hash=digest(key), expires_at__gt=clock.now())
    if row is None:
        return None
    return await Member.get_or_none(id=row.member_id, is_active=True)


async def end_session(key: str) -> None:
    await WebSession.filter(key_hash=digest(key)).delete()
