"""`core.command_packing`: the app's Redis connections pack commands with hiredis, write the
same bytes as redis-py's own packer, and refuse what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.connection import Connection, ConnectionPool, UnixDomainSocketConnection
from redis.exceptions import DataError

from core.command_packing import HiredisPacking, use_hiredis_packing

COMMANDS: list[tuple[Any, ...]] = [
    ("SET", "k", "v"),
    ("EVALSHA", "a" * 40, 2, "lb:{7}:s", "lb:{7}:m", 1.5, -3, 10**20, b"\xff\x00", "Thí sinh"),
    ("CLIENT SETNAME", "ideabank"),
    (b"CLIENT SETNAME", b"ideabank"),
    ("ZADD", "k", 0.1, "m", 1e300, "n", 1e-7, "o"),
    ("SET", "k", ""),
]


def _packers() -> tuple[Connection, Connection]:
    plain = Connection()
    pool = ConnectionPool(connection_class=Connection)
    use_hiredis_packing(pool)
    fast: Connection = pool.make_connection()  # type: ignore[no-untyped-call]
    return plain, fast


def test_the_same_bytes_as_redis_py() -> None:
    plain, fast = _packers()
    assert isinstance(fast, HiredisPacking) and not isinstance(plain, HiredisPacking)
    for command in COMMANDS:
        assert b"".join(fast.pack_command(*command)) == b"".join(plain.pack_command(*command))


@pytest.mark.parametrize("value", [None, True, [1]])
def test_what_redis_py_refuses_is_refused(value: object) -> None:
    plain, fast = _packers()
    for connection in (plain, fast):
        with pytest.raises(DataError):
            connection.pack_command("SET", "k", value)  # type: ignore[arg-type]


def test_unix_sockets_keep_their_class_and_other_encodings_keep_redis_py() -> None:
    pool = ConnectionPool(connection_class=UnixDomainSocketConnection, path="ib.sock")
    use_hiredis_packing(pool)
    use_hiredis_packing(pool)  # twice: still one layer
    assert issubclass(pool.connection_class, UnixDomainSocketConnection)
    assert pool.connection_class.__mro__.count(HiredisPacking) == 1
    latin = ConnectionPool(connection_class=Connection, encoding="latin-1")
    use_hiredis_packing(latin)
    assert latin.connection_class is Connection


async def test_the_apps_pool_packs_with_hiredis_and_round_trips(redis: Redis) -> None:
    assert issubclass(redis.connection_pool.connection_class, HiredisPacking)
    await redis.set("packing:k", "Thí sinh")
    assert (await redis.get("packing:k")).decode() == "Thí sinh"
    assert await redis.zadd("packing:z", {"a": 1.5, "b": -3}) == 2
    assert await redis.zrange("packing:z", 0, -1, withscores=True) == [(b"b", -3.0), (b"a", 1.5)]
