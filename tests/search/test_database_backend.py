"""The database backend: Vietnamese folding, filters, sorts, facets, highlighting, safety."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from core import db
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


async def test_unit_subtree_at_every_depth(search_db: None) -> None:
    paths = {
        1: "VN/",
        2: "VN/P01/",
        3: "VN/P01/W00004/",
        4: "VN/P01/W00004/C1/",
        5: "VN/P01/W00004/C1/T2/",
        6: "VN/P01/W000040/",  # a code that begins with another code
        7: "VN/P010/W00004/",
        8: "VN/P01/W00004/C10/",
    }
    await engine.get_backend().upsert(
        "ideas", [doc(i, f"Cây xanh {i}", unit_path=p) for i, p in paths.items()]
    )
    for prefix in [*paths.values(), "VN/P0/", "VN/P01/W0000/"]:
        expected = sorted(i for i, p in paths.items() if p.startswith(prefix))
        assert sorted(await run(unit_path=prefix)) == expected, prefix
        assert sorted(await run("cay xanh", unit_path=prefix)) == expected, prefix


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


async def test_concurrent_upserts_of_the_same_documents_both_succeed(search_db: None) -> None:
    # Two drains may hold outbox rows of the same idea (two changes in a row): both write it.
    backend = engine.get_backend()
    await backend.upsert("ideas", [doc(i, f"Cây xanh {i}") for i in range(1, 30)])
    for round_ in range(5):
        await asyncio.gather(
            *(
                backend.upsert("ideas", [doc(i, f"Nước sạch {round_} {n}") for i in range(1, 30)])
                for n in range(4)
            )
        )
    assert await run("cay xanh") == []
    assert len(await run("nuoc sach 4", limit=100)) == 29


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


async def test_a_capped_count_says_there_are_more(
    search_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import database

    monkeypatch.setattr(database, "COUNT_CAP", 3)
    backend = engine.get_backend()
    await backend.upsert("ideas", [doc(i, f"Cây xanh số {i}") for i in range(1, 4)])
    exact = await service.search(SearchQuery(index="ideas", text="cay xanh", facets=["field"]))
    assert (exact.total, exact.total_is_estimate) == (3, False)
    await backend.upsert("ideas", [doc(4, "Cây xanh số 4", field="environment")])
    more = await service.search(SearchQuery(index="ideas", text="cay xanh", facets=["field"]))
    assert (more.total, more.total_is_estimate) == (3, True)
    assert sum(more.facets["field"].values()) == 3
    listed = await service.search(SearchQuery(index="ideas", sort="top", facets=["field"]))
    assert (listed.total, listed.total_is_estimate) == (3, True)
    assert len(listed.hits) == 4  # pages still reach every match
    if db.is_postgres():  # PostgreSQL counts the newest matches
        assert more.facets["field"] == {"environment": 1, "education": 2}


async def test_only_the_last_word_is_a_prefix_on_postgres(indexed: None) -> None:
    assert await run("da na") == [1]  # the word being typed
    assert await run("cay xa") == [2]
    # a word before the last must be whole on PostgreSQL (as in Meilisearch); SQLite's FTS5
    # path keeps matching every word as a prefix
    assert sorted(await run("chuy doi")) == ([] if db.is_postgres() else [1, 3])
    assert await run("ca xanh") == ([] if db.is_postgres() else [2])


async def test_relevance_pages_and_deep_pages(
    search_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import database

    monkeypatch.setattr(database, "COUNT_CAP", 4)
    monkeypatch.setattr(database, "RANK_POOL", 4)
    titles = {1: "Nước sạch", 2: "Giếng nước sạch", 3: "Lọc nước", 4: "Nước sạch cho trường"}
    await engine.get_backend().upsert(
        "ideas",
        [doc(i, t, summary="nước sạch cho bản" if i == 3 else "Khác") for i, t in titles.items()]
        + [doc(i, f"Ý tưởng {i}", body="dùng nước mưa") for i in range(5, 9)],
    )

    async def ids(**kw: object) -> list[int]:
        result = await service.search(SearchQuery(index="ideas", **kw))  # type: ignore[arg-type]
        return [h.id for h in result.hits]

    # only the 4 newest matches of "nuoc" are ranked (equal here: newest first), in pages
    assert await ids(text="nuoc", limit=2) == [8, 7]
    assert await ids(text="nuoc", limit=2, offset=2) == [6, 5]
    assert await ids(text="nuoc", limit=2, offset=4) == []
    ranked = await ids(text="nuoc sach")
    assert sorted(ranked) == [1, 2, 3, 4] and ranked[-1] == 3  # summary below titles
    # newest: a page inside the counted matches and one beyond them
    assert await ids(text="nuoc", sort="newest", limit=3) == [8, 7, 6]
    assert await ids(text="nuoc", sort="newest", limit=3, offset=3) == [5, 4, 3]
    assert await ids(sort="newest", limit=2, offset=6) == [2, 1]


@pytest.mark.parametrize("scan", [6, 2])  # enough newest documents / too few: read again
async def test_common_words_read_from_the_newest_give_the_same_answers(
    search_db: None, monkeypatch: pytest.MonkeyPatch, scan: int
) -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL's plan for common words")
    from search import database, postgres

    monkeypatch.setattr(database, "COUNT_CAP", 3)
    monkeypatch.setattr(database, "RANK_POOL", 3)
    monkeypatch.setattr(postgres, "RECENT_SCAN", scan)
    await engine.get_backend().upsert(
        "ideas",
        [
            doc(
                i,
                f"Cây xanh {i}" if i % 3 else f"Nước sạch {i}",
                body="trồng cây xanh" if i % 4 == 0 else "khác",
                field="environment" if i % 2 else "education",
                votes=(i * 7) % 11,
                hot=float((i * 5) % 13),
                status="accepted" if i % 5 else "submitted",
                year=2025 + i % 2,
                unit_path=["VN/P01/W00004/", "VN/P01/W00004/C1/", "VN/P02/W00100/"][i % 3],
            )
            for i in range(1, 16)
        ],
    )
    shapes: list[dict[str, object]] = [
        {"text": "cay xanh"},
        {"text": "cay xa", "sort": "newest"},
        {"text": "cay xanh", "sort": "newest", "offset": 2, "limit": 2},
        {"text": "cay xanh", "sort": "top", "offset": 2, "limit": 3},
        {"text": "cay", "sort": "hot"},
        {"text": "cay xanh", "filters": {"field": "environment"}, "sort": "top"},
        {"text": "nuoc sach", "sort": "hot"},
        # filters that lead an index of their own (read in its order) and others
        {"text": "cay xanh", "filters": {"status": "accepted"}},
        {"text": "cay", "filters": {"year": 2025}, "sort": "newest"},
        {"text": "cay xanh", "unit_path": "VN/P01/", "sort": "hot"},
        {"text": "cay xanh", "unit_path": "VN/P01/W00004/"},
        {"text": "cay xanh", "unit_path": "VN/P01/W00004/C1/", "sort": "top"},
        {"text": "cay xanh", "filters": {"field": "environment", "year": 2026}},
        {"text": "cay xanh", "filters": {"field": ["environment", "education"]}},
    ]

    async def answers(common: bool, freqs: dict[str, float] | None = None) -> list[object]:
        monkeypatch.setattr(postgres, "_is_common", lambda words, freqs: common)

        async def frequencies(conn: object) -> dict[str, float]:
            return freqs or {}

        monkeypatch.setattr(postgres, "_frequencies", frequencies)
        out: list[object] = []
        for shape in shapes:
            r = await service.search(SearchQuery(index="ideas", facets=["field"], **shape))  # type: ignore[arg-type]
            out.append(([h.id for h in r.hits], r.total, r.total_is_estimate, r.facets))
        return out

    expected = await answers(common=False)
    assert await answers(common=True) == expected
    # very common words left to the row test, the index reading the others
    many = {"cay": 0.5, "xanh": 0.5, "nuoc": 0.5, "sach": 0.3}
    assert await answers(common=False, freqs=many) == expected
    assert await answers(common=False, freqs={"xanh": 0.5}) == expected


async def test_the_index_reads_the_words_that_are_not_too_common() -> None:
    from search.postgres import _index_terms

    freqs = {"cuu": 0.03, "ho": 0.3, "hoc": 0.6, "hoa": 0.3, "thanh": 0.35, "nien": 0.24}
    assert _index_terms(["cuu", "ho"], freqs) == "cuu"  # ho:* stands for ho, hoc, hoa…
    assert _index_terms(["ho", "cuu"], freqs) == "cuu:*"
    assert _index_terms(["thanh", "nien"], freqs) is None  # all common: the index reads all
    assert _index_terms(["ballad", "xyz"], freqs) is None  # none common
    assert _index_terms([], freqs) is None


async def test_api_and_pages_say_more_than_when_counting_stopped(
    client: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search import database

    monkeypatch.setattr(database, "COUNT_CAP", 3)
    await engine.get_backend().upsert(
        "ideas", [doc(i, f"Cây xanh số {i}", field="environment") for i in range(1, 6)]
    )
    body = (await client.get("/api/v1/search", params={"q": "cay xanh"})).json()
    assert (body["total"], body["total_is_estimate"]) == (3, True)
    listed = (await client.get("/api/v1/ideas", params={"q": "cay xanh"})).json()
    assert (listed["total"], listed["total_is_estimate"]) == (3, True)
    exact = (await client.get("/api/v1/search", params={"q": "cay xanh so 2"})).json()
    assert (exact["total"], exact["total_is_estimate"]) == (1, False)
    assert "Hơn 3 kết quả" in (await client.get("/search", params={"q": "cay xanh"})).text
    assert "Tìm thấy hơn 3 ý tưởng" in (await client.get("/ideas", params={"q": "cay"})).text
