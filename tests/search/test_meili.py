"""The Meilisearch backend against recorded exchanges (always), and a real server when
MEILI_URL is set."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import AsyncIterator

import pytest

from search import meili
from search.errors import IndexTaskFailed, SearchUnavailable
from search.meili import (
    MeiliBackend,
    ancestors,
    build_filter,
    folded_copy,
    marked_original,
    quote,
    to_meili,
)
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
    sent = json.loads(replay.seen[0].content)
    # only our folded copies are searched: the engine's normaliser never decides a match
    assert sent["searchableAttributes"] == ["f_title", "f_tags", "f_summary", "f_body"]


async def test_writes_are_batched_documents_with_unit_ancestors() -> None:
    replay = Replay("documents")
    b = backend(replay)
    await b.upsert("ideas", [doc(1, "Đà Nẵng xanh", unit_path="VN/P48/W20200/"), doc(2, "B")])
    await b.delete("ideas", [7, 8])
    assert replay.done()
    sent = json.loads(replay.seen[0].content)
    assert [d["id"] for d in sent] == [1, 2]
    assert sent[0]["unit_paths"] == ["VN/", "VN/P48/", "VN/P48/W20200/"]
    assert (sent[0]["title"], sent[0]["f_title"]) == ("Đà Nẵng xanh", "da nang xanh")
    assert sent[0]["f_summary"] == "tom tat cua y tuong 1"


async def test_writes_go_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meili, "BATCH", 2)
    replay = Replay("batches")
    b = backend(replay)
    first = doc(1, "Đà Nẵng xanh", unit_path="VN/P48/W20200/", tags=["Điện mặt trời"])
    await b.upsert("ideas", [first, doc(2, "B"), doc(3, "C")])
    await b.delete("ideas", [7, 8, 9])
    assert replay.done()
    assert [len(json.loads(r.content)) for r in replay.seen] == [2, 1, 2, 1]


async def test_search_sends_quoted_filters_and_escapes_highlights() -> None:
    replay = Replay("search")
    b = backend(replay)
    result = await b.search(
        SearchQuery(
            index="ideas",
            text="Đà Nẵng",  # sent folded: "da nang"
            filters={"field": "digital_transformation", "status": ["submitted", "accepted"]},
            unit_path="VN/P48/",
            facets=["field", "status"],
        )
    )
    assert result.total == 3
    first, engine_marks, misaligned = result.hits
    assert first.id == 1
    assert first.score == pytest.approx(0.9712)
    # the original text, escaped, marked where the engine marked the folded copy
    assert first.title_html == "Chuyển đổi số ở &lt;<mark>Đà</mark> <mark>Nẵng</mark>&gt;"
    assert first.snippet_html == "Số hoá thủ tục &amp; hồ sơ ở <mark>Đà</mark> <mark>Nẵng</mark>"
    assert not {"unit_paths", "f_title", "f_tags", "f_summary", "f_body"} & set(first.document)
    assert engine_marks.title_html == "Đà <mark>Nẵng</mark> xanh"
    # no match in the summary: the snippet comes from the body, original text, escaped
    assert engine_marks.snippet_html == (
        "Mỗi chi đoàn nhận chăm 10 cây ở <mark>Đà</mark> <mark>Nẵng</mark> &amp; Hội An."
    )
    assert misaligned.title_html == "Cầu Rồng <mark>Đà</mark> <mark>Nẵng</mark>"
    assert result.facets == {"field": {"digital_transformation": 3}, "status": {"submitted": 3}}
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


async def test_write_errors_and_timeouts_become_unavailable() -> None:
    replay = Replay("write_errors")
    b = backend(replay)
    with pytest.raises(SearchUnavailable):
        await b.upsert("ideas", [doc(1, "A")])  # 403 invalid_api_key
    with pytest.raises(SearchUnavailable):
        await b.delete("ideas", [1])  # 401 missing_authorization_header
    with pytest.raises(SearchUnavailable):
        await b.search(SearchQuery(index="ideas", text="x"))  # 500 internal
    with pytest.raises(SearchUnavailable):
        await b.upsert("ideas", [doc(1, "A")])  # 413 payload_too_large
    with pytest.raises(SearchUnavailable):
        await b.upsert("ideas", [doc(1, "A")])  # read timeout
    assert await b.health() is True
    assert replay.done()


async def test_task_polling_detects_a_failed_task() -> None:
    replay = Replay("tasks")
    with pytest.raises(IndexTaskFailed) as failed:
        await backend(replay).wait(21, timeout_ms=5_000)
    assert failed.value.params == {"code": "invalid_document_id"}
    assert replay.done()


async def test_task_polling_gives_up_after_its_timeout() -> None:
    replay = Replay("task_timeout")
    with pytest.raises(SearchUnavailable):
        await backend(replay).wait(50, timeout_ms=30)
    assert replay.done() and replay.repeated >= 1


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
    # Documents whose unit the viewer may not learn leave a unit-narrowed search only.
    hidden = frozenset({7, 3})
    narrowed = SearchQuery(index="ideas", unit_path="VN/P01", unit_hidden=hidden)
    assert build_filter(narrowed) == ['unit_paths = "VN/P01/"', "id NOT IN [3, 7]"]
    assert build_filter(SearchQuery(index="ideas", unit_hidden=hidden)) == []
    assert to_meili(doc(3, "Đoàn", tags=["Đà Lạt", "Hồ Gươm"]))["f_tags"] == "da lat ho guom"


async def test_folded_copies_line_up_word_for_word_with_the_original() -> None:
    text = "Đường <b>Lê Lợi</b> & ĐẠI lộ"
    copy, spans = folded_copy(text)
    assert copy == "duong b le loi b dai lo"
    assert [text[a:b] for a, b in spans] == ["Đường", "b", "Lê", "Lợi", "b", "ĐẠI", "lộ"]
    marked = marked_original(text, "duong b le \ue000loi\ue001 b \ue000da\ue001i lo")
    assert marked == "Đường &lt;b&gt;Lê <mark>Lợi</mark>&lt;/b&gt; &amp; <mark>ĐẠI</mark> lộ"
    # nothing marked, or a copy that does not line up: no engine marks to follow
    assert marked_original(text, copy) is None
    assert marked_original(text, "duong \ue000leloi\ue001") is None
    # decomposed input (NFD) is made NFC before it is copied
    assert to_meili(doc(4, unicodedata.normalize("NFD", "Nẵng")))["f_title"] == "nang"


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
        assert result.hits[0].title_html == "Chuyển đổi số ở <mark>Đà</mark> <mark>Nẵng</mark>"
        accented = await b.search(SearchQuery(index="ideas", text="ĐÀ NẴNG"))
        assert [h.id for h in accented.hits] == [1]
        below = await b.search(SearchQuery(index="ideas", unit_path="VN/P01/"))
        assert [h.id for h in below.hits] == [2]
    finally:
        await b.client.delete_index_if_exists("ibtest_ideas")
        await b.close()
