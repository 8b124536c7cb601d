# ruff: noqa: S106 - a benchmark's throwaway settings
"""Benchmarks that run the app's code in their own process (`bench/quiz_scorer.py`,
`bench/unit_board.py`): their set-up and teardown over the PostgreSQL database and Redis
named by DATABASE_URL and REDIS_URL (`session`), rows copied in bulk (`copy`), and the
synthetic data they share: a tree of national, 34 provinces and wards spread over them,
members spread over the wards (`units_and_members`), and one open quiz contest with one
round (`contest_and_round`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from arq import create_pool
from tortoise import connections

from core import db, queue
from core.settings import Settings
from workers.broker import broker_for

BASE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # when the contest opens
CONTEST_ID = ROUND_ID = 1


def settings_from_env() -> Settings:
    return Settings(
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        meili_url=None,
        secret_key="bench",
        worker_in_process=False,
    )


def dsn(settings: Settings) -> str:
    """The database's address as asyncpg takes it."""
    return settings.database_url.replace("postgres://", "postgresql://", 1)


async def recreate(url: str) -> None:
    """Drop the database named in `url` and create it empty."""
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        name = parts.path.lstrip("/")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@asynccontextmanager
async def session(settings: Settings, *, fresh: bool, flush: bool = False) -> AsyncIterator[Any]:
    """The app's database and queue set up in this process; yields the Redis pool. `fresh`:
    the database is dropped and migrated afresh first; `flush`: Redis's database emptied."""
    if fresh:
        await recreate(settings.database_url)
        await db.migrate(settings)
    await db.init(settings)
    pool = await create_pool(broker_for(settings).arq)
    try:
        if flush:
            await pool.flushdb()
        queue.set_pool(pool)
        yield pool
    finally:
        queue.set_pool(None)
        await pool.aclose()
        await db.close()


async def copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    conn = connections.get("default")
    async with conn.acquire_connection() as raw:
        await raw.copy_records_to_table(table, columns=columns, records=rows)


def ward_path(i: int, wards: int) -> str:
    """The unit path of member `i`'s ward."""
    return f"VN/P{(i % wards) % 34:02d}/W{i % wards:05d}/"


async def units_and_members(members: int, wards: int) -> None:
    """The unit tree and members 1..`members`, member i in ward i % `wards`."""
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
    if not await _has_column("member", "search_name"):  # an older checkout's schema
        columns, rows = columns[:-1], [r[:-1] for r in rows]
    await copy("member", columns, rows)


async def _has_column(table: str, column: str) -> bool:
    rows = await connections.get("default").execute_query_dict(
        "SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
        [table, column],
    )
    return bool(rows)


async def contest_and_round(question_count: int, max_attempts: int) -> None:
    """Contest `CONTEST_ID` (national, open for 7 days from `BASE`) and its round
    `ROUND_ID` over those days (15-minute attempts, the best counts, grace 5 s)."""
    start, end = BASE.isoformat(), (BASE + timedelta(days=7)).isoformat()
    await connections.get("default").execute_script(
        "INSERT INTO contest (id, title, description, kind, status, unit_id, unit_path, opens_at,"
        " closes_at, eligibility_unit_id, eligibility_path, created_by_id, created_at,"
        f" updated_at, published_at) VALUES ({CONTEST_ID}, 'Bench', '', 'quiz', 'open', 1,"
        f" 'VN/', '{start}', '{end}', 1, 'VN/', 1, '{start}', '{start}', '{start}');"
        "INSERT INTO quiz_round (id, contest_id, title, opens_at, closes_at, question_count,"
        " time_limit_s, max_attempts, counting, tags, difficulties, prediction_min,"
        " prediction_max, tie_breakers, explanations_after_close, grace_s, created_at)"
        f" VALUES ({ROUND_ID}, {CONTEST_ID}, 'Bench', '{start}', '{end}', {question_count},"
        f" 900, {max_attempts}, 'best', '[]', '[]', 0, 1000000,"
        ' \'["prediction_error", "duration", "submitted_at"]\', true, 5,'
        f" '{start}');"
    )
