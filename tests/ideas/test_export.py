"""The CSV export takes the list's filters (words through the search port, field, status,
unit subtree, year, sort), keeps to the organiser's units, never holds drafts, and is read
a bounded chunk at a time."""

from __future__ import annotations

import csv
import io

import httpx2
import pytest
from starlette.applications import Starlette

from ideas import export
from tests.ideas.test_search_and_pages import log_in
from tests.ideas.world import World, new_idea, world
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def exported(client: httpx2.AsyncClient, w: World, query: str = "") -> list[dict[str, str]]:
    r = await client.get(f"/api/v1/ideas/export.csv?{query}", headers=w.h_org)
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def titles(rows: list[dict[str, str]]) -> list[str]:
    return [row["title"] for row in rows]


async def test_words_search_the_whole_idea_without_accents_in_chunks(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world()
    in_summary = await new_idea(
        client, w.h_author, title="Xe buýt điện cho thành phố", summary="Học theo Đà Nẵng."
    )
    in_tags = await new_idea(
        client, w.h_other, title="Bến xe thông minh", tags=["Đà Nẵng", "giao thông"]
    )
    in_title = await new_idea(client, w.h_author, title="Đà Nẵng: phố đi bộ ven sông")
    await new_idea(client, w.h_hcm, title="Đà Nẵng và Sài Gòn kết nghĩa")  # not their unit
    await new_idea(client, w.h_author, title="Trồng cây xanh ở trường")  # no match
    draft = await new_idea(client, w.h_author, title="Đà Nẵng bản nháp", status="draft")
    await run_worker(app)
    monkeypatch.setattr(export, "SEARCH_CHUNK", 2)  # three pages of ids for three rows
    rows = await exported(client, w, "q=da nang&sort=newest")
    assert [int(r["id"]) for r in rows] == [in_title["id"], in_tags["id"], in_summary["id"]]
    assert draft["id"] not in [int(r["id"]) for r in rows]
    # the list's other filters apply to word searches too
    rows = await exported(client, w, f"q=da nang&unit_id={w.tree.ba_dinh.id}")
    assert titles(rows) == ["Bến xe thông minh"]
    assert await exported(client, w, "q=da nang&field=health") == []
    # filter syntax in the words stays words
    assert await exported(client, w, 'q=status = "draft" OR 1=1') == []


async def test_sorts_and_filters_without_words_page_by_keyset(
    client: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world()
    ids = [
        (await new_idea(client, w.h_author, title=f"Ý tưởng số {n} cho phường"))["id"]
        for n in range(5)
    ]
    await new_idea(client, w.h_author, title="Một bản nháp chưa gửi", status="draft")
    for voter in (w.h_other, w.h_hcm):
        await client.post(f"/api/v1/ideas/{ids[1]}/vote", headers=voter)
    await client.post(f"/api/v1/ideas/{ids[3]}/vote", headers=w.h_other)
    await client.delete(f"/api/v1/ideas/{ids[4]}", headers=w.h_author)  # withdrawn
    monkeypatch.setattr(export, "CHUNK", 2)  # ties in votes cross the page boundaries
    rows = await exported(client, w, "sort=top")
    assert [int(r["id"]) for r in rows] == [ids[1], ids[3], ids[4], ids[2], ids[0]]
    assert [r["votes"] for r in rows] == ["2", "1", "0", "0", "0"]
    newest = await exported(client, w)
    assert [int(r["id"]) for r in newest] == list(reversed(ids))
    withdrawn = await exported(client, w, "status=withdrawn")
    assert [int(r["id"]) for r in withdrawn] == [ids[4]]
    assert await exported(client, w, "year=2001") == []
    assert len(await exported(client, w, "year=" + newest[0]["created_at"][:4])) == 5
    r = await client.get("/api/v1/ideas/export.csv?status=draft", headers=w.h_org)
    assert r.status_code == 422 and "status" in r.json()["error"]["fields"]
    r = await client.get("/api/v1/ideas/export.csv?sort=sideways", headers=w.h_org)
    assert r.status_code == 422 and "sort" in r.json()["error"]["fields"]


async def test_hot_sort_goes_through_the_index(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await world()
    cold = await new_idea(client, w.h_author, title="Thư viện sách cũ cho thiếu nhi")
    hot = await new_idea(client, w.h_author, title="Sân chơi an toàn cho thiếu nhi")
    await client.post(f"/api/v1/ideas/{hot['id']}/vote", headers=w.h_other)
    await run_worker(app)
    rows = await exported(client, w, "sort=hot")
    assert [int(r["id"]) for r in rows] == [hot["id"], cold["id"]]


async def test_list_page_offers_organisers_the_export_of_what_it_shows(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    await log_in(client, w.other.email)
    assert "export.csv" not in (await client.get("/ideas?field=health")).text
    await log_in(client, w.organiser.email)
    page = await client.get("/ideas?q=da+nang&field=health&sort=top&page=2")
    assert "/api/v1/ideas/export.csv?q=da+nang&amp;field=health&amp;sort=top" in page.text
