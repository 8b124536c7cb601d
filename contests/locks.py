"""The round's scoring lock: one writer of a round's scores and boards at a time.

Everything that scores attempts, rebuilds a round's boards from the database, re-scores or
freezes a round holds it (the worker's jobs, the minutely cron, and an organiser's publish
that freezes a round the cron has not frozen yet). It lives in Redis for `LOCK_S` seconds
and a long holder (a rebuild of a million attempts) extends it as it goes (`Held.extend`),
so a holder killed with `kill -9` blocks the round for at most `LOCK_S`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from core import queue

LOCK_S = 120

# Extend only while we still hold it (the token matches).
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _key(round_id: int) -> str:
    return f"quiz:scoring:{round_id}"


@dataclass
class Held:
    """A held lock (`held` False: another holder has it)."""

    round_id: int
    token: str
    held: bool
    _extended_at: float = 0.0

    def __bool__(self) -> bool:
        return self.held

    async def extend(self) -> None:
        """Push the expiry `LOCK_S` ahead again (at most once every few seconds: cheap to
        call per chunk of work)."""
        now = time.monotonic()
        if not self.held or now - self._extended_at < LOCK_S / 20:
            return
        self._extended_at = now
        redis: Any = queue.get_pool()
        await redis.eval(_EXTEND, 1, _key(self.round_id), self.token, LOCK_S * 1000)


async def _acquire(round_id: int, token: str) -> bool:
    return bool(await queue.get_pool().set(_key(round_id), token, nx=True, ex=LOCK_S))


@contextlib.asynccontextmanager
async def round_lock(round_id: int, *, wait_s: float = 0.0) -> AsyncIterator[Held]:
    """Hold the round's scoring lock for the block; the yielded value is falsy when another
    holder still has it after `wait_s` seconds (polled every 0.1 s)."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait_s
    got = await _acquire(round_id, token)
    while not got and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        got = await _acquire(round_id, token)
    held = Held(round_id, token, got, time.monotonic())
    if not got:
        yield held
        return
    try:
        yield held
    finally:
        redis: Any = queue.get_pool()
        await redis.eval(_RELEASE, 1, _key(round_id), token)
