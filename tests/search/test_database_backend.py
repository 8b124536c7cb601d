"""The database backend: Vietnamese folding, filters, sorts, facets, highlighting, safety."""

from __future__ import annotations

import pytest

from search import engine, service
from search.port import SearchQuery
from tests.search.conftest import doc

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def indexed(search_db: None) -> None:
    await engine.get_backend().upsert(
        "ideas",
        [
            doc(
                1,
                "Chuyển đổi số ở Đà Nẵng",
                summary="Số hoá thủ tục hành chính cho thanh niên",
                field="digital",
                votes=5,
                hot=1.0,
                unit_path="VN/P48/W20200/",
                year=2025,
            ),
            doc(
                2,
                "Trồng cây xanh ven sông",
                summary="Mỗi đoàn viên một cây xanh",
                field="environment",
                votes=20,
                hot=3.0,
                unit_path="VN/P01/W00070/",
            ),
            doc(
                3,
                "Thư viện sách cũ",
                summary="Đổi sách cũ lấy sách mới ở Đà Lạt",
                body="Chuyển sách về các điểm trường vùng cao",
                field="education",
                votes=9,
                hot=9.0,
                unit_path="VN/P01/W00004/",
                tags=["đọc sách"],
            ),
            doc(
                4,
                "Ứng dụng số cho hợp tác xã",
                summary="Bán nông sản trực tuyến",
                field="digital",
                status="accepted",
                votes=1,
                hot=0.5,
                unit_path="VN/P79/W26743/",
            ),
        ],
    )


async def run(text: str = "", **kw: object) -> list[int]:
    result = await service.search(SearchQuery(index="ideas", text=text, **kw))  # type: ignore[arg-type]
    return [h.id for h in result.hits]


async def test_tone_marks_and_d_are_folded(indexed: None) -> None:
    assert await run("da nang") == [1]
    assert await run("chuyen doi so") == [1]
    assert await run("CHUYỂN ĐỔI") == [1, 3]  # 3: "Đổi sách", "Chuyển sách"
    assert await run("Đà Lạt") == [3]


async def test_every_word_must_match_and_prefixes_count(indexed: None) -> None:
    assert await run("cay xanh song") == [2]
    assert await run("cay xanh tuyet") == []
    assert sorted(await run("sach")) == [3]  # title, summary and tags all say "sách"
    assert sorted(await run("nong san")) == [4]
    assert sorted(await run("thu")) == [1, 3]  # "thủ tục", "thư viện": prefix "thu"


async def test_title_matches_rank_above_body_matches(indexed: None) -> None:
    await engine.get_backend().upsert(
        "ideas", [doc(5, "Một ý tưởng khác", body="nói về chuyển đổi số trong trường học")]
    )
    assert (await run("chuyen doi so"))[0] == 1
    assert set(await run("chuyen doi so")) == {1, 5}


async def test_filters_unit_subtree_and_year(indexed: None) -> None:
    assert sorted(await run(filters={"field": "digital"})) == [1, 4]
    assert await run(filters={"field": "digital", "status": "accepted"}) == [4]
    assert sorted(await run(filters={"status": ["accepted", "submitted"]})) == [1, 2, 3, 4]
    assert sorted(await run(unit_path="VN/P01/")) == [2, 3]
    assert await run(unit_path="VN/P01/W00004/") == [3]
    assert await run(filters={"year": 2025}) == [1]
    assert await run(unit_path="VN/P0") == []  # a prefix of a code is not a unit


async def test_contest_filter(search_db: None) -> None:
    await engine.get_backend().upsert(
        "ideas", [doc(1, "A", contest_ids=[3, 14]), doc(2, "B", contest_ids=[4]), doc(3, "C")]
    )
    assert await run(filters={"contest_ids": 4}) == [2]
    assert await run(filters={"contest_ids": [1]}) == []
    assert sorted(await run(filters={"contest_ids": [3, 4]})) == [1, 2]


async def test_sorts(indexed: None) -> None:
    assert await run(sort="top") == [2, 3, 1, 4]
    assert await run(sort="hot") == [3, 2, 1, 4]
    assert await run(sort="newest") == [4, 3, 2, 1]
    assert await run(sort="relevance") == [4, 3, 2, 1]  # no words: newest first


async def test_facets_count_within_the_filters(indexed: None) -> None:
    result = await service.search(
        SearchQuery(index="ideas", facets=["field", "status"], unit_path="VN/P01/")
    )
    assert result.facets == {
        "field": {"environment": 1, "education": 1},
        "status": {"submitted": 2},
    }
    assert result.total == 2


async def test_paging(indexed: None) -> None:
    first = await service.search(SearchQuery(index="ideas", sort="top", limit=2))
    second = await service.search(SearchQuery(index="ideas", sort="top", limit=2, offset=2))
    assert [h.id for h in first.hits] == [2, 3]
    assert [h.id for h in second.hits] == [1, 4]
    assert first.total == second.total == 4


async def test_highlights_are_escaped_and_marked(search_db: None) -> None:
    await engine.get_backend().upsert(
        "ideas",
        [
            doc(
                1,
                "<script>alert(1)</script> Đà Nẵng xanh",
                summary="Thành phố <b>Đà Nẵng</b> & biển",
            )
        ],
    )
    result = await service.search(SearchQuery(index="ideas", text="da nang"))
    hit = result.hits[0]
    assert hit.title_html == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Đà</mark> <mark>Nẵng</mark> xanh"
    )
    assert "<mark>Đà</mark> <mark>Nẵng</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html
    assert "&amp;" in hit.snippet_html


async def test_snippet_comes_from_where_the_words_are(search_db: None) -> None:
    long_body = "mở đầu " * 100 + "xây dựng sân chơi cho thiếu nhi" + " kết thúc" * 100
    await engine.get_backend().upsert(
        "ideas", [doc(1, "Sân chơi", summary="Không liên quan", body=long_body)]
    )
    hit = (await service.search(SearchQuery(index="ideas", text="thieu nhi"))).hits[0]
    assert "<mark>thiếu</mark> <mark>nhi</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("… ")
    assert hit.snippet_html.endswith(" …")
    assert len(hit.snippet_html) < 400


@pytest.mark.parametrize(
    "text",
    [
        'status = "hidden" OR id > 0',
        "'; DROP TABLE search_document; --",
        'NEAR(da nang) OR "x" AND title:*',
        "da* ^nang -xanh (cây) {col}: ",
        "x" * 10_000,
        "da nang " * 2_000,
    ],
)
async def test_hostile_query_text_is_plain_words(indexed: None, text: str) -> None:
    result = await service.search(SearchQuery(index="ideas", text=text, facets=["field"]))
    assert result.total == len(result.hits) <= 1
    assert await run("cay xanh") == [2]  # and the table is still there


async def test_text_without_words_lists_everything(indexed: None) -> None:
    result = await service.search(SearchQuery(index="ideas", text="\x00\u200b☃ 🎉 -- *"))
    assert result.total == 4


async def test_documents_are_replaced_and_deleted(indexed: None) -> None:
    backend = engine.get_backend()
    await backend.upsert("ideas", [doc(2, "Trồng rừng ngập mặn", votes=50)])
    assert await run("cay xanh") == []
    assert await run("rung ngap man") == [2]
    await backend.delete("ideas", [2, 999])
    assert await run("rung") == []
    assert (await service.search(SearchQuery(index="ideas"))).total == 3


async def test_indexes_are_separate(indexed: None) -> None:
    await engine.get_backend().upsert("contests", [doc(1, "Cuộc thi chuyển đổi số", kind="quiz")])
    contests = await service.search(SearchQuery(index="contests", text="chuyen doi so"))
    assert [(h.id, h.document["kind"]) for h in contests.hits] == [(1, "quiz")]
    assert contests.total == 1


async def test_display_extras_come_back(indexed: None) -> None:
    hit = (await service.search(SearchQuery(index="ideas", text="da nang"))).hits[0]
    assert hit.document["author_name"] == "Nguyễn Văn An"
    assert hit.document["unit_path"] == "VN/P48/W20200/"


async def test_bad_query_shapes_are_refused_by_the_port() -> None:
    with pytest.raises(ValueError, match="not filterable"):
        SearchQuery(index="ideas", filters={"title": "x"})
    with pytest.raises(ValueError, match="not a facet"):
        SearchQuery(index="ideas", facets=["body"])
    assert SearchQuery(index="ideas", limit=10_000, offset=-5).limit == 100


async def test_counts_stop_at_the_cap_and_relevance_ranks_the_newest(
    search_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import database

    monkeypatch.setattr(database, "COUNT_CAP", 3)
    monkeypatch.setattr(database, "RANK_POOL", 2)
    await engine.get_backend().upsert(
        "ideas", [doc(i, f"Cây xanh số {i}", created_at=1_780_000_000 + i) for i in range(1, 6)]
    )
    result = await service.search(SearchQuery(index="ideas", text="cay xanh", facets=["field"]))
    assert result.total == 3
    assert result.facets == {"field": {"education": 3}}
    assert sorted(h.id for h in result.hits) == [4, 5]  # the two newest matches, ranked
    top = await service.search(SearchQuery(index="ideas", text="cay xanh", sort="newest"))
    assert [h.id for h in top.hits] == [5, 4, 3, 2, 1]  # other sorts order every match
