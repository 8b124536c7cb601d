"""The unit leaderboard: counters kept by the scorer vs counting per request (the old way).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ib_bench_units \\
    REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python -m bench.unit_board --members 100000 --reads 200

The database named in DATABASE_URL is dropped and created afresh.

Builds (afresh) a synthetic tree — national, 34 provinces, `--wards` wards spread over them —,
`--members` members spread over the wards, and one round where every member has one scored
attempt; then measures, in one process, on the same data:
- raw baseline: what a read cost before (count every counting attempt and every member
  from the database, then pick the provinces): `counted_from_database` + `members_by_path`;
- the unit board read from the counters (`unit_board.board`), provinces and the wards of one
  province, p50/p99 over `--reads` reads;
- the write cost added to scoring: `unit_board.put` of a 500-entry batch, next to
  `leaderboard.put` of the same batch (the ratio is what scoring pays extra);
- `rebuild` (counters lost with Redis) and `freeze` (stored at close) from the database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import timedelta
from typing import Any

from accounts.models import UnitLevel
from bench.in_process import (
    BASE,
    ROUND_ID,
    contest_and_round,
    copy,
    session,
    settings_from_env,
    units_and_members,
    ward_path,
)
from contests import leaderboard, unit_board
from contests.models import Round


async def build(members: int, wards: int) -> int:
    """The data set; returns the round id."""
    await units_and_members(members, wards)
    await contest_and_round(question_count=10, max_attempts=3)
    attempts = []
    for i in range(1, members + 1):
        start = BASE + timedelta(seconds=i % 86_400)
        done = start + timedelta(seconds=60 + i % 800)
        attempts.append(
            (
                *(i, ROUND_ID, i, ward_path(i, wards), 1, "scored", "[]", "{}", "{}", start),
                *(start + timedelta(seconds=900), done, done),
                *((i * 7919) % 11, 60_000 + (i % 800) * 1000),
            )
        )
    await copy(
        "quiz_attempt",
        [
            *("id", "round_id", "member_id", "unit_path", "number", "status", "question_ids"),
            *("option_order", "answers", "started_at", "deadline", "submitted_at", "scored_at"),
            *("correct_count", "duration_ms"),
        ],
        attempts,
    )
    return ROUND_ID


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        await fn()
        out.append(time.perf_counter() - t)
    return out


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--wards", type=int, default=3_300)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--baseline-reads", type=int, default=5)
    args = parser.parse_args()
    async with session(settings_from_env(), fresh=True, flush=True):
        t = time.perf_counter()
        round_id = await build(args.members, args.wards)
        print(
            f"data: {args.members:,} members and scored attempts, {args.wards:,} wards,"
            f" built in {time.perf_counter() - t:.1f} s"
        )
        round_ = await Round.get(id=round_id)

        async def old_way() -> None:
            await unit_board.counted_from_database(round_)
            await unit_board.members_by_path()

        base = await timed(old_way, args.baseline_reads)
        print(f"raw baseline (count per request): median {ms(statistics.median(base))}")

        t = time.perf_counter()
        await unit_board.rebuild(round_)
        print(f"rebuild counters from the database: {time.perf_counter() - t:.2f} s")
        await unit_board.board(round_)  # fills the members cache

        async def provinces() -> None:
            await unit_board.board(round_, level=UnitLevel.PROVINCE)

        async def wards() -> None:
            await unit_board.board(round_, parent_id=2)

        for name, fn in (("provinces", provinces), ("wards of a province", wards)):
            values = await timed(fn, args.reads)
            med = statistics.median(values)
            print(
                f"counters, {name}: p50 {ms(med)}, p99 {ms(p99(values))}"
                f" — {statistics.median(base) / med:.0f}x faster than the baseline"
            )

        entries = (await unit_board.counting_scores(round_))[:500]
        lb = await timed(lambda: leaderboard.put(round_, entries), 20)
        ub = await timed(lambda: unit_board.put(round_, entries), 20)
        print(
            f"per 500-entry scoring batch: leaderboard.put {ms(statistics.median(lb))},"
            f" unit_board.put {ms(statistics.median(ub))}"
            f" (ratio {statistics.median(ub) / statistics.median(lb):.2f})"
        )
        t = time.perf_counter()
        stored = await unit_board.freeze(round_)
        print(f"freeze (store {stored:,} unit rows): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
