"""Scoring attempts, in batches, by the worker.

A question counts as correct when the chosen options are exactly its correct options. An
attempt's time taken is from its start to its submission (an expired attempt: to its
deadline), never more than the round's time limit.

A batch is read as plain values in one query (the attempts waiting, oldest first, with
their member's display name and unit name joined), scored in Python, placed on both Redis
boards in one pipeline (`leaderboard.queue_put`, `unit_board.queue_put`), then stored with
one `UPDATE … FROM unnest` on PostgreSQL. Run it under the round's scoring lock
(`contests.locks`).

Crash safety: a batch first places its members on the Redis boards, then marks the
attempts scored in one transaction. A run killed anywhere leaves them unscored in the
database, so the next run scores them again, with the same result. When the pipeline
finds a board's `built` marker missing (Redis lost), the worker is asked to rebuild it
from the database (`contests.rebuilds`); a round with nothing scored before the batch
gets its markers at once (its board is that batch).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tortoise import connections

from contests import counting, leaderboard, rebuilds, unit_board
from contests.leaderboard import Entry, Keepalive
from contests.models import Attempt, AttemptStatus, Question, Round
from contests.ranking import Scored
from core import queue
from core.db import is_postgres, update_rows
from core.sql_params import in_dialect

BATCH_SIZE = 500

Key = Mapping[int, frozenset[int]]  # question id → its correct options


def count_correct(question_ids: Sequence[int], answers: Mapping[str, Any], key: Key) -> int:
    correct = 0
    for qid in question_ids:
        right = key.get(qid)
        chosen = answers.get(str(qid))
        if right is None or not chosen:
            continue
        # The chosen options are exactly the correct ones (no set built for one option).
        n = len(chosen)
        if n == len(right) and right.issuperset(chosen) and (n == 1 or len(set(chosen)) == n):
            correct += 1
    return correct


def duration_ms(started_at: datetime, finished_at: datetime, time_limit_s: int) -> int:
    taken = int((finished_at - started_at).total_seconds() * 1000)
    return max(0, min(taken, time_limit_s * 1000))


async def answer_key(contest_id: int) -> dict[int, frozenset[int]]:
    rows = await Question.filter(contest_id=contest_id).values_list("id", "correct")
    return {int(qid): frozenset(correct or []) for qid, correct in rows}


# Waiting to be scored: submitted or expired, not scored yet. Written with its values in
# the SQL, as the predicate of the index `quiz_attempt_waiting` (migration 0008), so that
# both databases' planners can read the few waiting attempts along it.
WAITING = "scored_at IS NULL AND status IN ('submitted', 'expired')"


# What a batch reads of each waiting attempt (one query, names joined).
_WAITING = (
    "id",
    "member_id",
    "number",
    "status",
    "question_ids",
    "answers",
    "prediction",
    "started_at",
    "deadline",
    "submitted_at",
    "unit_path",
    "member__display_name",
    "member__unit__name",
)


_MEMBERS_ATTEMPTS_SQL = """
SELECT a.id, a.member_id, a.number, a.correct_count, a.duration_ms, a.prediction,
       a.submitted_at, a.deadline, a.unit_path, m.display_name, u.name, a.scored_at
FROM quiz_attempt a JOIN member m ON m.id = a.member_id JOIN unit u ON u.id = m.unit_id
WHERE a.round_id = $1 AND a.member_id = ANY($2::int[])
ORDER BY a.member_id, a.number
"""


async def _earlier(round_: Round, batch: list[Entry]) -> list[Entry]:
    """The counting entry of each member of the batch over their attempts scored before
    and the batch's own (only rounds with several attempts per member)."""
    if round_.max_attempts <= 1:
        return batch
    members = sorted({e.scored.member_id for e in batch})
    # All their attempts along the unique index (round, member, number), the scored ones
    # kept here: a `scored_at` filter in SQL lets the planner pick a partial index instead.
    if is_postgres():
        _, rows = await connections.get("default").execute_query(
            _MEMBERS_ATTEMPTS_SQL, [round_.id, members]
        )
    else:
        rows = await (
            Attempt.filter(round_id=round_.id, member_id__in=members)
            .order_by("member_id", "number")
            .values_list(*counting.COLUMNS, *counting.NAMES, "scored_at")
        )
    pooled: list[Sequence[Any]] = [tuple(r)[:-1] for r in rows if r[-1] is not None]
    for e in batch:  # the batch's attempts as rows of `counting.COLUMNS` + names
        s = e.scored
        pooled.append(
            (
                s.attempt_id,
                s.member_id,
                s.number,
                s.correct_count,
                s.duration_ms,
                s.prediction,
                s.finished_at,
                s.finished_at,
                e.unit_path,
                e.display_name,
                e.unit_name,
            )
        )
    pooled.sort(key=lambda r: (int(r[1]), int(r[2])))
    return counting.entries_of(round_, pooled)


# The same read on PostgreSQL in plain SQL (along the index `quiz_attempt_waiting`):
# asyncpg's values need no conversion but the two JSON documents.
_WAITING_SQL = f"""
SELECT a.id, a.member_id, a.number, a.status, a.question_ids, a.answers, a.prediction,
       a.started_at, a.deadline, a.submitted_at, a.unit_path, m.display_name, u.name
FROM quiz_attempt a JOIN member m ON m.id = a.member_id JOIN unit u ON u.id = m.unit_id
WHERE a.round_id = $1 AND {WAITING}
  AND a.id > $3
ORDER BY a.id LIMIT $2
"""  # noqa: S608 - built from constants; every value is bound
_WAITING_IDS_SQL = (
    f"SELECT id FROM quiz_attempt WHERE round_id = $1 AND {WAITING} AND id > $2 "  # noqa: S608
    "ORDER BY id LIMIT $3"
)
ROUNDS_WAITING_SQL = f"SELECT DISTINCT round_id FROM quiz_attempt WHERE {WAITING}"  # noqa: S608
HAS_WAITING_SQL = f"SELECT 1 FROM quiz_attempt WHERE round_id = $1 AND {WAITING} LIMIT 1"  # noqa: S608
# Each of these reads the attempts waiting to be scored along `quiz_attempt_waiting`
# (tests/contests/test_waiting_index.py).
WAITING_READS = {
    "batch": _WAITING_SQL,
    "batch ids (SQLite)": _WAITING_IDS_SQL,
    "rounds": ROUNDS_WAITING_SQL,
    "round": HAS_WAITING_SQL,
}


async def _waiting(round_: Round, batch_size: int, after: int) -> list[Sequence[Any]]:
    """Up to `batch_size` attempts of the round waiting to be scored, oldest first, with
    ids above `after`, as rows of `_WAITING`."""
    if is_postgres():
        _, found = await connections.get("default").execute_query(
            _WAITING_SQL, [round_.id, batch_size, after]
        )
        loads = json.loads
        return [
            (
                *r[:4],
                loads(r[4]) if isinstance(r[4], str) else r[4],
                loads(r[5]) if isinstance(r[5], str) else r[5],
                *r[6:],
            )
            for r in found
        ]
    # SQLite: the waiting ids along the index, then their rows (names joined) by the ORM.
    ids = await connections.get("default").execute_query_dict(
        in_dialect(_WAITING_IDS_SQL), [round_.id, after, batch_size]
    )
    return list(
        await Attempt.filter(id__in=[r["id"] for r in ids]).order_by("id").values_list(*_WAITING)
    )


async def _score(
    round_: Round, now: datetime, batch_size: int, key: Key | None, after: int
) -> tuple[int, int]:
    """Score up to `batch_size` waiting attempts of the round with ids above `after` (a
    run goes on from its previous batch instead of walking again over what it scored,
    whose index entries stay until vacuumed); returns how many, and the last id scored
    (`after` when none)."""
    rows = await _waiting(round_, batch_size, after)
    if not rows:
        return 0, after
    if key is None:
        key = await answer_key(round_.contest_id)
    limit_s = round_.time_limit_s
    batch: list[Entry] = []
    statuses: list[str] = []
    for r in rows:
        finished = r[9] or r[8]
        scored = Scored(
            attempt_id=int(r[0]),
            member_id=int(r[1]),
            number=int(r[2]),
            correct_count=count_correct(r[4] or [], r[5] or {}, key),
            duration_ms=duration_ms(r[7], finished, limit_s),
            prediction=r[6],
            finished_at=finished,
        )
        batch.append(Entry(scored, str(r[11]), str(r[12]), str(r[10])))
        status = str(r[3])
        statuses.append(AttemptStatus.SCORED if status == AttemptStatus.SUBMITTED else status)
    entries = await _earlier(round_, batch)
    missing = await _place(round_, entries)
    await _mark_scored(batch, statuses, now)
    if missing:
        await _markers_missing(round_, batch)
    return len(batch), batch[-1].scored.attempt_id


async def _place(round_: Round, entries: list[Entry]) -> bool:
    """Put the entries on both boards in one pipeline; True when a board's `built`
    marker is missing."""
    if not leaderboard.started():
        return False
    pipe: Any = queue.get_pool().pipeline(transaction=False)
    pipe.exists(leaderboard.built_key(round_.id))
    pipe.exists(unit_board.built_key(round_.id))
    leaderboard.queue_put(pipe, round_, entries)
    unit_board.queue_put(pipe, round_, entries)
    board, units, *_ = await pipe.execute()
    return not (board and units)


async def _markers_missing(round_: Round, batch: list[Entry]) -> None:
    """A board without its marker: a new round's (nothing scored before this batch: the
    board is the batch, mark it built) or a lost one (ask the worker to rebuild it)."""
    ids = [e.scored.attempt_id for e in batch]
    before = (
        await Attempt.filter(round_id=round_.id, scored_at__isnull=False)
        .exclude(id__in=ids)
        .exists()
    )
    if before:
        await rebuilds.request(round_.id)
        return
    pipe: Any = queue.get_pool().pipeline(transaction=False)
    pipe.set(leaderboard.built_key(round_.id), "1", nx=True)
    pipe.set(unit_board.built_key(round_.id), "1", nx=True)
    await pipe.execute()


async def _mark_scored(batch: list[Entry], statuses: list[str], now: datetime) -> None:
    """Store the batch's scores at once: a submitted attempt becomes scored, an expired one
    stays expired (both get `scored_at`); an attempt already scored is left alone."""
    await update_rows(
        Attempt,
        [e.scored.attempt_id for e in batch],
        {
            "correct_count": ("int", [e.scored.correct_count for e in batch]),
            "duration_ms": ("int", [e.scored.duration_ms for e in batch]),
            "scored_at": ("timestamptz", [now] * len(batch)),
            "status": ("text", [str(s) for s in statuses]),
        },
        where="scored_at IS NULL",
    )


async def score_round(
    round_id: int,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    *,
    keepalive: Keepalive | None = None,
) -> int:
    """Score every waiting attempt of the round, batch after batch; returns how many.
    Call it under the round's scoring lock (`keepalive` extends it between batches)."""
    round_ = await Round.get_or_none(id=round_id)
    if round_ is None:
        return 0
    key = await answer_key(round_.contest_id)
    total = 0
    after = 0
    while True:
        done, after = await _score(round_, now, batch_size, key, after)
        total += done
        if done < batch_size:
            return total
        if keepalive is not None:
            await keepalive()


async def rounds_with_waiting() -> list[int]:
    rows = await connections.get("default").execute_query_dict(ROUNDS_WAITING_SQL)
    return sorted(int(r["round_id"]) for r in rows)


async def has_waiting(round_id: int) -> bool:
    rows = await connections.get("default").execute_query_dict(
        in_dialect(HAS_WAITING_SQL), [round_id]
    )
    return bool(rows)
