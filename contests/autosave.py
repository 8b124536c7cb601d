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

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections

from core.batching import Batcher
from core.db import arrays
from core.sql_params import in_dialect

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


_FACTS = "SELECT id, member_id, round_id, option_order, deadline FROM quiz_attempt WHERE id = $1"


def _datetime(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def facts(attempt_id: int) -> AttemptFacts | None:
    """The attempt's unchanging facts (see the module rules); None when there is none."""
    found = _facts.get(attempt_id)
    if found is not None:
        return found
    rows = await connections.get("default").execute_query_dict(in_dialect(_FACTS), [attempt_id])
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


_MERGE = f"""
UPDATE quiz_attempt AS a
SET answers = a.answers || v.answers, prediction = COALESCE(v.prediction, a.prediction)
FROM unnest({arrays(1, "bigint", "int", "jsonb", "int", "timestamptz")})
     AS v(id, member_id, answers, prediction, not_before)
WHERE a.id = v.id AND a.member_id = v.member_id AND a.status = 'in_progress'
  AND a.deadline >= v.not_before
RETURNING a.id, a.deadline, (SELECT count(*) FROM jsonb_object_keys(a.answers)) AS saved
"""  # noqa: S608 - built from constants; every value is bound


@dataclass(frozen=True)
class _Save:
    attempt_id: int
    member_id: int
    answers: str  # JSON object
    prediction: int | None
    not_before: datetime  # the deadline may not be earlier than this (now - grace)


async def _write_batch(batch: list[_Save]) -> list[Stored | Exception | None]:
    """What is stored after each save of the batch (None: the attempt took no more), part
    by part (`_one_per_attempt`); a part that fails fails for its own saves only."""
    answers: list[Stored | Exception | None] = [None] * len(batch)
    at = {id(s): n for n, s in enumerate(batch)}
    for part in _one_per_attempt(batch):
        try:
            stored = await _write(part)
        except Exception as exc:
            for s in part:
                answers[at[id(s)]] = exc
            continue
        for s in part:
            answers[at[id(s)]] = stored.get(s.attempt_id)
    return answers


async def _write(part: list[_Save]) -> dict[int, Stored]:
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


_batch: Batcher[_Save, Stored | None] = Batcher(_write_batch, MAX_BATCH)


async def save(
    attempt_id: int,
    member_id: int,
    answers: dict[str, list[int]],
    prediction: int | None,
    not_before: datetime,
) -> Stored | None:
    """What is stored after this save, grouped with the concurrent ones (PostgreSQL); None
    when the attempt takes no more answers."""
    return await _batch(_Save(attempt_id, member_id, json.dumps(answers), prediction, not_before))


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
