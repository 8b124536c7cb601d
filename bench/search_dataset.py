"""Build a large, realistic Vietnamese search index on PostgreSQL for `search_latency.py`.

    .venv/bin/python -m bench.search_dataset --count 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/ib_search_bench

Creates the database afresh, applies the migrations, then streams idea documents into
`search_document` with COPY (the indexes are dropped during the load and built again
after it, which is several times faster than maintaining them row by row), printing
progress.

Text: a built-in list of phrases about youth-union ideas (actions, ~40 topics, filler
phrases: these stay common, as they are in real ideas, so the worst case is still measured),
the real names of the 3,321 wards and 34 provinces (vietnam-provinces), and words drawn
from underthesea's Viet74K word list with a Zipf law (a few words common, most rare), so a
title is no longer one of ~40 topics. The word list is read from the installed
`underthesea` package, or from its wheel or the text file given with `--words` (the wheel
alone is enough: `pip download underthesea==9.5.0 --no-deps -d /tmp/uts`).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import time
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tqdm import tqdm
from vietnam_provinces import Province, Ward

from core import db
from core.settings import Settings
from search.database import UPSERT_FIELDS
from search.text import fold

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ib_search_bench"
FIELDS = [
    "digital_transformation",
    "education",
    "environment",
    "health",
    "agriculture",
    "culture",
    "economy",
    "public_administration",
    "science_technology",
    "other",
]
STATUSES = ["submitted"] * 5 + ["under_review"] * 2 + ["accepted", "rejected", "implemented"]
ACTIONS = [
    "Xây dựng",
    "Phát triển",
    "Ứng dụng",
    "Tổ chức",
    "Thành lập",
    "Nâng cao",
    "Đổi mới",
    "Số hoá",
    "Hỗ trợ",
    "Kết nối",
    "Tuyên truyền",
    "Khuyến khích",
    "Cải thiện",
    "Mở rộng",
    "Triển khai",
    "Thí điểm",
    "Vận động",
    "Chia sẻ",
]
TOPICS = [
    "chuyển đổi số",
    "thư viện số",
    "cây xanh",
    "nước sạch",
    "an toàn giao thông",
    "khởi nghiệp",
    "nông sản sạch",
    "du lịch cộng đồng",
    "sân chơi thiếu nhi",
    "kỹ năng sống",
    "hiến máu tình nguyện",
    "rác thải nhựa",
    "năng lượng mặt trời",
    "thủ tục hành chính",
    "văn hoá đọc",
    "bảo tồn di sản",
    "chợ nông sản trực tuyến",
    "học bổng",
    "tư vấn hướng nghiệp",
    "phòng chống đuối nước",
    "sức khoẻ tâm thần",
    "bình dân học vụ số",
    "ví điện tử",
    "mã QR",
    "trí tuệ nhân tạo",
    "dữ liệu mở",
    "chăm sóc người cao tuổi",
    "câu lạc bộ tiếng Anh",
    "thể thao học đường",
    "phân loại rác tại nguồn",
    "tái chế",
    "trồng rừng ngập mặn",
    "nhà nhân ái",
    "bếp ăn bán trú",
    "điểm wifi miễn phí",
    "camera an ninh",
    "hệ thống tưới tiết kiệm",
    "giống lúa chịu mặn",
    "hợp tác xã kiểu mới",
]
FILLER = [
    "cho thanh niên",
    "tại địa phương",
    "trong cộng đồng",
    "của đoàn viên",
    "với sự tham gia của",
    "nhằm nâng cao",
    "giúp người dân",
    "ở khu dân cư",
    "trên địa bàn",
    "theo mô hình",
    "hướng tới",
    "góp phần",
    "một cách hiệu quả",
    "với chi phí thấp",
    "dựa trên",
    "kết hợp với",
    "tiết kiệm thời gian",
    "minh bạch",
    "bền vững",
    "sáng tạo",
    "thiết thực",
    "hằng tuần",
    "mỗi tháng",
    "các trường học",
    "học sinh sinh viên",
    "hộ gia đình",
    "doanh nghiệp nhỏ",
    "chính quyền",
    "công an xã",
    "trạm y tế",
]


WORDS_MEMBER = "underthesea/corpus/data/Viet74K.txt"
ZIPF_OFFSET = 20  # the n-th most common word is drawn with weight 1 / (n + ZIPF_OFFSET)


def _word_list_text(path: str | None) -> str:
    if path is None:
        try:
            return (resources.files("underthesea") / "corpus/data/Viet74K.txt").read_text("utf-8")
        except ModuleNotFoundError as exc:
            raise SystemExit(
                "underthesea is not installed: pass --words <underthesea wheel or Viet74K.txt>"
            ) from exc
    if path.endswith((".whl", ".zip")):
        with zipfile.ZipFile(path) as wheel:
            return wheel.read(WORDS_MEMBER).decode("utf-8")
    return Path(path).read_text("utf-8")


def vocabulary(path: str | None, seed: int = 11) -> tuple[list[str], list[float]]:
    """Common words and phrases (lower case, 1-3 syllables) in a random frequency order,
    with cumulative Zipf weights for `random.choices`."""
    entries = sorted(
        {
            line.strip()
            for line in _word_list_text(path).splitlines()
            if line.strip()
            and line == line.lower()
            and "," not in line
            and "-" not in line
            and len(line.split()) <= 3
        }
    )
    random.Random(seed).shuffle(entries)
    weights = itertools.accumulate(1 / (n + ZIPF_OFFSET) for n in range(len(entries)))
    return entries, list(weights)


def _units() -> list[tuple[str, str]]:
    names = {int(p.code): p.name for p in Province.iter_all()}
    out = []
    for w in Ward.iter_all():
        path = f"VN/P{int(w.province_code):02d}/W{int(w.code):05d}/"
        out.append((path, f"{w.name}, {names.get(int(w.province_code), '')}"))
    return out


def _unit_weights(units: list[tuple[str, str]], seed: int = 13) -> list[float]:
    """Cumulative weights: busy wards (1 / (n + 50), in a random order) hold more ideas,
    none more than about 0.5 % of them."""
    order = list(range(len(units)))
    random.Random(seed).shuffle(order)
    weights = [0.0] * len(units)
    for n, i in enumerate(order):
        weights[i] = 1 / (n + 50)
    return list(itertools.accumulate(weights))


def documents(
    count: int, vocab: tuple[list[str], list[float]], seed: int = 7
) -> Iterator[tuple[object, ...]]:
    """COPY records for `search_document` (the tsv column is generated by PostgreSQL)."""
    rng = random.Random(seed)
    units = _units()
    unit_weights = _unit_weights(units)
    entries, cumulative = vocab

    def some(k: int) -> list[str]:
        return rng.choices(entries, cum_weights=cumulative, k=k)

    folded: dict[str, str] = {}

    def f(text: str) -> str:
        if text not in folded:
            folded[text] = " ".join(fold(text).split())
        return folded[text]

    start = 1_700_000_000
    for i in range(1, count + 1):
        path, unit_name = rng.choices(units, cum_weights=unit_weights)[0]
        ward = unit_name.split(",")[0]
        # a title: an action, a topic (a known one or 1-2 drawn words), filler, the ward
        topic = rng.choice(TOPICS) if rng.random() < 0.4 else " ".join(some(rng.randint(1, 2)))
        title_parts = [rng.choice(ACTIONS), topic, rng.choice(FILLER), ward]
        summary_parts = [rng.choice(FILLER), *some(2), rng.choice(FILLER), rng.choice(TOPICS)]
        body_parts = [
            rng.choice(FILLER) if j % 3 == 1 else rng.choice(TOPICS) if j % 4 == 0 else some(1)[0]
            for j in range(14)
        ]
        tags = [rng.choice(TOPICS), *some(1)]
        title = " ".join(title_parts).capitalize()
        summary = " ".join(summary_parts).capitalize() + "."
        body = ". ".join(body_parts).capitalize() + "."
        created = start + i * 30 + rng.randrange(30)
        votes = int(rng.paretovariate(1.5)) - 1
        field = rng.choice(FIELDS)
        status = rng.choice(STATUSES)
        year = 2023 + (created - start) * 3 // (count * 30 + 1)
        doc = {
            "id": i,
            "title": title,
            "summary": summary,
            "body": body,
            "tags": tags,
            "field": field,
            "status": status,
            "unit_path": path,
            "year": year,
            "created_at": created,
            "votes": votes,
            "hot": round(votes / (1 + i % 97), 3),
            "author_name": f"Đoàn viên {i % 50_000}",
            "unit_name": unit_name,
        }
        fold_title = " ".join(f(p) for p in title_parts)
        fold_text = " ".join(
            [*(f(p) for p in summary_parts), *(f(p) for p in body_parts), *(f(t) for t in tags)]
        )
        yield (
            "ideas",
            i,
            json.dumps(doc, ensure_ascii=False),
            fold_title,
            fold_text,
            field,
            status,
            "",
            path,
            year,
            created,
            votes,
            doc["hot"],
            "",
        )


COLUMNS = ["index_name", "doc_id", *UPSERT_FIELDS]


async def recreate(url: str) -> None:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await db.migrate(Settings(database_url=url, secret_key="bench"))  # noqa: S106 - a throwaway bench database


async def load(url: str, count: int, words: str | None, chunk: int = 20_000) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        # the indexes as the migrations made them (but the primary key and the unique
        # constraint), dropped during the load and built again after it
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document' "
            "AND indexname NOT LIKE 'uid%' AND indexname NOT LIKE '%pkey'"
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        rows = documents(count, vocabulary(words))
        with tqdm(total=count, unit="doc", desc="COPY") as bar:
            while True:
                batch = [r for _, r in zip(range(chunk), rows, strict=False)]
                if not batch:
                    break
                await conn.copy_records_to_table("search_document", records=batch, columns=COLUMNS)
                bar.update(len(batch))
        started = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '512MB'")
        for index in indexes:
            await conn.execute(index["indexdef"])
        await conn.execute("VACUUM ANALYZE search_document")
        took = time.perf_counter() - started
        print(f"{len(indexes)} indexes built, table vacuumed and analysed in {took:.0f} s")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--words", help="underthesea wheel or Viet74K.txt (default: installed)")
    args = parser.parse_args()
    started = time.perf_counter()
    asyncio.run(recreate(args.database_url))
    asyncio.run(load(args.database_url, args.count, args.words))
    print(f"{args.count} documents in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
