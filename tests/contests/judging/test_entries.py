"""Members enter their own ideas; every wrong entry is refused with the reason."""

from __future__ import annotations

from datetime import timedelta

import httpx2

from contests.judging.models import Entry
from core import clock
from ideas.models import IdeaStatus
from tests.contests.judging.world import build, make_idea
from tests.factories import bearer, member


async def test_author_enters_own_idea_once(client: httpx2.AsyncClient) -> None:
    w = await build()
    idea = await make_idea(w.authors[0], w.tree.hoan_kiem, "Thùng rác thông minh")
    url = f"/api/v1/contests/{w.contest.id}/entries"
    r = await client.post(url, json={"idea_id": idea.id}, headers=w.h(w.authors[0]))
    assert r.status_code == 201, r.text
    assert r.json()["idea"] == {"id": idea.id, "title": "Thùng rác thông minh"}
    again = await client.post(url, json={"idea_id": idea.id}, headers=w.h(w.authors[0]))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_entered"
    assert "idea_id" in again.json()["error"]["fields"]
    assert again.json()["error"]["message"] == "Ý tưởng này đã dự thi trong cuộc thi này."
    listing = await client.get(url)
    assert [e["idea"]["id"] for e in listing.json()["items"]] == [idea.id]
    assert await Entry.filter(contest_id=w.contest.id).count() == 1


async def test_co_author_shares_the_entry(client: httpx2.AsyncClient) -> None:
    w = await build()
    idea = await make_idea(
        w.authors[0], w.tree.hoan_kiem, "Vườn rau chung", co_authors=(w.authors[1],)
    )
    url = f"/api/v1/contests/{w.contest.id}/entries"
    r = await client.post(url, json={"idea_id": idea.id}, headers=w.h(w.authors[1]))
    assert r.status_code == 201
    r2 = await client.post(url, json={"idea_id": idea.id}, headers=w.h(w.authors[0]))
    assert r2.status_code == 409
    mine = await client.get(url, headers=w.h(w.authors[0]))
    assert mine.json()["items"][0]["mine"] is True


async def test_someone_elses_idea_is_refused(client: httpx2.AsyncClient) -> None:
    w = await build()
    idea = await make_idea(w.authors[0], w.tree.hoan_kiem, "Ý tưởng của người khác")
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/entries",
        json={"idea_id": idea.id},
        headers=w.h(w.authors[1]) | {"Accept-Language": "en"},
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_an_author"
    assert await Entry.all().count() == 0


async def test_drafts_withdrawn_and_hidden_ideas_are_refused(client: httpx2.AsyncClient) -> None:
    w = await build()
    for status in (IdeaStatus.DRAFT, IdeaStatus.WITHDRAWN, IdeaStatus.HIDDEN):
        idea = await make_idea(w.authors[0], w.tree.hoan_kiem, f"Ý tưởng {status}", status=status)
        r = await client.post(
            f"/api/v1/contests/{w.contest.id}/entries",
            json={"idea_id": idea.id},
            headers=w.h(w.authors[0]),
        )
        assert r.status_code == 422, status
        assert r.json()["error"]["fields"]["idea_id"]


async def test_entries_close_by_the_clock(client: httpx2.AsyncClient) -> None:
    w = await build()
    idea = await make_idea(w.authors[0], w.tree.hoan_kiem, "Muộn màng")
    clock.travel(timedelta(days=8))
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/entries",
        json={"idea_id": idea.id},
        headers=w.h(w.authors[0]),
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "entries_closed"


async def test_ineligible_member_is_refused(client: httpx2.AsyncClient) -> None:
    w = await build()
    outsider = await member(w.tree.ben_thanh, name="Người Sài Gòn")
    idea = await make_idea(outsider, w.tree.ben_thanh, "Ý tưởng phương Nam")
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/entries",
        json={"idea_id": idea.id},
        headers=await bearer(outsider),
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_eligible"


async def test_bad_bodies_get_the_error_shape(client: httpx2.AsyncClient) -> None:
    w = await build()
    url = f"/api/v1/contests/{w.contest.id}/entries"
    r = await client.post(url, content=b"{", headers=w.h(w.authors[0]))
    assert r.status_code == 400
    r = await client.post(url, json={"idea_id": "abc"}, headers=w.h(w.authors[0]))
    assert r.status_code == 422
    assert "idea_id" in r.json()["error"]["fields"]
    r = await client.post(url, json={"idea_id": 999999}, headers=w.h(w.authors[0]))
    assert r.status_code == 404
    r = await client.post(url, json={"idea_id": 1})
    assert r.status_code == 401
    r = await client.post(
        "/api/v1/contests/99999/entries", json={"idea_id": 1}, headers=w.h(w.authors[0])
    )
    assert r.status_code == 404


async def test_author_withdraws_entry_while_open(client: httpx2.AsyncClient) -> None:
    w = await build()
    idea = await make_idea(w.authors[0], w.tree.hoan_kiem, "Rút lại")
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/entries",
        json={"idea_id": idea.id},
        headers=w.h(w.authors[0]),
    )
    entry_id = r.json()["id"]
    other = await client.delete(f"/api/v1/judging/entries/{entry_id}", headers=w.h(w.authors[1]))
    assert other.status_code == 403
    ok = await client.delete(f"/api/v1/judging/entries/{entry_id}", headers=w.h(w.authors[0]))
    assert ok.status_code == 204
    assert await Entry.all().count() == 0


async def test_openapi_lists_the_judging_routes(client: httpx2.AsyncClient) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()
    paths = doc["paths"]
    for path, method in [
        ("/api/v1/contests/{id}/entries", "post"),
        ("/api/v1/contests/{id}/criteria", "post"),
        ("/api/v1/contests/{id}/judges", "post"),
        ("/api/v1/contests/{id}/assignments", "post"),
        ("/api/v1/judging/assignments", "get"),
        ("/api/v1/judging/assignments/{id}", "put"),
        ("/api/v1/contests/{id}/ranking", "get"),
    ]:
        assert method in paths[path], path
