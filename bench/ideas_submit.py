# ruff: noqa: ASYNC220, ASYNC221, ASYNC251 - a benchmark driver: blocking set-up steps are fine here
"""Idea submissions per second over HTTP on PostgreSQL, and submitted → findable p95.

Compares, in the same run and on the same machine:
  1. a bare Starlette JSON endpoint (the ceiling of the web stack),
  2. raw asyncpg INSERTs (the ceiling of the database),
  3. `POST /api/v1/ideas` on the real app (uvicorn, N web processes, PostgreSQL, Redis),
then, with `ideabank worker` running, the time from a 201 to the idea being returned by
`GET /api/v1/ideas?q=` (p50/p95 over a sample, with the submission load going on).

    .venv/bin/python bench/ideas_submit.py --seconds 15 --concurrency 64 --workers 2

Needs PostgreSQL (`--pg`, default postgres://postgres@127.0.0.1:5432) and Redis
(`--redis`, default redis://127.0.0.1:6379/5). Creates the database `ib_bench_ideas` afresh.
The load generator runs on the same cores as the server: the numbers are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx2

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB = "ib_bench_ideas"

BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def echo(request):
    data = await request.json()
    return JSONResponse({"id": 1, "title": data.get("title")}, status_code=201)
app = Starlette(routes=[Route("/api/v1/ideas", echo, methods=["POST"])])
"""


_TOKENS: list[str] = []
_turn = 0


def next_token() -> str:
    global _turn
    _turn += 1
    return _TOKENS[_turn % len(_TOKENS)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body(i: int, word: str = "") -> dict[str, Any]:
    return {
        "title": f"Ý tưởng thử tải số {i} {word}".strip(),
        "summary": "Một ý tưởng để đo tốc độ gửi ý tưởng của hệ thống.",
        "body": "Nội dung **ngắn** cho phép đo: chuyển đổi số, môi trường, giáo dục.",
        "field": "digital_transformation",
        "tags": ["thử tải"],
        "status": "submitted",
    }


async def hammer(
    url: str, seconds: float, concurrency: int, tokens: list[str] | None
) -> tuple[int, int, float]:
    """POST ideas for `seconds` from `concurrency` clients; (ok, errors, rate per second)."""
    ok = errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as client:

        async def one(n: int) -> None:
            nonlocal ok, errors
            i = 0
            while time.perf_counter() < stop:
                i += 1
                # Each request from the next member: the per-member rate limit (30/min) is
                # a product rule, not something a throughput test should trip over.
                headers = {"Authorization": f"Bearer {next_token()}"} if tokens else {}
                r = await client.post(url, json=body(n * 1_000_000 + i), headers=headers)
                if r.status_code == 201:
                    ok += 1
                else:
                    errors += 1
                    if errors < 3:
                        print("   error", r.status_code, r.text[:200])

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(concurrency)))
        took = time.perf_counter() - started
    return ok, errors, ok / took


async def raw_asyncpg(dsn: str, seconds: float, concurrency: int) -> float:
    pool = await asyncpg.create_pool(dsn, min_size=concurrency // 4, max_size=concurrency // 4)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, title TEXT, "
        "summary TEXT, body TEXT, created_at TIMESTAMPTZ DEFAULT now())"
    )
    count = 0
    stop = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal count
        while time.perf_counter() < stop:
            b = body(count)
            await pool.execute(
                "INSERT INTO bench_raw (title, summary, body) VALUES ($1, $2, $3)",
                b["title"],
                b["summary"],
                b["body"],
            )
            count += 1

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(concurrency)))
    took = time.perf_counter() - started
    await pool.close()
    return count / took


def wait_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx2.get(base + "/health", timeout=1)
            return
        except httpx2.HTTPError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    raise RuntimeError(log.read_text(errors="replace")[-3000:])


async def prepare(dsn_admin: str, env: dict[str, str], members: int) -> list[str]:
    conn = await asyncpg.connect(dsn_admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{DB}"')
    await conn.close()
    ideabank = str(BIN / "ideabank")
    subprocess.run([ideabank, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([ideabank, "load-units"], env=env, cwd=ROOT, check=True, capture_output=True)
    # Members and tokens, made through the product's own code in one process.
    code = f"""
import asyncio
from core import db
from core.settings import Settings
from accounts import tokens
from accounts.models import Member, Unit, UnitLevel
async def main():
    s = Settings()
    await db.init(s)
    ward = await Unit.filter(level=UnitLevel.WARD).order_by("id").first()
    rows = [Member(email=f"bench{{i}}@example.vn", password_hash="x", display_name=f"Bench {{i}}",
                   unit_id=ward.id, birth_year=2001) for i in range({members})]
    await Member.bulk_create(rows)
    ids = [m.id for m in await Member.filter(email__startswith="bench").order_by("id")]
    for i in ids:
        print(await tokens.issue_api_token(i))
    await db.close()
asyncio.run(main())
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return [line for line in out.stdout.decode().split() if line]


async def findable(base: str, tokens: list[str], samples: int) -> list[float]:
    """Seconds from a 201 to the idea being returned by a search for its unique word."""
    times: list[float] = []
    async with httpx2.AsyncClient(base_url=base, timeout=30) as client:

        async def one(n: int) -> None:
            word = "mx" + uuid.uuid4().hex[:10]
            headers = {"Authorization": f"Bearer {next_token()}"}
            r = await client.post("/api/v1/ideas", json=body(n, word), headers=headers)
            assert r.status_code == 201, r.text
            created = time.perf_counter()
            idea_id = r.json()["id"]
            while time.perf_counter() - created < 30:
                found = await client.get("/api/v1/ideas", params={"q": word})
                if any(i["id"] == idea_id for i in found.json()["items"]):
                    times.append(time.perf_counter() - created)
                    return
                await asyncio.sleep(0.02)  # polling the search, not waiting for a worker
            times.append(float("inf"))

        for start in range(0, samples, 10):
            await asyncio.gather(*(one(n) for n in range(start, min(samples, start + 10))))
    return times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ib-bench-"))
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
    tokens = await prepare(f"{args.pg}/postgres", env, args.members)
    _TOKENS.extend(tokens)
    print(f"prepared {len(tokens)} members with tokens")
    import redis

    redis.Redis.from_url(args.redis).flushdb()

    # 1. bare Starlette
    (data / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    log = data / "bare.log"
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
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(2)
    try:
        ok, err, bare_rate = await hammer(
            f"http://127.0.0.1:{port}/api/v1/ideas", args.seconds, args.concurrency, None
        )
    finally:
        bare.terminate()
        bare.wait()
    print(f"bare Starlette JSON POST: {bare_rate:,.0f}/s ({ok} ok, {err} errors)")

    # 2. raw asyncpg
    raw_rate = await raw_asyncpg(f"{args.pg}/{DB}", args.seconds, args.concurrency)
    print(f"raw asyncpg INSERT: {raw_rate:,.0f}/s")

    # 3. the app
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
        [str(BIN / "ideabank"), "worker"],
        env=env,
        cwd=ROOT,
        stdout=(data / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_up(base, server, log)
        ok, err, app_rate = await hammer(
            base + "/api/v1/ideas", args.seconds, args.concurrency, tokens
        )
        print(
            f"POST /api/v1/ideas (app, worker running): {app_rate:,.0f}/s ({ok} ok, {err} errors)"
        )
        print(
            f"ratio app / bare Starlette: {app_rate / bare_rate:.2f}; "
            f"app / raw asyncpg: {app_rate / raw_rate:.2f}"
        )

        load = asyncio.create_task(
            hammer(base + "/api/v1/ideas", 1e9, max(1, args.concurrency // 4), tokens)
        )
        times = await findable(base, tokens, args.samples)
        load.cancel()
        finite = sorted(t for t in times if t != float("inf"))
        lost = len(times) - len(finite)
        if finite:
            p50 = statistics.median(finite)
            p95 = finite[min(len(finite) - 1, int(0.95 * len(finite)))]
            print(
                f"submitted → findable over {len(times)} ideas under background load: "
                f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {finite[-1] * 1000:.0f} ms"
                f", not found in 30 s: {lost}"
            )
    finally:
        for proc in (server, worker):
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    asyncio.run(main())
