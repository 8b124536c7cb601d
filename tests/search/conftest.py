"""Search test helpers: a tiny in-memory source of "notes" and sample documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from search import sources
from search.port import Document

TOPIC = "note"
INDEX = "notes"


class FakeSource:
    """Documents kept in a dict; `public` False means "must not be in the index"."""

    def __init__(self) -> None:
        self.rows: dict[int, Document] = {}
        self.public: dict[int, bool] = {}
        self.loads = 0

    def put(self, doc: Document, *, public: bool = True) -> None:
        self.rows[int(doc["id"])] = doc
        self.public[int(doc["id"])] = public

    def remove(self, doc_id: int) -> None:
        self.rows.pop(doc_id, None)
        self.public.pop(doc_id, None)

    async def load(self, ids: list[int]) -> dict[int, Document | None]:
        self.loads += 1
        return {i: (self.rows[i] if self.public.get(i) else None) for i in ids}

    async def all_ids(self) -> AsyncIterator[list[int]]:
        ids = sorted(i for i, ok in self.public.items() if ok)
        for start in range(0, len(ids), 3):
            yield ids[start : start + 3]


@pytest.fixture
def fake_source() -> Iterator[FakeSource]:
    source = FakeSource()
    sources.register_source(TOPIC, INDEX, source.load, source.all_ids)
    yield source
    sources.unregister_source(TOPIC)


def doc(doc_id: int, title: str, **extra: Any) -> Document:
    """A realistic document; `extra` overrides any key."""
    base: Document = {
        "id": doc_id,
        "title": title,
        "summary": extra.pop("summary", f"Tóm tắt của ý tưởng {doc_id}"),
        "body": extra.pop("body", "Nội dung chi tiết của ý tưởng."),
        "tags": extra.pop("tags", []),
        "field": extra.pop("field", "education"),
        "status": extra.pop("status", "submitted"),
        "unit_path": extra.pop("unit_path", "VN/P01/W00070/"),
        "year": extra.pop("year", 2026),
        "created_at": extra.pop("created_at", 1_780_000_000 + doc_id),
        "votes": extra.pop("votes", 0),
        "hot": extra.pop("hot", 0.0),
        "author_name": extra.pop("author_name", "Nguyễn Văn An"),
    }
    base.update(extra)
    return base


@pytest.fixture
def search_db(app: Any, database: None) -> None:
    """Empty tables, with the app (and so the search backend) started."""
