"""Latency of search and filtered lists on PostgreSQL, against raw asyncpg baselines.

    .venv/bin/python -m bench.search_latency \
        --database-url postgres://postgres@127.0.0.1:5432/ib_search_bench --runs 200

Runs each scenario `--runs` times one after the other (a single client: this measures the
query, not the pool) through `search.service.search` on the database backend, exactly as
the API does, and prints p50/p95/p99 in milliseconds plus the ratios to two raw asyncpg
baselines of the same run: `SELECT 1`, and the newest 8,000 rows read whole with their words
tested (`RAW_READ`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg

from core import db
from core.settings import Settings
from search import engine, service
from search.database import DatabaseBackend
from search.port import SearchQuery

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ib_search_bench"

SCENARIOS: dict[str, SearchQuery] = {
    "text, 3 words (chuyen doi so)": SearchQuery(index="ideas", text="chuyen doi so"),
    "text, accented (Trí tuệ nhân tạo)": SearchQuery(index="ideas", text="Trí tuệ nhân tạo"),
    "text, rare (ngap man)": SearchQuery(index="ideas", text="ngap man"),
    "text, very common (thanh nien)": SearchQuery(index="ideas", text="thanh nien"),
    "text + province + facets": SearchQuery(
        index="ideas", text="cay xanh", unit_path="VN/P01/", facets=["field", "status"]
    ),
    "text, sort top": SearchQuery(index="ideas", text="khoi nghiep", sort="top"),
    "list: field + province, newest": SearchQuery(
        index="ideas", filters={"field": "education"}, unit_path="VN/P79/", sort="newest"
    ),
    "list: status, top": SearchQuery(index="ideas", filters={"status": "accepted"}, sort="top"),
    "list: everything, hot, page 50": SearchQuery(index="ideas", sort="hot", offset=980),
}
# What members type and click, as the ideas page asks it (facets field, status, year).
FACETS = ["field", "status", "year"]
WARD = "VN/P79/W25840/"  # a busy ward of the generated data set
USER_SCENARIOS: dict[str, dict[str, object]] = {
    "1 word, common (hoc)": {"text": "hoc"},
    "1 word, being typed (nuo)": {"text": "nuo"},
    "2 words, 3 % of ideas (cuu ho)": {"text": "cuu ho"},
    "1 word, rare (ballad)": {"text": "ballad"},
    "2 words, rare, accented (nghiêm ngặt)": {"text": "nghiêm ngặt"},
    "2 words, no tone marks (ky nang)": {"text": "ky nang"},
    "2 words, accented (Kỹ năng)": {"text": "Kỹ năng"},
    "4 words (hien mau tinh nguyen)": {"text": "hien mau tinh nguyen"},
    "4 words, last being typed (phan loai rac t)": {"text": "phan loai rac t"},
    "text + field + year, newest": {
        "text": "nuoc sach",
        "filters": {"field": "environment", "year": 2024},
        "sort": "newest",
    },
    "text + status, hot": {"text": "thu vien so", "filters": {"status": "accepted"}, "sort": "hot"},
    "text + ward, relevance": {"text": "thanh nien", "unit_path": WARD},
    "text + province, top": {"text": "du lich", "unit_path": "VN/P79/", "sort": "top"},
    "text, relevance, page 10": {"text": "cay xanh", "offset": 180},
    "text, newest, page 50": {"text": "cay xanh", "sort": "newest", "offset": 980},
    "text, top, page 50": {"text": "cay xanh", "sort": "top", "offset": 980},
    "text, hot, page 1": {"text": "khoi nghiep", "sort": "hot"},
    "2 words, 3 % of ideas, + field (cuu ho)": {"text": "cuu ho", "filters": {"field": "health"}},
    "text + status + province (ky nang)": {
        "text": "ky nang",
        "filters": {"status": "submitted"},
        "unit_path": "VN/P01/",
    },
    "text + two fields (thanh nien)": {
        "text": "thanh nien",
        "filters": {"field": ["health", "education"]},
    },
    "1 word, rare, + province (ballad)": {"text": "ballad", "unit_path": "VN/P79/"},
    "list: everything, newest": {"sort": "newest"},
    "list: year + field, top": {"filters": {"year": 2025, "field": "health"}, "sort": "top"},
    "list: ward, newest": {"unit_path": WARD, "sort": "newest"},
    "list: province + status, hot, page 20": {
        "unit_path": "VN/P01/",
        "filters": {"status": "implemented"},
        "sort": "hot",
        "offset": 380,
    },
    "list: everything, top, page 50": {"sort": "top", "offset": 980},
}
SCENARIOS.update(
    {
        name: SearchQuery(index="ideas", facets=FACETS, **shape)  # type: ignore[arg-type]
        for name, shape in USER_SCENARIOS.items()
    }
)


# The raw floor of a common word inside a filter: the newest 8,000 documents read whole in
# index order and their words tested, by hand in one asyncpg statement (about the rows the
# filtered shapes read). It slows down with the machine's load as the scenarios do, so the
# ratio to it says more than milliseconds on these shared cores.
RAW_NAME = "raw: 8,000 newest rows read whole, words tested (asyncpg)"
RAW_READ = (
    "SELECT COUNT(*) FROM (SELECT tsv FROM search_document WHERE index_name = 'ideas' "
    "ORDER BY created_at DESC, doc_id DESC LIMIT 8000) r "
    "WHERE tsv @@ to_tsquery('simple', 'cay & xanh')"
)


# Suggestions while an idea is typed (`search.service.similar`, up to 5 hits).
SIMILAR: dict[str, str] = {
    "similar: common words (hien mau … thanh nien)": "Tổ chức hiến máu tình nguyện cho thanh niên",
    "similar: a word in 1 % (trong cay xanh ven song)": "Trồng cây xanh ven sông",
    "similar: rare words (ballad nghiêm ngặt)": "ballad nghiêm ngặt",
}


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


async def timed(run: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    for _ in range(3):  # warm up
        await run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def bench(url: str, runs: int) -> list[tuple[str, float, float, float, int]]:
    rows: list[tuple[str, float, float, float, int]] = []
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        samples = await timed(lambda: conn.fetchval("SELECT 1"), runs)
        count = await conn.fetchval("SELECT COUNT(*) FROM search_document")
        rows.append(("baseline: asyncpg SELECT 1", *percentiles(samples), int(count)))
        samples = await timed(lambda: conn.fetchval(RAW_READ), runs)
        rows.append((RAW_NAME, *percentiles(samples), int(await conn.fetchval(RAW_READ))))
    finally:
        await conn.close()
    await db.init(Settings(database_url=url, secret_key="bench"))  # noqa: S106 - bench db
    engine.set_backend(DatabaseBackend())
    try:
        for name, query in SCENARIOS.items():
            result = await service.search(query)
            samples = await timed(lambda q=query: service.search(q), runs)  # type: ignore[misc]
            rows.append((name, *percentiles(samples), result.total))
        for name, text in SIMILAR.items():
            found = await service.similar("ideas", text)
            samples = await timed(lambda t=text: service.similar("ideas", t), runs)  # type: ignore[misc]
            rows.append((name, *percentiles(samples), len(found)))
    finally:
        engine.set_backend(None)
        await db.close()
    return rows


def report(rows: list[tuple[str, float, float, float, int]], url: str, runs: int) -> str:
    base, raw = rows[0][2], rows[1][2]
    lines = [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.node()}, "
        f"{platform.machine()}, Python {platform.python_version()}",
        f"- command: `.venv/bin/python -m bench.search_latency --database-url {url} --runs {runs}`",
        f"- documents in the table: {rows[0][4]:,}; load average (1 min) before and after: "
        f"{LOAD[0]:.1f} / {LOAD[-1]:.1f}",
        "",
        "| scenario | p50 ms | p95 ms | p99 ms | p95 / SELECT 1 | p95 / raw read | total hits |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, p50, p95, p99, total in rows:
        lines.append(
            f"| {name} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {p95 / base:.0f}× "
            f"| {p95 / raw:.1f}× | {total:,} |"
        )
    return "\n".join(lines)


LOAD: list[float] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    LOAD.append(os.getloadavg()[0])
    rows = asyncio.run(bench(args.database_url, args.runs))
    LOAD.append(os.getloadavg()[0])
    print(report(rows, args.database_url, args.runs))


if __name__ == "__main__":
    main()
