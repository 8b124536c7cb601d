"""A round's member board read from the database, while its Redis copy is being rebuilt.

Reads never rebuild a board (that is the worker's job, `contests.rebuilds`); until the
board's `built` marker is back they answer from here:
- a frozen round: its stored final ranks (`Attempt.final_rank`, set by `rounds.freeze`),
  exact, pages and "my rank" alike, along the index `quiz_attempt_final` (for good once
  its Redis copy expired: `rebuilds.FROZEN_KEEP_S`);
- a live round: the top-N page in the ranking order of `ranking.sort_key`, expressed in
  SQL (`order_by`), along the index `quiz_attempt_board` for the default tie-breakers.
  "My rank" of a live round is unavailable meanwhile (None): counting everyone ahead of a
  member costs ~90 ms over a million attempts, too much to pay per read during the very
  minute the worker spends rebuilding; the member's row comes back with the board.
Each member appears once, with their counting attempt (`ranking.counting_attempt`). The
number ranked (`total`) is a COUNT over the round's attempts (about 0.3 s per 100,000 on
the 2-core machine, its rows being freshly written): a process counts it at most once per
`TOTAL_TTL_S` = 10 seconds per round, so meanwhile it may be that old.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections

from contests import ranking
from contests.leaderboard import Row
from contests.models import Round
from core import clock
from core.load_once import LoadOnce, kept_within
from core.sql_params import in_dialect

TOTAL_TTL_S = 10.0
# (round id, frozen) -> the number ranked, stamped with the time its count was asked for
_totals: LoadOnce[tuple[int, bool], datetime, int] = LoadOnce(max_keys=1000)

_ROW = (
    "SELECT a.id, a.member_id, a.correct_count, a.duration_ms, a.prediction, "
    "m.display_name, u.name{extra} FROM quiz_attempt a "
    "JOIN member m ON m.id = a.member_id JOIN unit u ON u.id = m.unit_id "
)


async def query(sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
    """Rows of `sql`, written with `$1, $2…` (`core.sql_params.in_dialect`)."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(in_dialect(sql), list(params))
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]


def order_by(round_: Round) -> str:
    """`ranking.sort_key` as an SQL ORDER BY over attempts `a`: more correct answers first;
    then the round's tie-breakers in its order (the prediction error only once the true
    answer is known: before, it is the same for everyone); last the member id."""
    parts = ["a.correct_count DESC"]
    for breaker in round_.tie_breakers or ranking.DEFAULT_TIE_BREAKERS:
        if breaker == "prediction_error" and round_.prediction_answer is not None:
            answer = int(round_.prediction_answer)
            parts += ["(a.prediction IS NULL)", f"ABS(a.prediction - {answer})"]
        elif breaker == "duration":
            parts.append("a.duration_ms")
        elif breaker == "submitted_at":
            parts.append("COALESCE(a.submitted_at, a.deadline)")
    parts.append("a.member_id")
    return ", ".join(parts)


def counting_filter(round_: Round) -> str:
    """SQL keeping only a member's counting attempt where that is a matter of attempt
    numbers (`first`, `last`); `best` is the first row of each member in `order_by`."""
    if round_.max_attempts <= 1 or round_.counting not in ("first", "last"):
        return ""
    cmp = "<" if round_.counting == "first" else ">"
    return (
        " AND NOT EXISTS (SELECT 1 FROM quiz_attempt b WHERE b.round_id = a.round_id "  # noqa: S608 - `cmp` is "<" or ">"
        f"AND b.member_id = a.member_id AND b.scored_at IS NOT NULL AND b.number {cmp} a.number)"
    )


def _row(rank: int, r: Sequence[Any]) -> Row:
    return Row(
        rank=rank,
        member_id=int(r[1]),
        display_name=str(r[5]),
        unit_name=str(r[6]),
        correct_count=int(r[2] or 0),
        duration_ms=int(r[3] or 0),
        prediction=r[4],
        attempt_id=int(r[0]),
    )


async def page(round_: Round, offset: int, limit: int) -> tuple[list[Row], int]:
    """Rows `offset`..`offset+limit` of the board and the number of ranked members."""
    if round_.frozen_at is not None:
        rows = await query(
            _ROW.format(extra=", a.final_rank")
            + "WHERE a.round_id = $1 AND a.final_rank IS NOT NULL "
            "ORDER BY a.final_rank LIMIT $2 OFFSET $3",
            [round_.id, limit, offset],
        )
        total = await _total(
            round_,
            "SELECT COUNT(*) FROM quiz_attempt a "
            "WHERE a.round_id = $1 AND a.final_rank IS NOT NULL",
        )
        return [_row(int(r[7]), r) for r in rows], total
    where = "WHERE a.round_id = $1 AND a.scored_at IS NOT NULL" + counting_filter(round_)
    select = _ROW.format(extra="") + where + f" ORDER BY {order_by(round_)} LIMIT $2 OFFSET $3"
    once = round_.max_attempts <= 1 or round_.counting in ("first", "last")
    if once:
        rows = await query(select, [round_.id, limit, offset])
        found = [_row(offset + n + 1, r) for n, r in enumerate(rows)]
        count = "COUNT(*)"
    else:
        found = await _best_rows(round_, select, offset, limit)
        count = "COUNT(DISTINCT a.member_id)"
    total = await _total(round_, f"SELECT {count} FROM quiz_attempt a {where}")  # noqa: S608 - SQL from code constants
    return found, total


async def _total(round_: Round, sql: str) -> int:
    """The number ranked, counted at most once per `TOTAL_TTL_S` per process and round
    (reads arriving together share one count)."""
    now = clock.now()

    def fresh(counted_at: datetime) -> bool:
        return kept_within(TOTAL_TTL_S, counted_at, now)

    async def count() -> int:
        return int((await query(sql, [round_.id]))[0][0])

    key = (round_.id, round_.frozen_at is not None)
    return await _totals.get(key, fresh=fresh, stamp=lambda: now, load=count)


async def _best_rows(round_: Round, select: str, offset: int, limit: int) -> list[Row]:
    """`best` counting with several attempts: walk the order from the top and keep each
    member's first (best) row, reading more until `offset + limit` members are found."""
    want = offset + limit
    fetch = want * 2
    while True:
        rows = await query(select, [round_.id, fetch, 0])
        seen: set[int] = set()
        best: list[Sequence[Any]] = []
        for r in rows:
            if int(r[1]) not in seen:
                seen.add(int(r[1]))
                best.append(r)
        if len(best) >= want or len(rows) < fetch:
            return [_row(offset + n + 1, r) for n, r in enumerate(best[offset:want])]
        fetch *= 2


async def rank_of(round_: Round, member_id: int) -> Row | None:
    """A frozen round's stored row of the member; None for a live round (see the module
    docstring) or when the member is not ranked."""
    if round_.frozen_at is None:
        return None
    rows = await query(
        _ROW.format(extra=", a.final_rank")
        + "WHERE a.round_id = $1 AND a.member_id = $2 AND a.final_rank IS NOT NULL",
        [round_.id, member_id],
    )
    return _row(int(rows[0][7]), rows[0]) if rows else None
