"""Browsing and searching through the worker-fed index, similar ideas, and the pages."""

from __future__ import annotations

import re

import httpx2
import pytest
from starlette.applications import Starlette

from ideas.models import Idea, IdeaStatus
from tests import factories
from tests.ideas.world import new_idea, world
from tests.support import run_worker

# arq's Worker.close() calls redis-py's deprecated close() (tests/support.run_worker).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


async def log_in(client: httpx2.AsyncClient, email: str) -> str:
    page = await client.get("/login")
    r = await client.post(
        "/login",
        data={
            "email": email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_from(page.text),
            "next": "/ideas",
        },
    )
    assert r.status_code == 303
    return csrf_from((await client.get("/ideas")).text)


async def test_search_without_accents_filters_and_facets(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    a = await new_idea(client, w.h_author, title="Chuyển đổi số ở Đà Nẵng cho đoàn viên")
    await new_idea(client, w.h_hcm, title="Trồng cây xanh ở trường học", field="environment")
    draft = await new_idea(client, w.h_author, title="Bản nháp chuyển đổi số", status="draft")
    await run_worker(app)
    r = await client.get("/api/v1/ideas?q=chuyen doi so da nang")
    data = r.json()
    assert [i["id"] for i in data["items"]] == [a["id"]]
    assert "<mark>" in data["items"][0]["title_html"]
    assert draft["id"] not in [i["id"] for i in (await client.get("/api/v1/ideas")).json()["items"]]
    r = await client.get(f"/api/v1/ideas?unit_id={w.tree.hanoi.id}")
    assert [i["id"] for i in r.json()["items"]] == [a["id"]]
    facets = (await client.get("/api/v1/ideas")).json()["facets"]
    assert facets["field"] == {"digital_transformation": 1, "environment": 1}
    r = await client.get("/api/v1/ideas?unit_id=999999")
    assert r.status_code == 422 and "unit_id" in r.json()["error"]["fields"]
    r = await client.get("/api/v1/ideas?q=" + "x" * 10_000)
    assert r.status_code == 422
    r = await client.get('/api/v1/ideas?q=status = "draft" OR 1=1')
    assert r.status_code == 200 and r.json()["total"] == 0
    r = await client.get("/api/v1/ideas?sort=sideways")
    assert r.status_code == 422 and "sort" in r.json()["error"]["fields"]
    # Withdrawing takes it out of the index once the worker has run.
    await client.delete(f"/api/v1/ideas/{a['id']}", headers=w.h_author)
    await run_worker(app)
    assert (await client.get("/api/v1/ideas?q=da nang")).json()["total"] == 0


async def test_top_and_hot_sorts_follow_votes(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await world()
    first = await new_idea(client, w.h_author, title="Thư viện sách cũ cho thiếu nhi")
    second = await new_idea(client, w.h_author, title="Sân chơi an toàn cho thiếu nhi")
    await client.post(f"/api/v1/ideas/{second['id']}/vote", headers=w.h_other)
    await run_worker(app)
    for sort in ("top", "hot"):
        items = (await client.get(f"/api/v1/ideas?sort={sort}")).json()["items"]
        assert [i["id"] for i in items] == [second["id"], first["id"]]
        assert items[0]["votes"] == 1


async def test_similar_ideas(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await world()
    existing = await new_idea(client, w.h_author, title="Ứng dụng chuyển đổi số cho chi đoàn")
    await run_worker(app)
    r = await client.get("/api/v1/ideas/similar?text=chuyển đổi số chi đoàn", headers=w.h_other)
    assert [h["id"] for h in r.json()["items"]] == [existing["id"]]
    r = await client.get("/api/v1/ideas/similar?text=và của những cái", headers=w.h_other)
    assert r.json()["items"] == []
    assert (await client.get("/api/v1/ideas/similar?text=abc")).status_code == 401


async def test_submit_by_form_with_similar_check_then_vote(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    existing = await new_idea(client, w.h_author, title="Ứng dụng chuyển đổi số cho chi đoàn")
    await run_worker(app)
    assert (await client.get("/ideas/new")).status_code == 303
    member = await factories.member(w.tree.ba_dinh, email="lan@example.vn")
    token = await log_in(client, "lan@example.vn")
    form = {
        "csrf_token": token,
        "title": "Chuyển đổi số chi đoàn phường",
        "summary": "Số hóa sổ đoàn viên cho chi đoàn phường.",
        "body": "Nội dung <script>x</script>",
        "field": "digital_transformation",
        "tags": "số hóa, chi đoàn",
    }
    r = await client.post("/ideas/new", data={**form, "action": "check"})
    assert r.status_code == 200 and f"/ideas/{existing['id']}" in r.text
    r = await client.post(f"/ideas/{existing['id']}/vote", data={"csrf_token": token})
    assert r.status_code == 303
    assert (await Idea.get(id=existing["id"])).votes == 1
    r = await client.post("/ideas/new", data={**form, "title": "", "action": "submitted"})
    assert r.status_code == 422 and "field-error" in r.text
    r = await client.post("/ideas/new", data={**form, "action": "submitted"})
    assert r.status_code == 303
    idea = await Idea.get(author_id=member.id)
    assert idea.tags == ["số hóa", "chi đoàn"] and idea.status == IdeaStatus.SUBMITTED
    page = await client.get(f"/ideas/{idea.id}")
    assert "&lt;script&gt;" in page.text and "<script>x" not in page.text
    r = await client.post("/ideas/new", data={**form, "csrf_token": "0" * 64})
    assert r.status_code == 403
    mine = await client.get("/ideas/mine")
    assert "Chuyển đổi số chi đoàn phường" in mine.text


async def test_pages_render_for_everyone(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    await run_worker(app)
    listing = await client.get("/ideas?q=chuyen doi so")
    assert listing.status_code == 200 and f"/ideas/{idea['id']}" in listing.text
    assert (await client.get("/ideas?sort=nope")).status_code == 200
    detail = await client.get(f"/ideas/{idea['id']}", headers={"Accept-Language": "en"})
    assert detail.status_code == 200 and "Log in to vote" in detail.text
    assert (await client.get("/ideas/999999")).status_code == 404
    assert (await client.get("/organise")).status_code == 303
    await log_in(client, w.other.email)
    assert (await client.get("/organise")).status_code == 403


async def test_organiser_pages(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    for h in (w.h_other, w.h_hcm, w.h_hcm_org):
        await client.post(f"/api/v1/ideas/{idea['id']}/reports", json={"reason": "Spam"}, headers=h)
    token = await log_in(client, w.organiser.email)
    landing = await client.get("/organise")
    assert "/contests/manage" in landing.text and "/organise/stats" in landing.text
    queue = await client.get("/organise/moderation")
    assert idea["title"] in queue.text
    r = await client.post(
        "/organise/moderation",
        data={"csrf_token": token, "idea_id": idea["id"], "decision": "hide"},
    )
    assert r.status_code == 303
    assert idea["title"] not in (await client.get("/organise/moderation")).text
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.HIDDEN
    detail = await client.get(f"/ideas/{idea['id']}")
    assert detail.status_code == 200 and f'action="/ideas/{idea["id"]}/review"' in detail.text
    r = await client.post(
        f"/ideas/{idea['id']}/review",
        data={"csrf_token": token, "status": "submitted", "note": ""},
    )
    assert r.status_code == 303
    review = await client.get("/organise/review")
    assert idea["title"] in review.text


async def test_the_forms_keep_the_same_write_limits_as_the_api(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, title="Ý tưởng để bình luận thật nhiều")
    reader = await factories.member(w.tree.hoan_kiem, name="Người Bình Luận")
    token = await log_in(client, reader.email)
    for n in range(20):
        r = await client.post(
            f"/ideas/{idea['id']}/comments", data={"csrf_token": token, "body": f"Ý kiến {n}"}
        )
        assert r.status_code == 303, r.text
    r = await client.post(
        f"/ideas/{idea['id']}/comments", data={"csrf_token": token, "body": "Một ý kiến nữa"}
    )
    assert r.status_code == 429
    comments = (await client.get(f"/api/v1/ideas/{idea['id']}/comments")).json()
    assert comments["total"] == 20
