"""Rate limits with the `limits` library over Redis (moving windows shared by every process).

When Redis cannot be reached, requests pass unlimited (logged at most once a minute): the
limits protect the service and must not take it down with Redis (`_open_on_outage`).
"""

from __future__ import annotations

import asyncio
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
from redis.exceptions import NoScriptError, RedisError

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
        self._pending: list[tuple[list[tuple[RateLimitItem, str]], asyncio.Future[list[Any]]]] = []
        self._drainer: asyncio.Task[None] | None = None

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
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._pending.append((items, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(bridge, script))
        results = await future
        for (item, key), result in zip(items, results, strict=True):
            if isinstance(result, Exception):
                raise result
            if not result:
                stats = await self.strategy.get_window_stats(item, key)
                raise RateLimited(retry_after=max(1, math.ceil(stats.reset_time - time.time())))

    async def _drain(self, bridge: Any, script: Any) -> None:
        await asyncio.sleep(0)  # let the checks of this loop turn join
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                results = await self._pipeline(
                    bridge, script, [i for items, _ in batch for i in items]
                )
            except Exception as exc:  # every waiter learns, none hangs
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            at = 0
            for items, future in batch:
                if not future.done():
                    future.set_result(results[at : at + len(items)])
                at += len(items)

    async def _pipeline(
        self, bridge: Any, script: Any, items: list[tuple[RateLimitItem, str]]
    ) -> list[Any]:
        now = time.time()
        for _ in range(2):
            pipe = bridge.get_connection().pipeline(transaction=False)
            for item, key in items:
                args = (now, item.amount, item.get_expiry(), 1)
                pipe.evalsha(script.sha, 1, bridge.prefixed_key(item.key_for(key)), *args)
            results: list[Any] = await pipe.execute(raise_on_error=False)
            if not any(isinstance(r, NoScriptError) for r in results):
                break
            await bridge.get_connection().script_load(script.script)  # Redis restarted
        return results

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
