"""CSV export of 250,000 ideas: time, and memory held while streaming.

Builds a throwaway PostgreSQL database (migrations, then COPY of `--count` ideas of one
province), then streams the organiser's export (`ideas.export.rows`, the code path of
`GET /api/v1/ideas/export.csv` without words) to a sink that only counts bytes:
- timed, without tracing; and again with `tracemalloc`, for the peak of Python memory held
  at any moment (the whole CSV is the size a load-everything export would hold at least);
- raw baseline in the same run: PostgreSQL's own `COPY (SELECT … ORDER BY …) TO STDOUT
  CSV` of the same columns through asyncpg.

Usage:
    .venv/bin/python -m bench.ideas_export --count 250000 \\
        --database-url postgres://postgres@127.0.0.1:5432/ib_export_bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from tortoise import Tortoise

from accounts.models import RoleName
from accounts.permissions import Grant, Principal
from bench.search_dataset import recreate
from core import db
from core.settings import Settings
from ideas.export import ExportFilter, rows
from search.port import Sort

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ib_export_bench"
FIELDS = ["digital_transformation", "education", "environment", "health", "culture"]
WORDS = [
    "chuyển",
    "đổi",
    "số",
    "thanh",
    "niên",
    "tình",
    "nguyện",
    "môi",
    "trường",
    "xanh",
    "sạch",
    "đẹp",
    "khởi",
    "nghiệp",
    "sáng",
    "tạo",
    "nông",
    "thôn",
    "mới",
    "học",
    "tập",
    "suốt",
    "đời",
    "an",
    "toàn",
    "giao",
    "thông",
    "văn",
    "hoá",
    "đọc",
    "sức",
    "khoẻ",
    "cộng",
    "đồng",
]
RAW_SQL = (
    "SELECT i.id, i.title, i.summary, i.field, i.status, i.tags, i.votes, i.comments, "
    "m.display_name, u.name, i.created_at, i.official_answer FROM idea i "
    "JOIN member m ON m.id = i.author_id JOIN unit u ON u.id = i.unit_id "
    "ORDER BY i.created_at DESC, i.id DESC"
)


def _pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def ideas(count: int, unit_id: int, author_id: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    rnd = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(count):
        title = " ".join(rnd.choices(WORDS, k=8)).capitalize()
        summary = " ".join(rnd.choices(WORDS, k=30)).capitalize() + "."
        at = start + timedelta(seconds=n * 97)
        yield (
            title,
            summary,
            " ".join(rnd.choices(WORDS, k=120)),
            rnd.choice(FIELDS),
            json.dumps(rnd.sample(WORDS, 2), ensure_ascii=False),
            "submitted",
            author_id,
            unit_id,
            "VN/P01/W00070/",
            rnd.randint(0, 500),
            rnd.randint(0, 40),
            "",
            at,
            at,
            at,
        )


async def build(url: str, count: int) -> None:
    await recreate(url)
    conn = await asyncpg.connect(_pg(url))
    try:
        vn = await conn.fetchval(
            "INSERT INTO unit (name, code, level, division_type, path) "
            "VALUES ('Trung ương Đoàn', 'VN', 'national', '', 'VN/') RETURNING id"
        )
        p01 = await conn.fetchval(
            "INSERT INTO unit (name, code, level, division_type, parent_id, path) "
            "VALUES ('Thành phố Hà Nội', 'P01', 'province', '', $1, 'VN/P01/') RETURNING id",
            vn,
        )
        ward = await conn.fetchval(
            "INSERT INTO unit (name, code, level, division_type, parent_id, path) VALUES "
            "('Phường Hoàn Kiếm', 'W00070', 'ward', '', $1, 'VN/P01/W00070/') RETURNING id",
            p01,
        )
        author = await conn.fetchval(
            "INSERT INTO member (email, password_hash, display_name, unit_id, birth_year, "
            "is_active, created_at, search_name) VALUES ('a@bench.vn', 'x', 'Nguyễn Văn An', "
            "$1, 2000, true, now(), ' nguyen van an') RETURNING id",
            ward,
        )
        columns = [
            "title",
            "summary",
            "body",
            "field",
            "tags",
            "status",
            "author_id",
            "unit_id",
            "unit_path",
            "votes",
            "comments",
            "official_answer",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        source = ideas(count, ward, author)
        started = time.perf_counter()
        while batch := [r for _, r in zip(range(20_000), source, strict=False)]:
            await conn.copy_records_to_table("idea", records=batch, columns=columns)
        await conn.execute("VACUUM ANALYZE idea")
        print(f"COPY of {count:,} ideas: {time.perf_counter() - started:.1f} s")
    finally:
        await conn.close()


class Sink:
    def __init__(self) -> None:
        self.bytes = 0

    async def take(self, chunks: AsyncIterator[str]) -> None:
        async for chunk in chunks:
            self.bytes += len(chunk.encode("utf-8"))


def organiser() -> Principal:
    grant = Grant(role=RoleName.ORGANIZER, unit_id=2, unit_path="VN/P01/")
    return Principal(1, "Bench", 2, "VN/P01/", 1990, grants=(grant,))


async def export(sort: Sort, *, trace: bool) -> tuple[float, int, int]:
    """(seconds, bytes written, peak traced bytes) of one whole export."""
    sink = Sink()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    await sink.take(rows(organiser(), ExportFilter(sort=sort)))
    seconds = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, sink.bytes, peak


async def raw(url: str) -> tuple[float, int]:
    conn = await asyncpg.connect(_pg(url))
    size = 0

    async def count(data: bytes) -> None:
        nonlocal size
        size += len(data)

    try:
        started = time.perf_counter()
        await conn.copy_from_query(RAW_SQL, output=count, format="csv", header=True)
        return time.perf_counter() - started, size
    finally:
        await conn.close()


TOP_INDEX = "idea (votes, created_at, id)"  # ideas/migrations/0003_idea_top_order.py


async def without_top_index(url: str, count: int, raw_s: float) -> None:
    """The top sort once more with the index of migration 0003 dropped (the "before"), then
    the index put back."""
    conn = await asyncpg.connect(_pg(url))
    try:
        name = await conn.fetchval(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'idea' "
            "AND indexdef LIKE '%(votes, created_at, id)'"
        )
        await conn.execute(f'DROP INDEX "{name}"')
        try:
            seconds, _, _ = await export("top", trace=False)
        finally:
            await conn.execute(f'CREATE INDEX "{name}" ON {TOP_INDEX}')
    finally:
        await conn.close()
    print(
        f"export sort=top WITHOUT the index on {TOP_INDEX}: {seconds:.2f} s "
        f"({count / seconds:,.0f} rows/s); time / raw = {seconds / raw_s:.1f}×"
    )


async def main_async(url: str, count: int, skip_build: bool, unindexed: bool) -> None:
    if not skip_build:
        await build(url, count)
    settings = Settings(database_url=url, secret_key="bench")  # noqa: S106 - throwaway database
    await Tortoise.init(config=db.tortoise_config(settings))
    try:
        raw_s, raw_bytes = await raw(url)
        print(
            f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.node()}, "
            f"{platform.machine()}, Python {platform.python_version()}"
        )
        print(f"ideas: {count:,}")
        print(f"raw COPY … TO STDOUT CSV: {raw_s:.2f} s, {raw_bytes / 2**20:.1f} MiB")
        for sort in ("newest", "top"):
            seconds, size, _ = await export(sort, trace=False)
            _, _, peak = await export(sort, trace=True)
            print(
                f"export sort={sort}: {seconds:.2f} s ({count / seconds:,.0f} rows/s), "
                f"{size / 2**20:.1f} MiB written, peak Python memory {peak / 2**20:.1f} MiB "
                f"({peak / size:.1%} of the file); time / raw = {seconds / raw_s:.1f}×"
            )
        if unindexed:
            await without_top_index(url, count, raw_s)
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=250_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--skip-build", action="store_true", help="reuse the database")
    parser.add_argument(
        "--without-index", action="store_true", help="also time top without its index (slow)"
    )
    args = parser.parse_args()
    asyncio.run(main_async(args.database_url, args.count, args.skip_build, args.without_index))


if __name__ == "__main__":
    main()
