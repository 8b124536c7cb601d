"""The fast submit path: concurrent submits grouped into one statement and one commit.

Each web process keeps one `core.batching.Batcher`. A submit joins the current batch and
waits; the batch is written by a single UPDATE … FROM unnest(…) in one transaction, and
every waiter gets its answer only after COMMIT, so an attempt is durable before its 202.
The statement applies exactly the rule of `attempts.submit` (in_progress → submitted, only for its
member, only until deadline + grace); an attempt the statement did not change (already
submitted, expired, someone else's, missing) goes through `attempts.submit`, which gives
the usual answer. PostgreSQL only: on SQLite (one writer, one process) a submit is one
conditional UPDATE of the same rule, with the attempt's kept facts (`autosave.facts`) and
the round's grace (`board_reads.recent_round`), and the plain path when it changed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import connections

from accounts.permissions import Principal, require_member
from contests import attempts, autosave, board_reads
from core.batching import Batcher
from core.db import arrays, is_postgres

MAX_BATCH = 1000

_UPDATE = f"""
UPDATE quiz_attempt AS a
SET status = 'submitted', submitted_at = LEAST(v.at, a.deadline)
FROM unnest({arrays(1, "bigint", "int", "timestamptz")}) AS v(id, member_id, at),
     quiz_round AS r
WHERE a.id = v.id AND a.member_id = v.member_id AND a.status = 'in_progress'
  AND r.id = a.round_id AND a.deadline + make_interval(secs => r.grace_s) >= v.at
RETURNING a.id, a.round_id
"""  # noqa: S608 - built from constants; every value is bound


@dataclass(frozen=True)
class _Submit:
    attempt_id: int
    member_id: int
    at: datetime


async def _write(batch: list[_Submit]) -> list[int | None]:
    """One statement for the batch: per submit, its round id when it changed the attempt."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        _UPDATE,
        [[s.attempt_id for s in batch], [s.member_id for s in batch], [s.at for s in batch]],
    )
    changed = {int(r["id"]): int(r["round_id"]) for r in rows}
    return [changed.get(s.attempt_id) for s in batch]


_batch: Batcher[_Submit, int | None] = Batcher(_write, MAX_BATCH)


async def _submit_one(attempt_id: int, member_id: int, now: datetime) -> int | None:
    """SQLite: the statement of the batch for one attempt; its round id when it changed it."""
    found = await autosave.facts(attempt_id)
    if found is None or found.member_id != member_id:
        return None  # the plain path answers 404 / 403
    round_ = await board_reads.recent_round(found.round_id)
    changed = await attempts.mark_submitted(
        attempt_id, member_id, found.deadline, round_.grace_s, now
    )
    return found.round_id if changed else None


async def submit(principal: Principal | None, attempt_id: int, now: datetime) -> int:
    """Submit through the batch; returns the round id (errors as `attempts.submit`)."""
    who = require_member(principal)
    if is_postgres():
        round_id = await _batch(_Submit(attempt_id, who.member_id, now))
    else:
        round_id = await _submit_one(attempt_id, who.member_id, now)
    if round_id is not None:
        return round_id
    attempt = await attempts.submit(who, attempt_id, now)
    return attempt.round_id
