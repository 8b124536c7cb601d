"""Redis commands packed by hiredis (C) on asyncio connections, as redis-py's blocking
connections already do.

redis-py 5's asyncio connections turn every command into the Redis protocol in Python
(about 26 µs for a leaderboard's `EVALSHA` on these machines) even when hiredis is
installed; its blocking connections hand the same work to `hiredis.pack_command` (about
3 µs). Every "my rank", rate-limit check and queued job pays it, so the app's pool
(`workers.runtime`; the rate limiter shares it, and `web.principals` opens its own with the
same connection class) packs with hiredis (`use_hiredis_packing`). The bytes are the same
(`tests/core/test_command_packing.py` compares them); what hiredis cannot pack (None, a
bool, a list, an int subclass such as an IntEnum, which redis-py sent as its repr) raises
redis-py's `DataError`. Connections that encode text other than as strict UTF-8 (hiredis
only knows that) keep redis-py's packer.
"""

from __future__ import annotations

from typing import Any

import hiredis
from redis.asyncio.connection import AbstractConnection, ConnectionPool
from redis.exceptions import DataError


class HiredisPacking(AbstractConnection):
    """Mixed in before a redis-py asyncio connection class: `pack_command` by hiredis."""

    def pack_command(self, *args: Any) -> list[bytes]:
        head = args[0]
        if isinstance(head, str):  # "CLIENT SETNAME" is two words on the wire
            args = (*head.encode().split(), *args[1:])
        elif b" " in head:
            args = (*head.split(), *args[1:])
        try:
            return [hiredis.pack_command(args)]
        except TypeError as e:
            raise DataError(f"Invalid input: {e}") from e


_packing: dict[type[AbstractConnection], type[AbstractConnection]] = {}  # one per base class


def use_hiredis_packing(pool: ConnectionPool) -> None:
    """Connections that `pool` opens from now on pack commands with hiredis (those already
    open keep redis-py's packer, which writes the same bytes)."""
    encoding = pool.connection_kwargs.get("encoding", "utf-8")
    errors = pool.connection_kwargs.get("encoding_errors", "strict")
    if encoding.replace("_", "-").lower() not in ("utf-8", "utf8") or errors != "strict":
        return
    if not issubclass(pool.connection_class, HiredisPacking):
        base = pool.connection_class
        if base not in _packing:
            _packing[base] = type(f"Hiredis{base.__name__}", (HiredisPacking, base), {})
        pool.connection_class = _packing[base]
