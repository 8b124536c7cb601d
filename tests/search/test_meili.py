"""The Meilisearch backend against recorded exchanges (always), and a real server when
MEILI_URL is set."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from search.errors import IndexTaskFailed, SearchUnavailable
from search.meili import MeiliBackend, ancestors, build_filter, quote, to_meili
from search.port import Document, SearchQuery
from tests.search.conftest import doc
from tests.search.replay import Replay

pytestmark = pytest.mark.asyncio
URL = "http://meili.test"


def backend(replay: Replay) -> MeiliBackend:
    return MeiliBackend(URL, "master-key", "t_", transport=replay.transport)


async def test_start_creates_indexes_and_applies_settings() -> None:
    replay = Replay("settings")
    await backend(replay).start()
    assert replay.done()
    assert replay.seen[0].headers["Authorization"] == "Bearer master-key"


async def test_writes_are_batched_documents_with_unit_ancestors() -> None:
    replay = Replay("documents")
    b = backend(replay)
    await b.upsert("ideas", [doc(1, "Đà Nẵng xanh", unit_path="VN/P48/W20200/"), doc(2, "B")])
    await b.delete("ideas", [7, 8])
    assert replay.done()
    import json

    sent = json.loads(replay.seen[0].content)
    assert [d["id"] for d in sent] == [1, 2]
    assert sent[0]["unit_paths"] == ["VN/", "VN/P48/", "VN/P48/W20200/"]
    assert sent[0]["folded"].startswith("da nang xanh")


async def test_search_sends_quoted_filters_and_escapes_highlights() -> None:
    replay = Replay("search")
    b = backend(replay)
    result = await b.search(
        SearchQuery(
            index="ideas",
            text="Đà Nẵng",
            filters={"field": "digital_transformation", "status": ["submitted", "accepted"]},
            unit_path="VN/P48/",
            facets=["field", "status"],
        )
    )
    assert result.total == 1
    hit = result.hits[0]
    assert hit.id == 1
    assert hit.score == pytest.approx(0.9712)
    assert hit.title_html == "Chuyển đổi số ở &lt;<mark>Đà</mark> <mark>Nẵng</mark>&gt;"
    assert hit.snippet_html == "Số hoá thủ tục &amp; hồ sơ ở <mark>Đà</mark> <mark>Nẵng</mark>"
    assert "unit_paths" not in hit.document and "folded" not in hit.document
    assert result.facets == {"field": {"digital_transformation": 1}, "status": {"submitted": 1}}
    # a filter value that tries to smuggle filter syntax stays one quoted string
    hostile = SearchQuery(
        index="ideas",
        sort="top",
        filters={"field": 'x" OR status = "hidden', "contest_ids": [3, 4], "year": 2025},
    )
    empty = await b.search(hostile)
    assert (empty.total, empty.hits) == (0, [])
    assert replay.done()


async def test_errors_become_empty_results_or_unavailable() -> None:
    replay = Replay("errors")
    b = backend(replay)
    missing = await b.search(SearchQuery(index="ideas", text="x"))
    assert missing.total == 0
    with pytest.raises(SearchUnavailable):
        await b.search(SearchQuery(index="ideas", text="x"))  # invalid_search_filter
    with pytest.raises(SearchUnavailable):
        await b.search(SearchQuery(index="ideas", text="x"))  # timeout
    assert await b.health() is False  # connection refused
    assert replay.done()


async def test_task_polling_detects_a_failed_task() -> None:
    replay = Replay("tasks")
    with pytest.raises(IndexTaskFailed):
        await backend(replay).wait(21, timeout_ms=5_000)
    assert replay.done()


async def batches(*docs: list[Document]) -> AsyncIterator[list[Document]]:
    for batch in docs:
        yield batch


async def test_rebuild_fills_a_fresh_index_then_swaps() -> None:
    replay = Replay("rebuild")
    count = await backend(replay).rebuild("ideas", batches([doc(1, "A"), doc(2, "B")]))
    assert count == 2
    assert replay.done()


async def test_filter_helpers() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert ancestors("VN/P01/W00070/") == ["VN/", "VN/P01/", "VN/P01/W00070/"]
    assert ancestors("") == []
    assert build_filter(SearchQuery(index="ideas", filters={"year": "nope"})) == ["year = -1"]
    assert to_meili(doc(3, "Đoàn"))["folded"].startswith("doan")


@pytest.mark.meili_live
@pytest.mark.skipif(not os.environ.get("MEILI_URL"), reason="MEILI_URL not set: no live server")
async def test_against_a_live_server() -> None:
    b = MeiliBackend(os.environ["MEILI_URL"], os.environ.get("MEILI_MASTER_KEY"), "ibtest_")
    try:
        await b.rebuild(
            "ideas",
            batches(
                [
                    doc(1, "Chuyển đổi số ở Đà Nẵng", field="digital_transformation"),
                    doc(2, "Trồng cây xanh", unit_path="VN/P01/W00004/", votes=9),
                ]
            ),
        )
        result = await b.search(SearchQuery(index="ideas", text="da nang", facets=["field"]))
        assert [h.id for h in result.hits] == [1]
        assert "<mark>" in result.hits[0].title_html
        below = await b.search(SearchQuery(index="ideas", unit_path="VN/P01/"))
        assert [h.id for h in below.hits] == [2]
    finally:
        await b.client.delete_index_if_exists("ibtest_ideas")
        await b.close()
