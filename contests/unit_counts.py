"""Counting a round's unit board in the database, for reads while its Redis counters are
being rebuilt by the worker (`contests.unit_board`, `contests.rebuilds`).

One grouped query gives the participants and score sums of each unit path, over every
member's counting attempt (`ranking.counting_attempt`, expressed in SQL as in
`board_sql`); the sums of every ancestor are added up here. A process shares one count
of a round among the reads that arrive together and reuses it for `TTL_S` seconds
(`core.load_once`; time is `core.clock.now()`; a scorer in the same process drops it at
once, as in `board_reads`), so a rush of reads during a rebuild costs the database one
query per process and `TTL_S`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from contests import board_sql, leaderboard
from contests.models import Round
from core import clock
from core.load_once import LoadOnce, kept_within

TTL_S = 10.0
_MAX_ROUNDS = 1000

Counts = tuple[Counter[str], Counter[str]]
# round id -> its counts, stamped with (the time they were asked for, the round's
# `leaderboard.generation` as the count began)
_cache: LoadOnce[int, tuple[datetime, int], Counts] = LoadOnce(max_keys=_MAX_ROUNDS)


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

    def fresh(stamp: tuple[datetime, int]) -> bool:
        at, generation = stamp
        return kept_within(TTL_S, at, now) and generation == leaderboard.generation(round_.id)

    return await _cache.get(
        round_.id,
        fresh=fresh,
        stamp=lambda: (now, leaderboard.generation(round_.id)),
        load=lambda: _count(round_),
    )
