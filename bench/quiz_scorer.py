# ruff: noqa: S106 - a benchmark's throwaway settings
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
from arq import create_pool
from tortoise import connections

from bench.cpu import cpu_s, pg_backends
from bench.unit_board import copy, recreate
from core import db, queue
from core.settings import Settings
from workers.broker import broker_for

BASE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ROUND_ID = 1


async def build(attempts: int, wards: int, bank: int, questions: int) -> None:
    """The data set (see the module docstring)."""
    units: list[tuple[Any, ...]] = [(1, "Trung ương", "VN", "national", "", None, "VN/")]
    for p in range(34):
        units.append((2 + p, f"Tỉnh {p:02d}", f"P{p:02d}", "province", "", 1, f"VN/P{p:02d}/"))
    for w in range(wards):
        path = f"VN/P{w % 34:02d}/W{w:05d}/"
        units.append((100 + w, f"Xã {w:04d}", f"W{w:05d}", "ward", "", 2 + w % 34, path))
    await copy("unit", ["id", "name", "code", "level", "division_type", "parent_id", "path"], units)
    members = [
        (i, f"u{i}@bench.vn", "x", f"Đoàn viên {i}", 100 + i % wards, 2000, True, BASE, "")
        for i in range(1, attempts + 1)
    ]
    await copy(
        "member",
        [
            *("id", "email", "password_hash", "display_name", "unit_id", "birth_year"),
            *("is_active", "created_at", "search_name"),
        ],
        members,
    )
    end = BASE + timedelta(days=7)
    sql = connections.get("default")
    await sql.execute_script(
        "INSERT INTO contest (id, title, description, kind, status, unit_id, unit_path, opens_at,"
        " closes_at, eligibility_unit_id, eligibility_path, created_by_id, created_at,"
        f" updated_at, published_at) VALUES (1, 'Bench', '', 'quiz', 'open', 1, 'VN/',"
        f" '{BASE.isoformat()}', '{end.isoformat()}', 1, 'VN/', 1,"
        f" '{BASE.isoformat()}', '{BASE.isoformat()}', '{BASE.isoformat()}');"
        "INSERT INTO quiz_round (id, contest_id, title, opens_at, closes_at, question_count,"
        " time_limit_s, max_attempts, counting, tags, difficulties, prediction_min,"
        " prediction_max, tie_breakers, explanations_after_close, grace_s, created_at)"
        f" VALUES ({ROUND_ID}, 1, 'Bench', '{BASE.isoformat()}', '{end.isoformat()}',"
        f" {questions}, 900, 1, 'best', '[]', '[]', 0, 1000000,"
        ' \'["prediction_error", "duration", "submitted_at"]\', true, 5,'
        f" '{BASE.isoformat()}');"
    )
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
        path = f"VN/P{(i % wards) % 34:02d}/W{i % wards:05d}/"
        rows.append(
            (
                *(i, ROUND_ID, i, path, 1, "submitted", json.dumps(drawn)),
                *(json.dumps({str(q): [0, 1, 2, 3] for q in drawn}), json.dumps(answers)),
                *(start, start + timedelta(seconds=900), done),
            )
        )
        if len(rows) == 20_000:
            await _attempts(rows)
            rows = []
    await _attempts(rows)
    await sql.execute_script("VACUUM ANALYZE")


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
    name: str, run: Callable[[], Awaitable[int]], dsn: str, pool: Any
) -> dict[str, float]:
    """Run one scorer over the round; print and return its rate and CPU per attempt."""
    await reset(pool)
    backends = [p for pids in (await pg_backends(dsn)).values() for p in pids]
    redis_pid = int((await pool.info("server"))["process_id"])
    pg0 = {p: cpu_s(p) for p in backends}
    redis0 = cpu_s(redis_pid)
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    scored = await run()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    # Backends opened during the run (the raw scorer's connection) count from zero.
    backends_after = [p for pids in (await pg_backends(dsn)).values() for p in pids]
    pg = sum(cpu_s(p) - pg0.get(p, 0.0) for p in set(backends) | set(backends_after))
    redis_cpu = cpu_s(redis_pid) - redis0
    per = 1e6 / max(1, scored)
    out = {
        "rate": scored / wall,
        "scorer_us": cpu * per,
        "pg_us": pg * per,
        "redis_us": redis_cpu * per,
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
    except ImportError:
        return
    from contests.models import Round

    round_ = await Round.get(id=ROUND_ID)
    await connections.get("default").execute_script("ANALYZE quiz_attempt")
    t = time.perf_counter()
    size = await rebuilds.rebuild(round_)
    took = time.perf_counter() - t
    print(f"rebuild of both boards from the database: {size:,} members in {took:.1f} s")
    board_sql.forget_all()
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
    settings = Settings(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        meili_url=None,
        secret_key="bench",
        worker_in_process=False,
    )
    dsn = settings.database_url.replace("postgres://", "postgresql://", 1)
    if not args.keep:
        await recreate(settings.database_url)
        await db.migrate(settings)
    await db.init(settings)
    pool = await create_pool(broker_for(settings).arq)
    queue.set_pool(pool)
    try:
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
            conn = await asyncpg.connect(dsn)  # opened first: its backend's CPU is counted
            try:
                raw = await measure(
                    "raw asyncpg scorer", lambda: raw_scorer(conn, pool, args.batch), dsn, pool
                )
            finally:
                await conn.close()
        app = await measure("contests.scoring", lambda: app_scorer(args.batch), dsn, pool)
        await board_lost(args.reads)
        if raw is not None:
            print(
                f"app / raw: rate {app['rate'] / raw['rate']:.2f}, scorer CPU"
                f" {app['scorer_us'] / raw['scorer_us']:.2f}x, PostgreSQL CPU"
                f" {app['pg_us'] / max(raw['pg_us'], 1e-9):.2f}x"
            )
    finally:
        queue.set_pool(None)
        await pool.aclose()
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
