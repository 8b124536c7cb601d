"""Grouping the calls of one process that arrive together into one round trip.

Under load many requests of a process want the same kind of thing at the same moment (a
submit's UPDATE, an autosave's, a rate-limit check, a member's rank). A `Batcher` lets each
caller ask for its own item and wait, while one task hands every item that arrived in the
same event-loop turn (and those that arrive while that call runs) to one call of `run`:
one statement or one Redis pipeline instead of one per request.

The rule, written once: `run(items)` answers one result per item, in order; a result that
is an exception is raised to that caller alone; when `run` itself fails, every caller of
that group gets the error, none waits forever; at most `max_batch` items go to one call.
`run` runs in a context of its own: never inside a caller's transaction (tortoise#1855).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(
        self, run: Callable[[list[T]], Awaitable[Sequence[R | BaseException]]], max_batch: int
    ) -> None:
        self.run = run
        self.max_batch = max_batch
        self.batches = 0  # calls of `run` so far
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run several): start afresh
            self._loop, self._pending, self._running = loop, [], None
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        if self._running is None or self._running.done():
            # A fresh context: the batch must not inherit the caller's transaction, if any,
            # nor anything else of the request that happened to start it.
            self._running = loop.create_task(self._drain(), context=contextvars.Context())
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the calls of this loop turn join
        while self._pending:
            batch = self._pending[: self.max_batch]
            self._pending = self._pending[self.max_batch :]
            self.batches += 1
            try:
                results = await self.run([item for item, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"{len(results)} results for {len(batch)} items")
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=False):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
