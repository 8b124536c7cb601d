"""Rate limits with the `limits` library over Redis (moving windows shared by every process)."""

from __future__ import annotations

import math
import time
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from core.errors import RateLimited


class Limiter:
    def __init__(self, storage_uri: str, connection_pool: Any = None) -> None:
        # With only redis-py installed, `limits` needs implementation="redispy". Sharing the
        # queue's connection pool means one set of connections, closed with the queue.
        options: dict[str, Any] = {"implementation": "redispy"}
        if connection_pool is not None:
            options["connection_pool"] = connection_pool
        storage = storage_from_string(storage_uri, **options)
        assert isinstance(storage, Storage)
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)

    async def hit(self, limit: str | RateLimitItem, *keys: str) -> None:
        """Count one hit against every key; 429 with Retry-After when any is over `limit`."""
        item = parse(limit) if isinstance(limit, str) else limit
        for key in keys:
            if not await self.strategy.hit(item, key):
                stats = await self.strategy.get_window_stats(item, key)
                raise RateLimited(retry_after=math.ceil(stats.reset_time - time.time()))

    async def test(self, limit: str, *keys: str) -> None:
        """Like `hit`, but only checks (for counting failures after the fact)."""
        item = parse(limit)
        for key in keys:
            if not await self.strategy.test(item, key):
                stats = await self.strategy.get_window_stats(item, key)
                raise RateLimited(retry_after=math.ceil(stats.reset_time - time.time()))

    async def count(self, limit: str, *keys: str) -> None:
        """Count one hit against every key without refusing (failures counted after the fact)."""
        item = parse(limit)
        for key in keys:
            await self.strategy.hit(item, key)

    async def clear(self, limit: str, *keys: str) -> None:
        item = parse(limit)
        for key in keys:
            await self.strategy.clear(item, key)
