"""Handing a temporary password to the organiser who reset it: kept server-side, shown once.

The rules, written once:
- The reset (a POST) keeps the temporary password in Redis for `HANDOVER_S` seconds under
  a key naming the viewer (a hash of their session key, never the key itself) and the
  member; the page that shows it (a GET, after a redirect) takes it, and taking deletes it.
  So reloading either page never resets the password again, and never shows it twice.
- The password is never part of a URL, a Redis key or a log line: only the value of one key.
- Another browser (another session) cannot take it; after `HANDOVER_S` it is gone, and a
  lost password means resetting again (the member cannot log in with one nobody knows).
"""

from __future__ import annotations

from accounts.tokens import digest
from core import queue

HANDOVER_S = 600


def _key(viewer: str, member_id: int) -> str:
    return f"ib:temporary-password:{digest(viewer)}:{member_id}"


async def keep(viewer: str, member_id: int, temporary: str) -> None:
    """Keep `temporary` for `viewer` (a session key) to take once, for `HANDOVER_S`."""
    await queue.get_pool().set(_key(viewer, member_id), temporary, ex=HANDOVER_S)


async def take(viewer: str, member_id: int) -> str | None:
    """The temporary password kept for `viewer` and this member, removed as it is read
    (GET and DEL in one transaction: two reloads at once cannot both get it)."""
    async with queue.get_pool().pipeline(transaction=True) as pipe:
        pipe.get(_key(viewer, member_id))
        pipe.delete(_key(viewer, member_id))
        value, _ = await pipe.execute()
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
