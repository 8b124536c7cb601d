"""API tokens and web sessions: random secrets of which only a SHA-256 hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections

from accounts import changes
from accounts.models import ApiToken, RoleName, WebSession
from accounts.permissions import Grant, Principal
from core import clock
from core.db import arrays, is_postgres
from core.sql_params import Params

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


@dataclass(frozen=True)
class SignedIn:
    """Who a token or session key names, and until when that credential holds."""

    principal: Principal
    expires_at: datetime


_SIGNED_IN = """
SELECT t.{column} AS secret_hash,
       m.id, m.display_name, m.unit_id, m.birth_year, m.is_active, m.must_change_password,
       u.path, t.expires_at,
       r.role, r.unit_id AS role_unit_id, ru.path AS role_path
FROM {table} t
JOIN member m ON m.id = t.member_id
JOIN unit u ON u.id = m.unit_id
LEFT JOIN role r ON r.member_id = m.id
LEFT JOIN unit ru ON ru.id = r.unit_id
WHERE {match}
ORDER BY r.id
"""


def _as_datetime(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def _signed_in(table: str, column: str, secrets_: Sequence[str]) -> list[SignedIn | None]:
    """The principal behind each credential (None: unknown, expired, or the member is
    deactivated), as `load_principal` builds it, all read in one statement: every
    signed-in request needs its principal, and a process meets a crowd of members at once
    when a round opens (`web.principals` keeps them, and groups the first lookups)."""
    hashes = [digest(secret) for secret in secrets_]
    if is_postgres():
        match, values = f"t.{column} = ANY({arrays(1, 'text')})", [hashes]
    else:  # SQLite: one placeholder per value (batches stay far below its bind limit)
        params = Params(postgres=False)
        match = f"t.{column} IN ({', '.join(params.bind(h) for h in hashes)})"
        values = params.values
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        _SIGNED_IN.format(table=table, column=column, match=match), values
    )
    by_hash: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_hash.setdefault(str(row["secret_hash"]), []).append(row)
    return [_signed_in_from(by_hash.get(h, [])) for h in hashes]


def _signed_in_from(rows: list[dict[str, Any]]) -> SignedIn | None:
    """One credential's rows (one per role of the member) as a `SignedIn`."""
    if not rows:
        return None
    row = rows[0]
    expires_at = _as_datetime(row["expires_at"])
    if not row["is_active"] or expires_at <= clock.now():
        return None
    principal = Principal(
        member_id=int(row["id"]),
        display_name=str(row["display_name"]),
        unit_id=int(row["unit_id"]),
        unit_path=str(row["path"]),
        birth_year=int(row["birth_year"]),
        grants=tuple(
            Grant(RoleName(r["role"]), int(r["role_unit_id"]), str(r["role_path"]))
            for r in rows
            if r["role"] is not None
        ),
        must_change_password=bool(row["must_change_password"]),
    )
    return SignedIn(principal, expires_at)


async def signed_in_by_tokens(tokens: Sequence[str]) -> list[SignedIn | None]:
    """Who each API token names (None: unknown, expired, or the member is deactivated)."""
    return await _signed_in("api_token", "token_hash", tokens)


async def signed_in_by_sessions(keys: Sequence[str]) -> list[SignedIn | None]:
    """Who each web session key names (None: unknown, expired, or deactivated)."""
    return await _signed_in("web_session", "key_hash", keys)


async def signed_in_by_token(token: str) -> SignedIn | None:
    return (await signed_in_by_tokens([token]))[0]


async def signed_in_by_session(key: str) -> SignedIn | None:
    return (await signed_in_by_sessions([key]))[0]


async def revoke_api_token(token: str) -> None:
    found = await ApiToken.get_or_none(token_hash=digest(token))
    if found is not None:
        await ApiToken.filter(id=found.id).delete()
        await changes.member_changed(found.member_id)


async def start_session(member_id: int, max_age_s: int, old_key: str | None = None) -> str:
    """A new session key for this member; the old key (if any) stops working: rotation."""
    if old_key:
        await end_session(old_key)
    key = secrets.token_urlsafe(32)
    now = clock.now()
    await WebSession.create(
        key_hash=digest(key),
        member_id=member_id,
        created_at=now,
        expires_at=now + timedelta(seconds=max_age_s),
    )
    return key


async def end_session(key: str) -> None:
    found = await WebSession.get_or_none(key_hash=digest(key))
    if found is not None:
        await WebSession.filter(id=found.id).delete()
        await changes.member_changed(found.member_id)


async def end_all(member_id: int) -> None:
    """End every web session and API token of a member: after a password change or reset,
    a deactivation. Call it inside the transaction of the change, so both are stored or
    neither."""
    await WebSession.filter(member_id=member_id).delete()
    await ApiToken.filter(member_id=member_id).delete()
