"""Rate limits with the `limits` library over Redis (moving windows shared by every process).

When Redis cannot be reached, requests pass unlimited (logged at most once a minute): the
limits protect the service and must not take it down with Redis (`_open_on_outage`).
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from functools import lru_cache
from typing import Any, ParamSpec

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from redis.exceptions import RedisError

from core import scripts
from core.batching import Batcher
from core.errors import RateLimited

log = logging.getLogger(__name__)
_last_outage_log = 0.0

P = ParamSpec("P")


def _open_on_outage(
    check: Callable[P, Awaitable[None]],
) -> Callable[P, Coroutine[Any, Any, None]]:
    """A limit check that lets the request through when the store is down (see above)."""

    @functools.wraps(check)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        global _last_outage_log
        try:
            await check(*args, **kwargs)
        except (RedisError, OSError):
            if time.monotonic() - _last_outage_log > 60:
                _last_outage_log = time.monotonic()
                log.warning("rate limits not checked: Redis unreachable", exc_info=True)

    return guarded


@lru_cache(maxsize=256)
def _item(limit: str) -> RateLimitItem:
    """A parsed limit ("120/minute"), parsed once per process."""
    return parse(limit)


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
        self._batch: Batcher[list[tuple[RateLimitItem, str]], list[Any]] = Batcher(
            self._run, max_batch=1000
        )

    @_open_on_outage
    async def hit(self, limit: str | RateLimitItem, *keys: str) -> None:
        """Count one hit against every key; 429 with Retry-After when any is over `limit`."""
        item = _item(limit) if isinstance(limit, str) else limit
        for key in keys:
            if not await self.strategy.hit(item, key):
                stats = await self.strategy.get_window_stats(item, key)
                raise RateLimited(retry_after=math.ceil(stats.reset_time - time.time()))

    @_open_on_outage
    async def hit_all(self, *checks: tuple[str, str]) -> None:
        """Count one hit of each `(limit, key)`; 429 with Retry-After when any is over its
        limit. Every check counts, even when another one refuses. The checks of all the
        requests of this process that arrive together go to Redis in one pipeline (the
        moving-window script of `limits`), one round trip for all of them."""
        items = [(_item(limit), key) for limit, key in checks]
        bridge = getattr(self.storage, "bridge", None)
        script = getattr(bridge, "lua_acquire_moving_window", None)
        if bridge is None or script is None:  # not Redis: one call per check
            for item, key in items:
                await self.hit(item, key)
            return
        results = await self._batch(items)
        for (item, key), result in zip(items, results, strict=True):
            if isinstance(result, Exception):
                raise result
            if not result:
                stats = await self.strategy.get_window_stats(item, key)
                raise RateLimited(retry_after=max(1, math.ceil(stats.reset_time - time.time())))

    async def _run(self, batch: list[list[tuple[RateLimitItem, str]]]) -> list[list[Any]]:
        """The checks of several requests in one pipeline; each request's results."""
        bridge = self.storage.bridge  # type: ignore[attr-defined]
        script = bridge.lua_acquire_moving_window
        results = await self._pipeline(bridge, script, [i for items in batch for i in items])
        answers: list[list[Any]] = []
        at = 0
        for items in batch:
            answers.append(results[at : at + len(items)])
            at += len(items)
        return answers

    async def _pipeline(
        self, bridge: Any, script: Any, items: list[tuple[RateLimitItem, str]]
    ) -> list[Any]:
        now = time.time()
        calls = [
            (
                [bridge.prefixed_key(item.key_for(key))],
                [now, item.amount, item.get_expiry(), 1],
            )
            for item, key in items
        ]
        return await scripts.run_many(bridge.get_connection(), script.script, calls)

    @_open_on_outage
    async def test(self, limit: str, *keys: str) -> None:
        """Like `hit`, but only checks (for counting failures after the fact)."""
        item = _item(limit)
        for key in keys:
            if not await self.strategy.test(item, key):
                stats = await self.strategy.get_window_stats(item, key)
                raise RateLimited(retry_after=math.ceil(stats.reset_time - time.time()))

    @_open_on_outage
    async def count(self, limit: str, *keys: str) -> None:
        """Count one hit against every key without refusing (failures counted after the fact)."""
        item = _item(limit)
        for key in keys:
            await self.strategy.hit(item, key)

    async def clear(self, limit: str, *keys: str) -> None:
        item = _item(limit)
        for key in keys:
            await self.strategy.clear(item, key)
