"""The fast autosave path: what an attempt's answers are checked against, read once, and
concurrent autosaves grouped into one statement.

Rules written here once:
- An attempt's owner, round, option order and deadline never change after it starts, so each
  process keeps them (`facts`) once read: an autosave needs no read of the attempt row.
  Everything that does change (status, deadline, the answers themselves) is decided by
  the conditional UPDATE that stores the answers, never from a copy.
- On PostgreSQL the answers of concurrent autosaves of this process go into one
  `UPDATE … FROM unnest(…)` statement (its own transaction), and every waiter gets its
  answer after it committed. The statement merges each save into the stored answers
  (`answers || new`), only for the attempt's member, only while it is in progress and not
  past deadline + grace: the rule of `attempts.save_answers`. Two saves of the same
  attempt in one batch go into successive statements, in arrival order, so the later one
  wins on the questions both name and neither loses the other's answers.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from core.db import is_postgres

MAX_BATCH = 1000
MAX_FACTS = 200_000  # ~a few hundred bytes each; cleared whole when full


@dataclass(frozen=True)
class AttemptFacts:
    id: int
    member_id: int
    round_id: int
    option_order: dict[str, list[int]]
    deadline: datetime


_facts: dict[int, AttemptFacts] = {}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


_FACTS = "SELECT id, member_id, round_id, option_order, deadline FROM quiz_attempt WHERE id = "
_FACTS_PG = _FACTS + "$1"
_FACTS_SQLITE = _FACTS + "?"


def _datetime(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def facts(attempt_id: int) -> AttemptFacts | None:
    """The attempt's unchanging facts (see the module rules); None when there is none."""
    found = _facts.get(attempt_id)
    if found is not None:
        return found
    sql = _FACTS_PG if is_postgres() else _FACTS_SQLITE
    rows = await connections.get("default").execute_query_dict(sql, [attempt_id])
    if not rows:
        return None
    row = rows[0]
    found = AttemptFacts(
        id=int(row["id"]),
        member_id=int(row["member_id"]),
        round_id=int(row["round_id"]),
        option_order=_json(row["option_order"]),
        deadline=_datetime(row["deadline"]),
    )
    if len(_facts) >= MAX_FACTS:
        _facts.clear()
    _facts[attempt_id] = found
    return found


def forget_all() -> None:
    """Drop the kept facts (tests start from here)."""
    _facts.clear()


@dataclass(frozen=True)
class Stored:
    saved: int  # how many questions have a stored answer now
    deadline: datetime


_MERGE = """
UPDATE quiz_attempt AS a
SET answers = a.answers || v.answers, prediction = COALESCE(v.prediction, a.prediction)
FROM unnest($1::bigint[], $2::int[], $3::jsonb[], $4::int[], $5::timestamptz[])
     AS v(id, member_id, answers, prediction, not_before)
WHERE a.id = v.id AND a.member_id = v.member_id AND a.status = 'in_progress'
  AND a.deadline >= v.not_before
RETURNING a.id, a.deadline, (SELECT count(*) FROM jsonb_object_keys(a.answers)) AS saved
"""


@dataclass
class _Save:
    attempt_id: int
    member_id: int
    answers: str  # JSON object
    prediction: int | None
    not_before: datetime  # the deadline may not be earlier than this (now - grace)
    future: asyncio.Future[Stored | None] = field(repr=False)


class SaveBatcher:
    """Groups concurrent autosaves of this process (see the module rules)."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._pending: list[_Save] = []
        self._running: asyncio.Task[None] | None = None
        self.statements = 0

    async def save(
        self,
        attempt_id: int,
        member_id: int,
        answers: dict[str, list[int]],
        prediction: int | None,
        not_before: datetime,
    ) -> Stored | None:
        """What is stored after this save; None when the attempt takes no more answers."""
        future: asyncio.Future[Stored | None] = asyncio.get_running_loop().create_future()
        self._pending.append(
            _Save(attempt_id, member_id, json.dumps(answers), prediction, not_before, future)
        )
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the saves of this loop turn join
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            for part in _one_per_attempt(batch):
                try:
                    stored = await self._write(part)
                except Exception as exc:  # every waiter learns, none hangs
                    for s in part:
                        if not s.future.done():
                            s.future.set_exception(exc)
                    continue
                for s in part:
                    if not s.future.done():
                        s.future.set_result(stored.get(s.attempt_id))

    async def _write(self, part: list[_Save]) -> dict[int, Stored]:
        self.statements += 1
        rows = await connections.get("default").execute_query_dict(
            _MERGE,
            [
                [s.attempt_id for s in part],
                [s.member_id for s in part],
                [s.answers for s in part],
                [s.prediction for s in part],
                [s.not_before for s in part],
            ],
        )
        return {int(r["id"]): Stored(int(r["saved"]), r["deadline"]) for r in rows}


def _one_per_attempt(batch: list[_Save]) -> list[list[_Save]]:
    """The batch in parts where each attempt appears at most once, keeping arrival order."""
    parts: list[list[_Save]] = []
    seen: list[set[int]] = []
    for s in batch:
        for part, ids in zip(parts, seen, strict=True):
            if s.attempt_id not in ids:
                part.append(s)
                ids.add(s.attempt_id)
                break
        else:
            parts.append([s])
            seen.append({s.attempt_id})
    return parts


_batcher: SaveBatcher | None = None


def batcher() -> SaveBatcher:
    global _batcher
    if _batcher is None:
        _batcher = SaveBatcher()
    return _batcher
