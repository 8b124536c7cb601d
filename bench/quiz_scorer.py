"""The quiz scorer alone: attempts scored per second and CPU per attempt, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ib_scorer_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        flock /tmp/ib-bench.lock .venv/bin/python -m bench.quiz_scorer --attempts 100000

Without `--keep` the database named in DATABASE_URL is dropped and built afresh: a tree of
national, 34 provinces and `--wards` wards, `--attempts` members spread over the wards, a
quiz contest with a bank of `--bank` questions (4 options, one correct) and one round
drawing `--questions` of them (`--max-attempts` per member, 3 by default as in the weekly
national contest, so the scorer looks up each member's earlier attempts); every member has
one submitted attempt with an answer to each of their questions (right about two times in
three).

Then, on the same data, each measurement starting from every attempt unscored and an empty
Redis board:
- raw baseline: a hand-written asyncpg scorer doing the same work with nothing around it —
  per batch of `--batch`, one SELECT (member name and unit joined, going on after the
  previous batch's last id), scores computed in Python, one `UPDATE … FROM unnest`, one
  Redis pipeline placing the batch on a sorted set;
- the app: `contests.scoring.score_round`, the code the worker runs (whichever version of
  `contests` is imported: run it from an older checkout with `--keep` to compare versions).
Reported: attempts/s (wall clock), and CPU µs per attempt of this process (the scorer), of
this database's PostgreSQL backends and of the Redis server (shared with other users of
that Redis, so only indicative). CPU per attempt hardly moves when other work shares the
cores; rates do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from tortoise import connections

from bench.cpu import CpuMeter, redis_server
from bench.in_process import (
    BASE,
    ROUND_ID,
    contest_and_round,
    copy,
    dsn,
    session,
    settings_from_env,
    units_and_members,
    ward_path,
)


async def build(attempts: int, wards: int, bank: int, questions: int) -> None:
    """The data set (see the module docstring)."""
    await units_and_members(attempts, wards)
    await contest_and_round(questions, max_attempts=1)
    await copy(
        "quiz_question",
        [
            *("id", "contest_id", "text", "options", "correct", "tags", "difficulty"),
            *("explanation", "created_at"),
        ],
        [
            (
                q,
                1,
                f"Câu {q}",
                json.dumps(["A", "B", "C", "D"]),
                json.dumps([q % 4]),
                "[]",
                1,
                "",
                BASE,
            )
            for q in range(1, bank + 1)
        ],
    )
    rng = random.Random(2026)
    rows: list[tuple[Any, ...]] = []
    for i in range(1, attempts + 1):
        drawn = rng.sample(range(1, bank + 1), questions)
        answers = {str(q): [q % 4 if rng.random() < 0.67 else (q + 1) % 4] for q in drawn}
        start = BASE + timedelta(seconds=i % 86_400)
        done = start + timedelta(milliseconds=60_000 + rng.randrange(800_000))
        rows.append(
            (
                *(i, ROUND_ID, i, ward_path(i, wards), 1, "submitted", json.dumps(drawn)),
                *(json.dumps({str(q): [0, 1, 2, 3] for q in drawn}), json.dumps(answers)),
                *(start, start + timedelta(seconds=900), done),
            )
        )
        if len(rows) == 20_000:
            await _attempts(rows)
            rows = []
    await _attempts(rows)
    await connections.get("default").execute_script("VACUUM ANALYZE")


async def _attempts(rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await copy(
            "quiz_attempt",
            [
                *("id", "round_id", "member_id", "unit_path", "number", "status"),
                *("question_ids", "option_order", "answers", "started_at", "deadline"),
                "submitted_at",
            ],
            rows,
        )


async def reset(pool: Any) -> None:
    """Every attempt of the round unscored again, the tables vacuumed, Redis boards gone."""
    sql = connections.get("default")
    await sql.execute_script(
        "UPDATE quiz_attempt SET scored_at = NULL, status = 'submitted', correct_count = NULL,"
        f" duration_ms = NULL, final_rank = NULL WHERE round_id = {ROUND_ID}"
    )
    await sql.execute_script("VACUUM ANALYZE quiz_attempt")
    keys = [k async for k in pool.scan_iter(match="quiz:*")]
    for start in range(0, len(keys), 1000):
        await pool.delete(*keys[start : start + 1000])


_RAW_BATCH = """
SELECT a.id, a.member_id, a.question_ids, a.answers, a.started_at,
       COALESCE(a.submitted_at, a.deadline), a.unit_path, m.display_name, u.name
FROM quiz_attempt a JOIN member m ON m.id = a.member_id JOIN unit u ON u.id = m.unit_id
WHERE a.round_id = $1 AND a.scored_at IS NULL AND a.status IN ('submitted', 'expired')
  AND a.id > $3
ORDER BY a.id LIMIT $2
"""
_RAW_MARK = """
UPDATE quiz_attempt AS a SET correct_count = v.c, duration_ms = v.d, scored_at = $3,
status = 'scored' FROM unnest($1::bigint[], $2::int[], $4::int[]) AS v(id, c, d)
WHERE a.id = v.id AND a.scored_at IS NULL
"""


async def raw_scorer(conn: asyncpg.Connection, pool: Any, batch: int) -> int:
    """The baseline: the scorer's work by hand (see the module docstring)."""
    key = {
        int(r["id"]): frozenset(json.loads(r["correct"]))
        for r in await conn.fetch("SELECT id, correct FROM quiz_question WHERE contest_id = 1")
    }
    total = 0
    last = 0
    now = datetime.now(UTC)
    while True:
        rows = await conn.fetch(_RAW_BATCH, ROUND_ID, batch, last)
        if not rows:
            return total
        last = rows[-1][0]
        ids, correct, durations = [], [], []
        zadd: dict[str, float] = {}
        for r in rows:
            answers = json.loads(r[3])
            right = sum(
                1 for q in json.loads(r[2]) if frozenset(answers.get(str(q), ())) == key.get(q)
            )
            taken = min(900_000, int((r[5] - r[4]).total_seconds() * 1000))
            ids.append(r[0])
            correct.append(right)
            durations.append(taken)
            zadd[f"{999_999 - right:06d}{taken:010d}{r[1]:012d}"] = 0.0
        pipe = pool.pipeline(transaction=False)
        pipe.zadd("quiz:rawbench", zadd)
        await pipe.execute()
        await conn.execute(_RAW_MARK, ids, correct, now, durations)
        total += len(rows)


async def app_scorer(batch: int) -> int:
    from contests import scoring

    return await scoring.score_round(ROUND_ID, datetime.now(UTC), batch)


async def measure(
    name: str, run: Callable[[], Awaitable[int]], address: str, pool: Any
) -> dict[str, float]:
    """Run one scorer over the round; print and return its rate and CPU per attempt."""
    await reset(pool)
    # This process (the scorer), the database's backends (one opened during the run, the
    # raw scorer's, counts from zero) and the Redis server.
    meter = CpuMeter({"scorer": [os.getpid()], "redis": [await redis_server(pool)]}, address)
    await meter.start()
    wall0 = time.perf_counter()
    scored = await run()
    wall = time.perf_counter() - wall0
    await meter.stop()
    per = 1e6 / max(1, scored)
    out = {
        "rate": scored / wall,
        "scorer_us": meter.used["scorer"] * per,
        "pg_us": meter.postgres_s() * per,
        "redis_us": meter.used["redis"] * per,
    }
    print(
        f"{name}: {scored:,} attempts in {wall:.1f} s = {out['rate']:,.0f}/s; CPU per attempt:"
        f" scorer {out['scorer_us']:.0f} µs, PostgreSQL {out['pg_us']:.0f} µs,"
        f" Redis {out['redis_us']:.0f} µs (shared server)",
        flush=True,
    )
    return out


async def board_lost(reads: int) -> None:
    """With every attempt scored: the board rebuilt from the database (the worker's job)
    and the reads meanwhile (top-100 page from PostgreSQL, unit counts), when this version
    of `contests` has them."""
    try:
        from contests import board_sql, rebuilds, unit_counts
        from core.load_once import forget_every_cache
    except ImportError:
        return
    from contests.models import Round

    round_ = await Round.get(id=ROUND_ID)
    await connections.get("default").execute_script("ANALYZE quiz_attempt")
    t = time.perf_counter()
    size = await rebuilds.rebuild(round_)
    took = time.perf_counter() - t
    print(f"rebuild of both boards from the database: {size:,} members in {took:.1f} s")
    forget_every_cache()  # the count below is a first read
    t = time.perf_counter()
    await board_sql.page(round_, 0, 100)
    first = time.perf_counter() - t
    times = []
    for _ in range(reads):
        t = time.perf_counter()
        await board_sql.page(round_, 0, 100)
        times.append(time.perf_counter() - t)
    times.sort()
    t = time.perf_counter()
    await unit_counts.from_database(round_)
    units = time.perf_counter() - t
    p50, p99 = times[len(times) // 2] * 1000, times[int(len(times) * 0.99) - 1] * 1000
    print(
        f"reads while rebuilding, from PostgreSQL: top-100 page p50 {p50:.1f} ms,"
        f" p99 {p99:.1f} ms ({reads} reads; the first, counting the total:"
        f" {first * 1000:.0f} ms); unit counts {units * 1000:.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--wards", type=int, default=3_300)
    parser.add_argument("--bank", type=int, default=60)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=3,
        help="the round's setting (the scorer then looks up each member's earlier attempts)",
    )
    parser.add_argument("--keep", action="store_true", help="reuse the data set")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw baseline")
    parser.add_argument("--reads", type=int, default=100, help="board reads from PostgreSQL")
    args = parser.parse_args()
    settings = settings_from_env()
    address = dsn(settings)
    async with session(settings, fresh=not args.keep) as pool:
        if not args.keep:
            t = time.perf_counter()
            await build(args.attempts, args.wards, args.bank, args.questions)
            built = time.perf_counter() - t
            print(f"data: {args.attempts:,} submitted attempts, built in {built:.0f} s")
        await connections.get("default").execute_query(
            "UPDATE quiz_round SET max_attempts = $1 WHERE id = $2", [args.max_attempts, ROUND_ID]
        )
        import contests.scoring

        print(
            f"code: {contests.scoring.__file__}; max_attempts {args.max_attempts};"
            f" load average {os.getloadavg()[0]:.1f}"
        )
        raw = None
        if not args.no_raw:
            conn = await asyncpg.connect(address)  # opened first: its backend's CPU is counted
            try:
                raw = await measure(
                    "raw asyncpg scorer", lambda: raw_scorer(conn, pool, args.batch), address, pool
                )
            finally:
                await conn.close()
        app = await measure("contests.scoring", lambda: app_scorer(args.batch), address, pool)
        await board_lost(args.reads)
        if raw is not None:
            print(
                f"app / raw: rate {app['rate'] / raw['rate']:.2f}, scorer CPU"
                f" {app['scorer_us'] / raw['scorer_us']:.2f}x, PostgreSQL CPU"
                f" {app['pg_us'] / max(raw['pg_us'], 1e-9):.2f}x"
            )


if __name__ == "__main__":
    asyncio.run(main())
