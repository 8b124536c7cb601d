"""Who a bearer token or a session key names, remembered by each web process.

Every signed-in request needs its principal (the member and their roles); reading it costs
one SQL statement (one for all the lookups of the process that miss together), so each
process keeps what it read for up to `TTL_S`. A change to a
member's powers or credentials (roles, password, deactivation, logout, a revoked token)
must reach every process at once, not when their copies expire, so the rule is:

    the use case that changes them announces it after the commit (`accounts.changes`), and
    `forget_member(member_id)` hears it: this process drops the member's entries and tells
    the others on the Redis channel `CHANNEL`; each process listens there and drops them
    too.

Only while this process is known to hear the channel does it keep entries for `TTL_S`;
otherwise (starting, Redis unreachable, a silent connection) for `SHORT_TTL_S`, and it
forgets everything when it hears again, since what was said meanwhile is lost. A lookup
that overlapped a forgetting is not kept at all: it may have read the old roles.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from redis.asyncio import ConnectionPool, Redis

from accounts import changes, tokens
from accounts.permissions import Principal
from core import clock
from core.batching import Batcher

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

log = logging.getLogger("ideabank.principals")

CHANNEL = "auth:forget"
TTL_S = 300.0  # while this process hears `CHANNEL`
SHORT_TTL_S = 20.0  # while it may not: how long a revoked role may act on other processes
MAX_ENTRIES = 100_000  # ~100 MB at most (~1 KB an entry, measured); the oldest go first
PING_EVERY_S = 5.0  # an idle subscription is pinged this often …
SILENT_AFTER_S = 15.0  # … and counted deaf when nothing came back for this long
READ_BATCH = 200  # credentials read in one statement at most

Entry = tuple[datetime, Principal | None]  # (kept until, principal or None: nobody)
Reader = Callable[[str], Awaitable[tokens.SignedIn | None]]


class PrincipalCache:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._by_member: dict[int, set[str]] = {}
        self._epoch = 0  # forgettings so far: a lookup that spans one is not kept
        self.hearing = False
        self.heard = 0  # messages heard on `CHANNEL`
        self._heard_event = asyncio.Event()
        self._hearing_event = asyncio.Event()
        self._redis: Redis | None = None  # to publish (the app's pool)
        self._listening: Redis | None = None  # to listen: a pool of its own (see `start`)
        self._task: asyncio.Task[None] | None = None
        self._users = 0  # apps of this process that started it
        # The lookups of a process that miss at the same moment (a round opening on a crowd
        # this process has not met yet) are read in one statement.
        self.token_reads: Batcher[str, tokens.SignedIn | None] = Batcher(
            lambda batch: tokens.signed_in_by_tokens(batch), READ_BATCH
        )
        self.session_reads: Batcher[str, tokens.SignedIn | None] = Batcher(
            lambda batch: tokens.signed_in_by_sessions(batch), READ_BATCH
        )

    # -- lookups --------------------------------------------------------------------------

    async def by_token(self, token: str) -> Principal | None:
        return await self._lookup("t:" + token, self.token_reads, token)

    async def by_session(self, key: str) -> Principal | None:
        return await self._lookup("s:" + key, self.session_reads, key)

    async def _lookup(self, key: str, read: Reader, secret: str) -> Principal | None:
        now = clock.now()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        epoch = self._epoch
        found = await read(secret)
        if epoch == self._epoch:
            self._keep(key, found, now)
        return found.principal if found else None

    def _keep(self, key: str, found: tokens.SignedIn | None, now: datetime) -> None:
        until = now + timedelta(seconds=TTL_S if self.hearing else SHORT_TTL_S)
        if found is not None:
            until = min(until, found.expires_at)
            self._by_member.setdefault(found.principal.member_id, set()).add(key)
        while len(self._entries) >= MAX_ENTRIES:
            self._drop(next(iter(self._entries)))
        self._entries.pop(key, None)  # re-inserted at the end: the oldest go first
        self._entries[key] = (until, found.principal if found else None)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None and entry[1] is not None:
            keys = self._by_member.get(entry[1].member_id)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_member[entry[1].member_id]

    # -- forgetting -----------------------------------------------------------------------

    async def forget_member(self, member_id: int) -> None:
        """Drop the member's principals here and in every other web process."""
        self._forget_here(member_id)
        if self._redis is None:
            return
        try:
            await self._redis.publish(CHANNEL, str(member_id))
        except Exception:  # Redis is down: so are the others' subscriptions (they shorten)
            log.warning("could not announce that member %s changed", member_id, exc_info=True)

    def forget_all(self) -> None:
        """Drop every principal this process holds."""
        self._epoch += 1
        self._entries.clear()
        self._by_member.clear()

    def _forget_here(self, member_id: int) -> None:
        self._epoch += 1
        for key in self._by_member.pop(member_id, set()):
            self._entries.pop(key, None)

    # -- hearing the others ---------------------------------------------------------------

    async def start(self, redis: Redis, wait_s: float = 2.0) -> None:
        """Listen on `CHANNEL`; wait up to `wait_s` to hear (serving need not wait longer:
        until then entries are kept briefly). An app started while another one runs in
        this process (tests) shares the listener; the last `stop` ends it."""
        self._users += 1
        if self._task is None:
            self._redis = redis
            # The subscription holds a connection for good, in a pool of its own: closing
            # the app's pool (an in-process worker closing does) must not cut it.
            shared = redis.connection_pool
            self._listening = Redis(
                connection_pool=ConnectionPool(
                    connection_class=shared.connection_class,
                    max_connections=2,
                    **shared.connection_kwargs,
                )
            )
            self._task = asyncio.create_task(self._listen_forever(), name="principals-listener")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._hearing_event.wait(), wait_s)

    async def stop(self) -> None:
        self._users = max(0, self._users - 1)
        if self._users or self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        self._redis = None
        if self._listening is not None:
            await self._listening.connection_pool.disconnect()
            self._listening = None
        self.hearing = False
        self._hearing_event.clear()
        self.forget_all()

    async def until_heard(self, count: int) -> None:
        """Wait until `count` messages have been heard on `CHANNEL` in all."""
        while self.heard < count:
            self._heard_event.clear()
            await self._heard_event.wait()

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the channel %s; listening again in 1 s", CHANNEL, exc_info=True)
            self.hearing = False
            self._hearing_event.clear()
            self.forget_all()
            await asyncio.sleep(1.0)

    async def _listen(self) -> None:
        assert self._listening is not None
        pubsub: PubSub = self._listening.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            loop = asyncio.get_running_loop()
            last_heard = loop.time()
            while True:
                message = await pubsub.get_message(timeout=PING_EVERY_S)
                now = loop.time()
                if message is None:
                    if now - last_heard > SILENT_AFTER_S:
                        raise ConnectionError(f"nothing from Redis on {CHANNEL} for a while")
                    await pubsub.ping()
                    continue
                last_heard = now
                self._on_message(message)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _on_message(self, message: dict[str, object]) -> None:
        kind = message.get("type")
        if kind == "subscribe":
            # What was said before we heard is lost: start from nothing, keep long from now.
            self.forget_all()
            self.hearing = True
            self._hearing_event.set()
        elif kind == "message":
            data = message.get("data")
            text = data.decode() if isinstance(data, bytes) else str(data)
            if text.isdigit():
                self._forget_here(int(text))
            self.heard += 1
            self._heard_event.set()


principals = PrincipalCache()
changes.on_member_changed(principals.forget_member)  # the rule: `accounts.changes`
