"""Values a process loads from somewhere slow (a COUNT over many rows) and keeps a while.

`LoadOnce` keeps, per key, the value last loaded and a stamp taken as its load began (what
the caller's staleness rule looks at: a time, a generation…). A read finding a value that
its caller's rule (`fresh`) still accepts gets it; otherwise it starts a load, or awaits
the one under way, so the reads arriving together share one load. The load runs as a task
of its own and readers await it shielded: a reader cancelled meanwhile (a client gone)
leaves it to the others. A failed load is not kept: its readers get the error and the next
read loads again. Past `max_keys` keys everything kept is dropped at once. The staleness
rule is each caller's own, written beside its code.

Renewing ahead (`renew`): a caller may also say when a value still fresh is old enough to
load again. The read that finds it so starts that load in the background and, like every
read until the load ends, gets the kept value at once. A value read all the time is then
renewed before it goes stale and no reader ever waits for its load (under load, the
readers that waited for each renewal were the slowest answers of the board); one read
rarely is loaded as before, by the read that finds it stale.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import weakref
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
S = TypeVar("S")
V = TypeVar("V")

log = logging.getLogger("ideabank.load_once")


class LoadOnce(Generic[K, S, V]):
    def __init__(self, max_keys: int = 1000) -> None:
        self.max_keys = max_keys
        _every.add(self)
        self._kept: dict[K, tuple[S, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._epoch = 0  # forget_all() counts up: a load begun before it keeps nothing

    async def get(
        self,
        key: K,
        *,
        fresh: Callable[[S], bool],
        stamp: Callable[[], S],
        load: Callable[[], Awaitable[V]],
        renew: Callable[[S], bool] | None = None,
    ) -> V:
        """The value kept for `key` if `fresh(its stamp)` (and when `renew(its stamp)` too,
        a load is started in the background unless one is under way); else the result of
        the load under way for `key`, or of a new one: `stamp()` as it begins, then
        `load()`."""
        kept = self._kept.get(key)
        if kept is not None and fresh(kept[0]):
            if renew is not None and key not in self._loading and renew(kept[0]):
                self._start(key, stamp, load).add_done_callback(_log_failure)
            return kept[1]
        loading = self._loading.get(key) or self._start(key, stamp, load)
        return await asyncio.shield(loading)

    def _start(
        self, key: K, stamp: Callable[[], S], load: Callable[[], Awaitable[V]]
    ) -> asyncio.Future[V]:
        # A context of its own: the load outlives the read that started it, and must not
        # run inside that read's transaction (tortoise#1855).
        loading = asyncio.get_running_loop().create_task(
            self._load(key, self._epoch, stamp, load), context=contextvars.Context()
        )
        self._loading[key] = loading
        return loading

    async def _load(
        self, key: K, epoch: int, stamp: Callable[[], S], load: Callable[[], Awaitable[V]]
    ) -> V:
        taken = stamp()
        try:
            value = await load()
            if epoch == self._epoch:
                if len(self._kept) > self.max_keys:
                    self._kept.clear()
                self._kept[key] = (taken, value)
            return value
        finally:
            if self._loading.get(key) is asyncio.current_task():
                del self._loading[key]

    def forget_all(self) -> None:
        """Drop every kept value; loads under way finish for their readers but keep nothing,
        and later reads start loads of their own."""
        self._epoch += 1
        self._kept.clear()
        self._loading.clear()


def _log_failure(loading: asyncio.Future[Any]) -> None:
    """A renewal nobody awaits: its failure is logged (the value kept serves until stale,
    then a read loads again and gets the error itself)."""
    if not loading.cancelled() and loading.exception() is not None:
        log.warning("renewing a kept value failed", exc_info=loading.exception())


_every: weakref.WeakSet[LoadOnce[Any, Any, Any]] = weakref.WeakSet()


def forget_every_cache() -> None:
    """`forget_all` on every `LoadOnce` of this process (tests: each starts on an empty
    database, so nothing kept from an earlier one may answer)."""
    for cache in list(_every):
        cache.forget_all()


async def settle_every_cache() -> None:
    """Wait until the loads under way in this process end, renewals in the background
    included (tests: what a renewal kept is then read without racing it)."""
    loading = [future for cache in list(_every) for future in cache._loading.values()]
    if loading:
        await asyncio.gather(*loading, return_exceptions=True)


def kept_within(ttl_s: float, read_at: datetime, now: datetime) -> bool:
    """The staleness rule of values kept for `ttl_s` seconds from when they were read: fresh
    from `read_at` until `ttl_s` later (a clock set back before `read_at` makes them stale)."""
    return read_at <= now < read_at + timedelta(seconds=ttl_s)
