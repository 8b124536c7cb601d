# ruff: noqa: ASYNC220, ASYNC221, ASYNC251, E501 - a benchmark driver: blocking set-up is fine
"""Quiz load on PostgreSQL + Redis: submits per second, submitted → on the leaderboard, and
leaderboard reads over 1,000,000 ranked members while submits are being scored.

In the same run and on the same machine:
  1. a bare Starlette JSON endpoint (ceiling of the web stack),
  2. raw asyncpg single-row UPDATEs, one per request (ceiling of one-commit-per-request),
  3. `POST /api/v1/attempts/{id}/submit` on the real app (uvicorn, N processes, worker on),
  4. submitted → on the round's Redis board (p50/p95),
  5. `GET /api/v1/rounds/{id}/leaderboard` over a board of 1,000,000 members, while
     submits go on at about `--score-rate` per second (scored by the worker).

    .venv/bin/python bench/quiz_load.py --seconds 10 --concurrency 64 --workers 2

Creates the database `ib_bench_quiz` afresh; uses Redis db 5 by default. The load generator
shares the cores with the server: the numbers are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ideas_submit import BIN, ROOT, free_port, wait_up

DB = "ib_bench_quiz"
BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def submit(request):
    return JSONResponse({"id": int(request.path_params["id"]), "status": "submitted"}, status_code=202)
app = Starlette(routes=[Route("/api/v1/attempts/{id:int}/submit", submit, methods=["POST"])])
"""

PREPARE = """
import asyncio, sys
from datetime import timedelta
from core import db, clock
from core.settings import Settings
from accounts import tokens
from accounts.models import Member, Role, RoleName, Unit, UnitLevel
from contests.models import Contest, ContestKind, ContestStatus, Question, Round
MEMBERS = int(sys.argv[1])
async def main():
    await db.init(Settings())
    national = await Unit.get(code="VN")
    wards = await Unit.filter(level=UnitLevel.WARD).order_by("id").limit(200)
    rows = [Member(email=f"q{i}@bench.vn", password_hash="x", display_name=f"Thí sinh {i}",
                   unit_id=wards[i % len(wards)].id, birth_year=2003) for i in range(MEMBERS)]
    await Member.bulk_create(rows, batch_size=2000)
    org = await Member.create(email="org@bench.vn", password_hash="x", display_name="BTC",
                              unit_id=national.id, birth_year=1990)
    await Role.create(member_id=org.id, role=RoleName.ORGANIZER, unit_id=national.id)
    now = clock.now()
    c = await Contest.create(title="Bench", kind=ContestKind.QUIZ, status=ContestStatus.OPEN,
        unit_id=national.id, unit_path=national.path, opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=2), eligibility_unit_id=national.id,
        eligibility_path=national.path, created_by_id=org.id, published_at=now,
        created_at=now, updated_at=now)
    for i in range(20):
        await Question.create(contest_id=c.id, text=f"Câu {i}", options=["A", "B", "C", "D"],
                              correct=[i % 4], tags=[], created_at=now)
    r = await Round.create(contest_id=c.id, title="Bench", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), question_count=10, time_limit_s=3600,
        max_attempts=1000, tie_breakers=["prediction_error", "duration", "submitted_at"],
        created_at=now)
    big = await Round.create(contest_id=c.id, title="Big", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), question_count=10, time_limit_s=3600, max_attempts=1,
        tie_breakers=["prediction_error", "duration", "submitted_at"], created_at=now,
        results_published_at=now)
    print(r.id, big.id, org.id)
    ids = [m.id for m in await Member.filter(email__startswith="q").order_by("id")]
    for i in ids:
        print(i, await tokens.issue_api_token(i))
    await db.close()
asyncio.run(main())
"""


async def make_attempts(
    dsn: str, round_id: int, member_ids: list[int], per_member: int
) -> dict[int, list[int]]:
    """`per_member` in-progress attempts for every member, written in bulk."""
    conn = await asyncpg.connect(dsn)
    qids = [r["id"] for r in await conn.fetch("SELECT id FROM quiz_question ORDER BY id LIMIT 10")]
    order = json.dumps({str(q): [0, 1, 2, 3] for q in qids})
    answers = json.dumps({str(q): [random.randint(0, 3)] for q in qids})
    await conn.execute(
        """
        INSERT INTO quiz_attempt (round_id, member_id, unit_path, number, status, question_ids,
            option_order, answers, started_at, deadline)
        SELECT $1, m, 'VN/', n, 'in_progress', $2, $3, $4, now(), now() + interval '50 minutes'
        FROM unnest($5::int[]) AS m, generate_series(1, $6) AS n
        """,
        round_id,
        json.dumps(qids),
        order,
        answers,
        member_ids,
        per_member,
    )
    rows = await conn.fetch("SELECT id, member_id FROM quiz_attempt WHERE round_id = $1", round_id)
    await conn.close()
    by_member: dict[int, list[int]] = {}
    for r in rows:
        by_member.setdefault(r["member_id"], []).append(r["id"])
    return by_member


async def hammer(
    base: str, seconds: float, concurrency: int, work: list[tuple[str, int]]
) -> tuple[int, int, float, list[float]]:
    """Submit attempts for `seconds`; (ok, errors, rate, latencies)."""
    ok = errors = 0
    lat: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    it = iter(work)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as client:

        async def one() -> None:
            nonlocal ok, errors
            while time.perf_counter() < stop:
                try:
                    token, attempt_id = next(it)
                except StopIteration:
                    return
                t = time.perf_counter()
                r = await client.post(
                    f"{base}/api/v1/attempts/{attempt_id}/submit",
                    headers={"Authorization": f"Bearer {token}"},
                )
                lat.append(time.perf_counter() - t)
                if r.status_code == 202:
                    ok += 1
                else:
                    errors += 1
                    if errors < 3:
                        print("   error", r.status_code, r.text[:200])

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        took = time.perf_counter() - started
    return ok, errors, ok / took, lat


async def raw_updates(dsn: str, seconds: float, concurrency: int, ids: list[int]) -> float:
    pool = await asyncpg.create_pool(dsn, min_size=16, max_size=16)
    count = 0
    it = iter(ids)
    stop = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal count
        while time.perf_counter() < stop:
            try:
                i = next(it)
            except StopIteration:
                return
            await pool.execute(
                "UPDATE quiz_attempt SET final_rank = 1, submitted_at=now() "
                "WHERE id=$1 AND status='in_progress'",
                i,
            )
            count += 1

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(concurrency)))
    took = time.perf_counter() - started
    await pool.close()
    return count / took


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))] if s else float("nan")


async def fill_board(redis_url: str, round_id: int, n: int) -> None:
    """A board of `n` members, written the way `contests.leaderboard.put` writes it."""
    from redis.asyncio import Redis

    r = Redis.from_url(redis_url)
    rng = random.Random(1)
    for start in range(0, n, 20_000):
        pipe = r.pipeline(transaction=False)
        zadd, keys, data = {}, {}, {}
        for m in range(start + 10_000_000, min(n, start + 20_000) + 10_000_000):
            correct = rng.randint(0, 10)
            dur = rng.randint(20_000, 600_000)
            key = (
                f"{999999 - correct:06d}{10**12 - 1:012d}{dur:010d}{1763900000000 + m:014d}{m:012d}"
            )
            zadd[key] = 0
            keys[str(m)] = key
            data[str(m)] = json.dumps(
                {"a": m, "s": correct, "d": dur, "p": None, "n": f"Thí sinh {m}", "u": "Phường"}
            )
        pipe.zadd(f"quiz:lb:{round_id}", zadd)
        pipe.hset(f"quiz:lbk:{round_id}", mapping=keys)
        pipe.hset(f"quiz:lbd:{round_id}", mapping=data)
        await pipe.execute()
    await r.set(f"quiz:lb:{round_id}:built", "1")
    await r.aclose()


async def read_board(
    base: str, round_id: int, seconds: float, concurrency: int, total: int
) -> tuple[float, list[float]]:
    lat: list[float] = []
    stop = time.perf_counter() + seconds
    rng = random.Random(2)
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as client:

        async def one() -> None:
            while time.perf_counter() < stop:
                offset = 0 if rng.random() < 0.5 else rng.randint(0, total - 20)
                t = time.perf_counter()
                r = await client.get(
                    f"{base}/api/v1/rounds/{round_id}/leaderboard",
                    params={"limit": 20, "offset": offset},
                )
                lat.append(time.perf_counter() - t)
                assert r.status_code == 200, r.text

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        took = time.perf_counter() - started
    return len(lat) / took, lat


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--per-member", type=int, default=60)
    parser.add_argument("--board", type=int, default=1_000_000)
    parser.add_argument("--score-rate", type=int, default=1000)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ib-bench-quiz-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.pg}/{DB}?maxsize=20",
        "REDIS_URL": args.redis,
        "DATA_DIR": str(data),
        "SECRET_KEY": "bench-secret",
        "MEILI_URL": "",
        "WORKER_IN_PROCESS": "false",
    }
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    admin = await asyncpg.connect(f"{args.pg}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()
    ideabank = str(BIN / "ideabank")
    subprocess.run([ideabank, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([ideabank, "load-units"], env=env, cwd=ROOT, check=True, capture_output=True)
    out = (
        subprocess.run(
            [sys.executable, "-c", PREPARE, str(args.members)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\n")
    )
    round_id, big_id, _ = (int(x) for x in out[0].split())
    tokens = dict((int(a), b) for a, b in (line.split() for line in out[1:] if line.strip()))
    dsn = f"{args.pg}/{DB}"
    by_member = await make_attempts(dsn, round_id, list(tokens), args.per_member)
    work = [(tokens[m], ids[k]) for k in range(args.per_member) for m, ids in by_member.items()]
    print(f"prepared {len(tokens)} members, {len(work)} attempts in progress")
    import redis

    redis.Redis.from_url(args.redis).flushdb()

    (data / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    bare = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "bare_app:app",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=data,
        stdout=(data / "bare.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(2)
    try:
        ok, err, bare_rate, lat = await hammer(
            f"http://127.0.0.1:{port}", args.seconds, args.concurrency, work
        )
    finally:
        bare.terminate()
        bare.wait()
    print(f"1. bare Starlette POST: {bare_rate:,.0f}/s, p99 {pct(lat, 0.99) * 1000:.1f} ms")

    third = len(work) // 3
    raw_rate = await raw_updates(dsn, args.seconds, args.concurrency, [w[1] for w in work[:third]])
    print(f"2. raw asyncpg UPDATE, one per request: {raw_rate:,.0f}/s")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = data / "server.log"
    server = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "web.asgi:app",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [ideabank, "worker"],
        env=env,
        cwd=ROOT,
        stdout=(data / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_up(base, server, log)
        rest = work[third:]
        ok, err, app_rate, lat = await hammer(
            base, args.seconds, args.concurrency, rest[: len(rest) // 2]
        )
        print(
            f"3. POST /attempts/{{id}}/submit (app, worker on): {app_rate:,.0f}/s ({ok} ok, {err} errors), "
            f"p50 {pct(lat, 0.5) * 1000:.1f} ms, p99 {pct(lat, 0.99) * 1000:.1f} ms"
        )
        print(
            f"   ratio app / bare: {app_rate / bare_rate:.2f}; app / raw asyncpg: {app_rate / raw_rate:.2f}"
        )

        # 4. submitted → on the board
        from redis.asyncio import Redis

        r = Redis.from_url(args.redis)
        sample = rest[len(rest) // 2 : len(rest) // 2 + 40]
        member_of = {a: m for m, ids in by_member.items() for a in ids}
        times: list[float] = []
        async with httpx2.AsyncClient(base_url=base, timeout=30) as client:
            for token, attempt_id in sample:
                t = time.perf_counter()
                resp = await client.post(
                    f"/api/v1/attempts/{attempt_id}/submit",
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert resp.status_code == 202, resp.text
                while time.perf_counter() - t < 30:
                    key = await r.hget(f"quiz:lbk:{round_id}", str(member_of[attempt_id]))
                    data_raw = await r.hget(f"quiz:lbd:{round_id}", str(member_of[attempt_id]))
                    if key is not None and data_raw is not None and json.loads(data_raw)["a"] >= 0:
                        scored = await asyncpg_scored(dsn, attempt_id)
                        if scored:
                            times.append(time.perf_counter() - t)
                            break
                    await asyncio.sleep(0.01)  # polling the board, not waiting for a worker
        print(
            f"4. submitted → on the board over {len(times)} submits: p50 {pct(times, 0.5) * 1000:.0f} ms, "
            f"p95 {pct(times, 0.95) * 1000:.0f} ms"
        )

        # 5. reads over a 1M board while submits are scored
        t = time.perf_counter()
        await fill_board(args.redis, big_id, args.board)
        print(f"   board of {args.board:,} written in {time.perf_counter() - t:.1f} s")
        background = rest[len(rest) // 2 + 40 :]
        load = asyncio.create_task(
            hammer(base, args.seconds + 2, max(1, args.score_rate // 100), background)
        )
        rate, lat = await read_board(base, big_id, args.seconds, args.concurrency, args.board)
        ok, err, sub_rate, _ = await load
        print(
            f"5. GET leaderboard (1M board): {rate:,.0f}/s, p50 {pct(lat, 0.5) * 1000:.1f} ms, "
            f"p99 {pct(lat, 0.99) * 1000:.1f} ms, while submitting {sub_rate:,.0f}/s"
        )
        await r.aclose()
    finally:
        for proc in (server, worker):
            proc.terminate()
            proc.wait()


async def asyncpg_scored(dsn: str, attempt_id: int) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        return bool(
            await conn.fetchval(
                "SELECT scored_at IS NOT NULL FROM quiz_attempt WHERE id=$1", attempt_id
            )
        )
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
    statistics.mean([0.0])
