"""The fast submit path: concurrent submits grouped into one statement and one commit.

Each web process keeps one batcher. A submit joins the current batch and waits; the batch
is written by a single UPDATE … FROM unnest(…) in one transaction, and every waiter gets
its answer only after COMMIT, so an attempt is durable before its 202. The statement
applies exactly the rule of `attempts.submit` (in_progress → submitted, only for its
member, only until deadline + grace); an attempt the statement did not change (already
submitted, expired, someone else's, missing) goes through `attempts.submit`, which gives
the usual answer. PostgreSQL only: on SQLite (one writer, one process) a submit is one
conditional UPDATE of the same rule, with the attempt's kept facts (`autosave.facts`) and
the round's grace (`board_reads.recent_round`), and the plain path when it changed nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise import connections

from accounts.permissions import Principal, require_member
from contests import attempts, autosave, board_reads
from contests.models import Attempt, AttemptStatus
from core.db import is_postgres

MAX_BATCH = 1000

_UPDATE = """
UPDATE quiz_attempt AS a
SET status = 'submitted', submitted_at = LEAST(v.at, a.deadline)
FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS v(id, member_id, at),
     quiz_round AS r
WHERE a.id = v.id AND a.member_id = v.member_id AND a.status = 'in_progress'
  AND r.id = a.round_id AND a.deadline + make_interval(secs => r.grace_s) >= v.at
RETURNING a.id, a.round_id
"""


@dataclass
class _Waiter:
    attempt_id: int
    member_id: int
    at: datetime
    future: asyncio.Future[int | None] = field(repr=False)


class SubmitBatcher:
    """Groups concurrent submits of this process (see the module docstring)."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._pending: list[_Waiter] = []
        self._running: asyncio.Task[None] | None = None
        self.batches = 0

    async def submit(self, attempt_id: int, member_id: int, at: datetime) -> int | None:
        """The attempt's round id when this submit changed it; None when it did not."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Waiter(attempt_id, member_id, at, future))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the submits of this loop turn join
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            try:
                changed = await self._write(batch)
            except Exception as exc:  # every waiter learns, none hangs
                for w in batch:
                    if not w.future.done():
                        w.future.set_exception(exc)
                continue
            for w in batch:
                if not w.future.done():
                    w.future.set_result(changed.get(w.attempt_id))

    async def _write(self, batch: list[_Waiter]) -> dict[int, int]:
        self.batches += 1
        conn = connections.get("default")
        rows = await conn.execute_query_dict(
            _UPDATE,
            [[w.attempt_id for w in batch], [w.member_id for w in batch], [w.at for w in batch]],
        )
        return {int(r["id"]): int(r["round_id"]) for r in rows}


async def _submit_one(attempt_id: int, member_id: int, now: datetime) -> int | None:
    """SQLite: the statement of the batch for one attempt; its round id when it changed it."""
    found = await autosave.facts(attempt_id)
    if found is None or found.member_id != member_id:
        return None  # the plain path answers 404 / 403
    round_ = await board_reads.recent_round(found.round_id)
    changed = await Attempt.filter(
        id=attempt_id,
        member_id=member_id,
        status=AttemptStatus.IN_PROGRESS,
        deadline__gte=now - timedelta(seconds=round_.grace_s),
    ).update(status=AttemptStatus.SUBMITTED, submitted_at=min(now, found.deadline))
    return found.round_id if changed else None


_batcher: SubmitBatcher | None = None


def batcher() -> SubmitBatcher:
    global _batcher
    if _batcher is None:
        _batcher = SubmitBatcher()
    return _batcher


async def submit(principal: Principal | None, attempt_id: int, now: datetime) -> int:
    """Submit through the batch; returns the round id (errors as `attempts.submit`)."""
    who = require_member(principal)
    if is_postgres():
        round_id = await batcher().submit(attempt_id, who.member_id, now)
    else:
        round_id = await _submit_one(attempt_id, who.member_id, now)
    if round_id is not None:
        return round_id
    attempt = await attempts.submit(who, attempt_id, now)
    return attempt.round_id
