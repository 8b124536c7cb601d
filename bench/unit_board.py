# ruff: noqa: S106 - a benchmark's throwaway settings
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
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from arq import create_pool
from tortoise import connections

from accounts.models import UnitLevel
from contests import leaderboard, unit_board
from contests.models import Round
from core import db, queue
from core.settings import Settings
from workers.broker import broker_for

BASE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def recreate(url: str) -> None:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        name = parts.path.lstrip("/")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    conn = connections.get("default")
    async with conn.acquire_connection() as raw:
        await raw.copy_records_to_table(table, columns=columns, records=rows)


async def build(members: int, wards: int) -> int:
    """The data set; returns the round id."""
    units: list[tuple[Any, ...]] = [(1, "Trung ương", "VN", "national", "", None, "VN/")]
    for p in range(34):
        units.append((2 + p, f"Tỉnh {p:02d}", f"P{p:02d}", "province", "", 1, f"VN/P{p:02d}/"))
    for w in range(wards):
        path = f"VN/P{w % 34:02d}/W{w:05d}/"
        units.append((100 + w, f"Xã {w:04d}", f"W{w:05d}", "ward", "", 2 + w % 34, path))
    await copy("unit", ["id", "name", "code", "level", "division_type", "parent_id", "path"], units)
    rows: list[tuple[Any, ...]] = [
        (i, f"u{i}@bench.vn", "x", f"Đoàn viên {i}", 100 + i % wards, 2000, True, BASE, "")
        for i in range(1, members + 1)
    ]
    columns = ["id", "email", "password_hash", "display_name", "unit_id", "birth_year"]
    columns += ["is_active", "created_at", "search_name"]
    if not await _has_column("member", "search_name"):
        columns, rows = columns[:-1], [r[:-1] for r in rows]
    await copy("member", columns, rows)
    sql = connections.get("default")
    await sql.execute_script(
        "INSERT INTO contest (id, title, description, kind, status, unit_id, unit_path, opens_at,"
        " closes_at, eligibility_unit_id, eligibility_path, created_by_id, created_at,"
        f" updated_at, published_at) VALUES (1, 'Bench', '', 'quiz', 'open', 1, 'VN/',"
        f" '{BASE.isoformat()}', '{(BASE + timedelta(days=7)).isoformat()}', 1, 'VN/', 1,"
        f" '{BASE.isoformat()}', '{BASE.isoformat()}', '{BASE.isoformat()}');"
        "INSERT INTO quiz_round (id, contest_id, title, opens_at, closes_at, question_count,"
        " time_limit_s, max_attempts, counting, tags, difficulties, prediction_min,"
        " prediction_max, tie_breakers, explanations_after_close, grace_s, created_at)"
        f" VALUES (1, 1, 'Bench', '{BASE.isoformat()}', '{(BASE + timedelta(days=7)).isoformat()}',"
        " 10, 900, 3, 'best', '[]', '[]', 0, 1000000,"
        ' \'["prediction_error", "duration", "submitted_at"]\', true, 5,'
        f" '{BASE.isoformat()}');"
    )
    attempts = []
    for i in range(1, members + 1):
        start = BASE + timedelta(seconds=i % 86_400)
        done = start + timedelta(seconds=60 + i % 800)
        path = f"VN/P{(i % wards) % 34:02d}/W{i % wards:05d}/"
        attempts.append(
            (
                *(i, 1, i, path, 1, "scored", "[]", "{}", "{}", start),
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
    return 1


async def _has_column(table: str, column: str) -> bool:
    rows = await connections.get("default").execute_query_dict(
        "SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
        [table, column],
    )
    return bool(rows)


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
    settings = Settings(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        meili_url=None,
        secret_key="bench",
        worker_in_process=False,
    )
    await recreate(settings.database_url)
    await db.migrate(settings)
    await db.init(settings)
    pool = await create_pool(broker_for(settings).arq)
    await pool.flushdb()
    queue.set_pool(pool)
    try:
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
    finally:
        queue.set_pool(None)
        await pool.aclose()
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
