"""Counting a round's unit board in the database, for reads while its Redis counters are
being rebuilt by the worker (`contests.unit_board`, `contests.rebuilds`).

One grouped query gives the participants and score sums of each unit path, over every
member's counting attempt (`ranking.counting_attempt`, expressed in SQL as in
`board_sql`); the sums of every ancestor are added up here. A process shares one count
of a round among the reads that arrive together and reuses it for `TTL_S` seconds (time is
`core.clock.now()`; a scorer in the same process drops it at once, as in `board_reads`),
so a rush of reads during a rebuild costs the database one query per process and `TTL_S`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from contests import board_sql, leaderboard
from contests.models import Round
from core import clock

TTL_S = 10.0
_MAX_ROUNDS = 1000

Counts = tuple[Counter[str], Counter[str]]
_cache: dict[int, tuple[datetime, int, Counts]] = {}
_loading: dict[int, asyncio.Future[Counts]] = {}


def forget_all() -> None:
    _cache.clear()


def _sql(round_: Round) -> str:
    """The grouped count (SQL from code constants and `board_sql`'s integer-only parts)."""
    where = "WHERE a.round_id = $1 AND a.scored_at IS NOT NULL"
    if round_.max_attempts <= 1 or round_.counting in ("first", "last"):
        return (
            "SELECT a.unit_path, COUNT(*), SUM(COALESCE(a.correct_count, 0)) FROM quiz_attempt a "  # noqa: S608
            f"{where}{board_sql.counting_filter(round_)} GROUP BY a.unit_path"
        )
    return (
        "SELECT c.unit_path, COUNT(*), SUM(c.correct) FROM (SELECT a.unit_path AS unit_path, "  # noqa: S608
        "COALESCE(a.correct_count, 0) AS correct, ROW_NUMBER() OVER "
        f"(PARTITION BY a.member_id ORDER BY {board_sql.order_by(round_)}) AS n "
        f"FROM quiz_attempt a {where}) c WHERE c.n = 1 GROUP BY c.unit_path"
    )


async def _count(round_: Round) -> Counts:
    from contests.unit_board import prefixes

    participants: Counter[str] = Counter()
    sums: Counter[str] = Counter()
    for path, n, total in await board_sql.query(_sql(round_), [round_.id]):
        for prefix in prefixes(str(path)):
            participants[prefix] += int(n)
            sums[prefix] += int(total or 0)
    return participants, sums


async def from_database(round_: Round) -> Counts:
    """Participants and score sums by unit path (and every ancestor's path)."""
    now = clock.now()
    hit = _cache.get(round_.id)
    if (
        hit is not None
        and hit[0] <= now < hit[0] + timedelta(seconds=TTL_S)
        and hit[1] == leaderboard.generation(round_.id)
    ):
        return hit[2]
    loading = _loading.get(round_.id)
    if loading is None:
        loading = _loading[round_.id] = asyncio.ensure_future(_load(round_, now))
    return await asyncio.shield(loading)


async def _load(round_: Round, now: datetime) -> Counts:
    generation = leaderboard.generation(round_.id)
    try:
        counts = await _count(round_)
        if len(_cache) > _MAX_ROUNDS:
            _cache.clear()
        _cache[round_.id] = (now, generation, counts)
        return counts
    finally:
        _loading.pop(round_.id, None)
