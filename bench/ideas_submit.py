# ruff: noqa: ASYNC110, ASYNC220, ASYNC221, ASYNC251 - a benchmark driver: blocking set-up steps are fine here
"""Idea submissions per second over HTTP on PostgreSQL, and submitted → findable p95.

In the same run, on the same machine, with the same load generator (`wrk`, C, Lua script):
  1. a bare Starlette JSON endpoint, 2 uvicorn processes (the ceiling of the web stack);
  2. raw asyncpg: one INSERT of an idea-sized row per request, one commit each, from
     `--concurrency` connections (the ceiling of one-commit-per-request);
  3. `POST /api/v1/ideas` on the real app: uvicorn (`--workers` processes) on PostgreSQL and
     Redis, `ideabank worker` draining the outbox into the database search backend. Each
     request comes from the next of `--members` members (bearer tokens spread by the Lua
     script; the per-member limit of 30 submissions a minute is a product rule the load must
     not trip over) and carries a realistic Vietnamese idea;
  4. during step 3, every `--probe-every` seconds one more idea with a unique word is
     submitted and `GET /api/v1/search?q=<word>&type=ideas` is polled until it finds it:
     submitted → findable p50/p95 under the load;
  5. step 3 again with the worker stopped, then the worker alone indexing what was written:
     the submission path's own cost and the indexing cost, apart.
Step 1b is the app's floor for this request: the same POST with a body that fails
validation (422), so middleware, token → principal, rate limit and parsing, but no write.
Every step also reports the CPU time per request of the web processes, the worker and the
PostgreSQL backends (bench/cpu.py): unlike rates, that does not depend on what else runs.

    .venv/bin/python -m bench.ideas_submit --seconds 15 --connections 64

Needs PostgreSQL (`--pg`, default postgres://postgres@127.0.0.1:5432) and Redis (`--redis`,
default redis://127.0.0.1:6379/11; the database is flushed). Creates the database
`ib_bench_ideas` afresh. wrk runs on the same two cores as the servers: absolute numbers
are a floor, the ratios to the baselines of the same run are what to compare.
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
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cpu import CpuMeter, cpu_line
from bench.findable import percentile, probe_findable
from bench.load_driver import free_port, wait_up
from bench.search_dataset import ACTIONS, FIELDS, FILLER, TOPICS
from bench.wrk import WrkResult, run_wrk

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

LUA = Path(__file__).with_suffix(".lua")


def idea_body(rng: random.Random, word: str = "") -> dict[str, Any]:
    """A realistic Vietnamese idea (phrases of bench/search_dataset.py)."""
    topic = rng.choice(TOPICS)
    title = " ".join([rng.choice(ACTIONS), topic, rng.choice(FILLER), word]).strip()
    summary = " ".join([rng.choice(FILLER) for _ in range(3)] + [rng.choice(TOPICS)])
    paragraphs = [
        ". ".join(rng.choice(FILLER if j % 3 else TOPICS) for j in range(6)).capitalize() + "."
        for _ in range(3)
    ]
    return {
        "title": title[:1].upper() + title[1:],
        "summary": summary.capitalize() + ".",
        "body": f"## Vấn đề\n\n{paragraphs[0]}\n\n## Giải pháp\n\n- **{topic}**: "
        f"{paragraphs[1]}\n- {paragraphs[2]}",
        "field": rng.choice(FIELDS),
        "tags": rng.sample(TOPICS, 2),
        "status": "submitted",
    }


async def raw_asyncpg(
    dsn: str, seconds: float, concurrency: int, bodies: list[str]
) -> tuple[float, dict[str, float]]:
    """INSERTs of idea-sized rows, one commit each, from `concurrency` connections; the rate
    and the CPU per insert (this client process, and the PostgreSQL backends)."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=concurrency,
        max_size=concurrency,
        server_settings={"application_name": "raw"},
    )
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, title TEXT, "
        "summary TEXT, body TEXT, tags JSONB, created_at TIMESTAMPTZ DEFAULT now())"
    )
    parsed = [json.loads(b) for b in bodies]
    count = 0
    stop = time.perf_counter() + seconds

    async def one(n: int) -> None:
        nonlocal count
        async with pool.acquire() as conn:
            statement = await conn.prepare(
                "INSERT INTO bench_raw (title, summary, body, tags) VALUES ($1, $2, $3, $4)"
            )
            i = n
            while time.perf_counter() < stop:
                b = parsed[i % len(parsed)]
                await statement.fetch(b["title"], b["summary"], b["body"], json.dumps(b["tags"]))
                count += 1
                i += concurrency

    meter = CpuMeter({"client": [os.getpid()]}, dsn=dsn)
    await meter.start()
    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(concurrency)))
    took = time.perf_counter() - started
    await meter.stop()
    await pool.close()
    return count / took, meter.per_request_ms(count)


async def prepare(dsn_admin: str, env: dict[str, str], members: int) -> list[str]:
    conn = await asyncpg.connect(dsn_admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{DB}"')
    await conn.close()
    ideabank = str(BIN / "ideabank")
    subprocess.run([ideabank, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([ideabank, "load-units"], env=env, cwd=ROOT, check=True, capture_output=True)
    # Members (spread over the wards of a few provinces) and their tokens, made through the
    # product's own code in one process.
    code = f"""
import asyncio, secrets
from core import clock, db
from core.settings import Settings
from accounts.tokens import API_TOKEN_TTL, digest
from accounts.models import ApiToken, Member, Unit, UnitLevel
async def main():
    s = Settings()
    await db.init(s)
    wards = await Unit.filter(level=UnitLevel.WARD).order_by("id").limit(300)
    rows = [Member(email=f"bench{{i}}@example.vn", password_hash="x",
                   display_name=f"Đoàn viên {{i}}", unit_id=wards[i % len(wards)].id,
                   birth_year=2001) for i in range({members})]
    await Member.bulk_create(rows, batch_size=1000)
    ids = [m.id for m in await Member.filter(email__startswith="bench").order_by("id")]
    # tokens as accounts.tokens.issue_api_token makes them, written in bulk
    now = clock.now()
    tokens = ["ib_" + secrets.token_urlsafe(32) for _ in ids]
    await ApiToken.bulk_create([ApiToken(token_hash=digest(t), member_id=i, created_at=now,
                                         expires_at=now + API_TOKEN_TTL)
                                for t, i in zip(tokens, ids)], batch_size=1000)
    print("\\n".join(tokens))
    await db.close()
asyncio.run(main())
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return [line for line in out.stdout.decode().split() if line]


def uvicorn(app: str, port: int, workers: int) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        app,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


async def submit_wrk(
    data: Path, url: str, args: argparse.Namespace, tokens: bool, bodies: str = "bodies.jsonl"
) -> WrkResult:
    """wrk with bench/ideas_submit.lua: bodies and (with `tokens`) members' tokens from `data`."""
    files = {
        "IB_TOKENS": str(data / ("tokens.txt" if tokens else "no-tokens.txt")),
        "IB_BODIES": str(data / bodies),
        "IB_EXPECT": "422" if bodies == "invalid.jsonl" else "0",
    }
    return await run_wrk(LUA, url, args.seconds, args.threads, args.connections, files)


def app_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        uvicorn("web.asgi:app", port, workers),
        env={**env, "DATABASE_URL": env["DATABASE_URL"] + "&application_name=web"},
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def busy_processes() -> str:
    """What else was using the CPU (other engineers' tests), for the report."""
    out = subprocess.run(
        ["ps", "-eo", "pcpu,args", "--sort=-pcpu", "--no-headers"], capture_output=True, text=True
    ).stdout.splitlines()
    rows = [" ".join(line.split())[:60] for line in out if " ps " not in line + " "]
    return "; ".join(rows[:6])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    # More members than requests in a run: every request is a member the process has not
    # seen lately (no cached principal), as when many members each submit one idea.
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--probe-every", type=float, default=0.5)
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the app running (profiling)")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="ib-bench-"))
    dsn = f"{args.pg}/{DB}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{dsn}?maxsize=20",
        "REDIS_URL": args.redis,
        "DATA_DIR": str(data),
        "SECRET_KEY": "bench-secret",
        "MEILI_URL": "",
        "WORKER_IN_PROCESS": "false",
    }
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; {load_line()}")
    print(f"busiest processes: {busy_processes()}")
    tokens = await prepare(f"{args.pg}/postgres", env, args.members)
    # wrk's members and the probe's members are distinct, so neither trips the other's limit.
    probe_tokens, load_tokens = tokens[:200], tokens[200:]
    print(f"prepared {len(tokens)} members with tokens")
    rng = random.Random(2026)
    bodies = [json.dumps(idea_body(rng, "@@N@@"), ensure_ascii=False) for _ in range(5000)]
    (data / "bodies.jsonl").write_text("\n".join(bodies) + "\n")
    invalid = [b.replace('"field": "', '"field": "astrology-', 1) for b in bodies]
    (data / "invalid.jsonl").write_text("\n".join(invalid) + "\n")
    (data / "tokens.txt").write_text("\n".join(load_tokens) + "\n")
    (data / "no-tokens.txt").write_text("")
    (data / "bare_app.py").write_text(BARE_APP)
    print(f"wrk: {args.threads} threads, {args.connections} connections, {args.seconds:.0f} s")

    bare_rate = raw_rate = 0.0
    if not args.skip_baselines:
        # 1. bare Starlette
        port = free_port()
        log = data / "bare.log"
        bare = subprocess.Popen(
            uvicorn("bare_app:app", port, args.workers),
            cwd=data,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        time.sleep(2)
        try:
            url = f"http://127.0.0.1:{port}/api/v1/ideas"
            meter = CpuMeter({"web": [bare.pid]})
            await meter.start()
            bare_result = await submit_wrk(data, url, args, tokens=False)
            await meter.stop()
        finally:
            bare.terminate()
            bare.wait()
        bare_rate = bare_result.rate
        print(f"1. bare Starlette JSON POST ({args.workers} processes): {bare_result.line()}")
        print(f"   {cpu_line(meter.per_request_ms(bare_result.ok))}")

        # 2. raw asyncpg
        raw_rate, raw_cpu = await raw_asyncpg(dsn, args.seconds, args.connections, bodies)
        print(
            f"2. raw asyncpg INSERT, one commit each ({args.connections} conns): {raw_rate:,.0f}/s"
        )
        print(f"   {cpu_line(raw_cpu)}")

    # 1b. the app's floor for this request: the same POST with a body that fails validation
    # (an unknown field → 422): middleware, token → principal, rate limit, parsing; no write.
    floor_rate = 0.0
    if not args.skip_baselines:
        port = free_port()
        server = app_server(env, port, args.workers, data / "floor.log")
        try:
            wait_up(f"http://127.0.0.1:{port}", server, data / "floor.log")
            meter = CpuMeter({"web": [server.pid]}, dsn=dsn)
            await meter.start()
            url = f"http://127.0.0.1:{port}/api/v1/ideas"
            floor = await submit_wrk(data, url, args, tokens=True, bodies="invalid.jsonl")
            await meter.stop()
        finally:
            server.terminate()
            server.wait()
        floor_rate = floor.answered(422)
        print(f"1b. POST /api/v1/ideas refused by validation (422), same tokens: {floor.line()}")
        print(f"   {cpu_line(meter.per_request_ms(floor.statuses.get(422, 0)))}")

    # 3. the app, with the worker draining; 4. findable while it runs
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = data / "server.log"
    server = app_server(env, port, args.workers, log)
    worker = worker_process(env, data / "worker.log")
    try:
        wait_up(base, server, log)
        print(f"   {load_line()} before the app run")
        meter = CpuMeter({"web": [server.pid], "worker": [worker.pid]}, dsn=dsn)
        await meter.start()
        probe = asyncio.create_task(
            probe_findable(
                base,
                probe_tokens,
                time.perf_counter() + args.seconds - 1,
                args.probe_every,
                lambda word: idea_body(rng, word),
            )
        )
        app_result = await submit_wrk(data, base + "/api/v1/ideas", args, tokens=True)
        found = await probe
        await wait_drained(dsn, 30)
        await meter.stop()
        done = app_result.ok + len(found.times)
        print(
            f"3. POST /api/v1/ideas (app, {args.workers} processes, worker on): {app_result.line()}"
        )
        print(f"   {cpu_line(meter.per_request_ms(done))} (worker: until the outbox was drained)")
        if bare_rate and raw_rate:
            print(
                f"   ratio app / bare Starlette: {app_result.rate / bare_rate:.2f}; "
                f"app / raw asyncpg: {app_result.rate / raw_rate:.2f}; "
                f"app / the 422 floor: {app_result.rate / floor_rate:.2f}"
            )
        if found.times:
            print(
                f"4. submitted → findable ({len(found.times)} probes during step 3): "
                f"p50 {statistics.median(found.times) * 1000:.0f} ms, "
                f"p95 {percentile(found.times, 0.95) * 1000:.0f} ms, "
                f"max {max(found.times) * 1000:.0f} ms; not found within 30 s: {found.lost}; "
                f"probe submissions refused: {found.failed_posts}"
            )
        stored = await count_stored(dsn)
        print(f"   ideas stored: {stored['ideas']}, outbox rows still pending: {stored['pending']}")
        print(f"   {load_line()} after the app run")
        if args.keep:
            print(f"app left running at {base} (Ctrl-C to stop); data in {data}")
            await asyncio.sleep(1e9)
        if not args.skip_baselines:
            server, worker = await submissions_alone(env, data, dsn, args, server, worker)
    finally:
        for proc in (server, worker):
            proc.terminate()
            proc.wait()


async def submissions_alone(
    env: dict[str, str],
    data: Path,
    dsn: str,
    args: argparse.Namespace,
    server: subprocess.Popen[bytes],
    worker: subprocess.Popen[bytes],
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    """5. The same load with the worker stopped (fresh web processes: no cached principal),
    then the worker started alone to index what was written: the submission path's own
    cost, and the indexing cost, each on the whole machine."""
    for proc in (server, worker):
        proc.terminate()
        proc.wait()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = app_server(env, port, args.workers, data / "server-alone.log")
    wait_up(base, server, data / "server-alone.log")
    meter = CpuMeter({"web": [server.pid]}, dsn=dsn)
    await meter.start()
    alone = await submit_wrk(data, base + "/api/v1/ideas", args, tokens=True)
    await meter.stop()
    print(f"5. POST /api/v1/ideas with the worker stopped: {alone.line()}")
    print(f"   {cpu_line(meter.per_request_ms(alone.ok))}")
    pending = (await count_stored(dsn))["pending"]
    worker = worker_process(env, data / "worker-alone.log")
    meter = CpuMeter({"worker": [worker.pid]}, dsn=dsn)
    await meter.start()
    started = time.perf_counter()
    await wait_drained(dsn, 120)
    took = time.perf_counter() - started
    await meter.stop()
    rate = pending / took
    print(f"   then the worker alone indexed {pending} ideas in {took:.1f} s ({rate:,.0f}/s)")
    print(f"   {cpu_line(meter.per_request_ms(pending))} (worker start-up included)")
    return server, worker


def worker_process(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BIN / "ideabank"), "worker"],
        env={**env, "DATABASE_URL": env["DATABASE_URL"] + "&application_name=worker"},
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def wait_drained(dsn: str, seconds: float) -> None:
    """Until the worker has handled every outbox row (its CPU belongs to the submissions)."""
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop and (await count_stored(dsn))["pending"]:
        await asyncio.sleep(0.2)  # polling another process's progress


async def count_stored(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        ideas = await conn.fetchval("SELECT count(*) FROM idea")
        pending = await conn.fetchval("SELECT count(*) FROM outbox_event WHERE done_at IS NULL")
    finally:
        await conn.close()
    return {"ideas": int(ideas), "pending": int(pending)}


if __name__ == "__main__":
    asyncio.run(main())
