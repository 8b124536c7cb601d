"""GET /api/v1/search and the /search page."""

from __future__ import annotations

import httpx2
import pytest

from search import engine
from tests.factories import unit_tree
from tests.search.conftest import doc

pytestmark = pytest.mark.asyncio


async def seed() -> dict[str, int]:
    tree = await unit_tree()
    await engine.get_backend().upsert(
        "ideas",
        [
            doc(
                1,
                "Chuyển đổi số ở phường Hoàn Kiếm",
                field="digital_transformation",
                unit_path=tree.hoan_kiem.path,
                votes=3,
                unit_name="Phường Hoàn Kiếm",
            ),
            doc(
                2,
                "Số hoá thư viện trường học",
                field="education",
                unit_path=tree.ba_dinh.path,
                votes=7,
                summary="Chuyển đổi số cho thư viện",
            ),
            doc(
                3,
                "Chợ nông sản số ở Bến Thành",
                field="agriculture",
                unit_path=tree.ben_thanh.path,
                status="accepted",
                votes=1,
            ),
        ],
    )
    await engine.get_backend().upsert(
        "contests",
        [
            doc(
                8,
                "Cuộc thi tìm hiểu chuyển đổi số",
                kind="quiz",
                status="open",
                unit_path=tree.national.path,
                field="",
            )
        ],
    )
    return {"hanoi": tree.hanoi.id, "hcm": tree.hcm.id, "hoan_kiem": tree.hoan_kiem.id}


async def test_search_answers_the_api_shape(client: httpx2.AsyncClient) -> None:
    await seed()
    r = await client.get("/api/v1/search", params={"q": "chuyen doi so"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2
    assert isinstance(body["took_ms"], int)
    first = body["hits"][0]
    assert first["type"] == "idea"
    assert first["id"] == 1  # words in the title beat words in the summary
    assert first["title"] == "Chuyển đổi số ở phường Hoàn Kiếm"
    assert first["url"] == "/ideas/1"
    second = body["hits"][1]
    assert "<mark>Chuyển</mark> <mark>đổi</mark> <mark>số</mark>" in second["snippet"]
    assert body["facets"]["field"] == {"digital_transformation": 1, "education": 1}


async def test_contests_are_their_own_type(client: httpx2.AsyncClient) -> None:
    await seed()
    body = (await client.get("/api/v1/search?q=chuyen+doi&type=contests")).json()
    assert [(h["type"], h["id"], h["url"], h["kind"]) for h in body["hits"]] == [
        ("contest", 8, "/contests/8", "quiz")
    ]


async def test_unit_id_means_the_unit_and_below(client: httpx2.AsyncClient) -> None:
    ids = await seed()
    hanoi = (await client.get(f"/api/v1/search?q=so&unit_id={ids['hanoi']}")).json()
    assert sorted(h["id"] for h in hanoi["hits"]) == [1, 2]
    ward = (await client.get(f"/api/v1/search?unit_id={ids['hoan_kiem']}")).json()
    assert [h["id"] for h in ward["hits"]] == [1]


async def test_filters_sort_and_pages(client: httpx2.AsyncClient) -> None:
    await seed()
    top = (await client.get("/api/v1/search?sort=top&per_page=2")).json()
    assert [h["id"] for h in top["hits"]] == [2, 1]
    assert top["total"] == 3
    page2 = (await client.get("/api/v1/search?sort=top&per_page=2&page=2")).json()
    assert [h["id"] for h in page2["hits"]] == [3]
    accepted = (await client.get("/api/v1/search?status=accepted")).json()
    assert [h["id"] for h in accepted["hits"]] == [3]
    field = (await client.get("/api/v1/search?field=education")).json()
    assert [h["id"] for h in field["hits"]] == [2]


async def test_unknown_unit_is_a_validation_error(client: httpx2.AsyncClient) -> None:
    await seed()
    r = await client.get("/api/v1/search?q=x&unit_id=999999", headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert "unit_id" in r.json()["error"]["fields"]
    vi = await client.get("/api/v1/search?unit_id=999999", headers={"Accept-Language": "vi"})
    assert vi.json()["error"]["fields"]["unit_id"] == "Đơn vị này không tồn tại."


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("type=people", "type"),
        ("unit_id=abc", "unit_id"),
        ("per_page=1000", "per_page"),
        ("page=0", "page"),
        ("sort=random", "sort"),
    ],
)
async def test_bad_parameters_name_the_field(
    client: httpx2.AsyncClient, query: str, field: str
) -> None:
    r = await client.get(f"/api/v1/search?{query}", headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert field in r.json()["error"]["fields"]


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        'status = "hidden" OR id > 0',
        "1' OR '1'='1'; DROP TABLE search_document;--",
        'NEAR("a" "b") AND c:* OR ^d',
    ],
)
async def test_hostile_text_is_plain_words(client: httpx2.AsyncClient, q: str) -> None:
    await seed()
    r = await client.get("/api/v1/search", params={"q": q})
    assert r.status_code == 200
    assert r.json()["total"] == 0
    assert (await client.get("/api/v1/search?q=nong+san")).json()["total"] == 1


async def test_openapi_lists_search(client: httpx2.AsyncClient) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    op = schema["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"q", "type", "field", "unit_id", "status"}


async def test_page_without_query_shows_the_form(client: httpx2.AsyncClient) -> None:
    await seed()
    r = await client.get("/search", headers={"Accept-Language": "vi"})
    assert r.status_code == 200
    assert 'name="q"' in r.text
    assert "Thành phố Hà Nội" in r.text  # provinces to filter by
    assert "Tìm kiếm" in r.text


async def test_page_shows_highlighted_results_with_links(client: httpx2.AsyncClient) -> None:
    await seed()
    r = await client.get("/search?q=da+nang+%3Cb%3E", headers={"Accept-Language": "en"})
    assert "Nothing found" in r.text
    r = await client.get("/search?q=thu+vien", headers={"Accept-Language": "vi"})
    assert r.status_code == 200
    assert 'href="/ideas/2"' in r.text
    assert "<mark>thư</mark> <mark>viện</mark>" in r.text
    assert "1 kết quả" in r.text


async def test_page_escapes_what_the_user_typed(client: httpx2.AsyncClient) -> None:
    r = await client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text


async def test_page_filters_and_pager(client: httpx2.AsyncClient) -> None:
    ids = await seed()
    r = await client.get(f"/search?q=&sort=top&per_page=1&unit_id={ids['hanoi']}")
    assert 'href="/ideas/2"' in r.text
    assert "/ideas/1" not in r.text
    assert "page=2" in r.text and 'rel="next"' in r.text
    r2 = await client.get(f"/search?sort=top&per_page=1&unit_id={ids['hanoi']}&page=2")
    assert 'href="/ideas/1"' in r2.text
    assert 'rel="prev"' in r2.text
    contests = await client.get("/search?type=contests&kind=quiz")
    assert 'href="/contests/8"' in contests.text


async def test_page_with_bad_unit_is_an_error_page(client: httpx2.AsyncClient) -> None:
    r = await client.get("/search?unit_id=424242", headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert "text/html" in r.headers["content-type"]


async def test_empty_form_choices_mean_no_filter(client: httpx2.AsyncClient) -> None:
    await seed()
    r = await client.get("/search?q=so&type=ideas&unit_id=&field=&sort=relevance")
    assert r.status_code == 200
    assert 'href="/ideas/1"' in r.text
    api = await client.get("/api/v1/search?q=so&unit_id=&field=")
    assert api.json()["total"] == 3


async def test_a_filter_value_that_cannot_match_is_refused_naming_the_choices(
    client: httpx2.AsyncClient,
) -> None:
    en = {"Accept-Language": "en"}
    r = await client.get("/api/v1/search?q=rac&status=bogus", headers=en)
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["status"].startswith("Must be one of: accepted, ")
    r = await client.get("/api/v1/search?type=contests&kind=poem", headers=en)
    assert r.status_code == 422 and r.json()["error"]["fields"]["kind"] == (
        "Must be one of: ideas, quiz."
    )
    r = await client.get("/api/v1/search?type=contests&status=open")
    assert r.status_code == 200
