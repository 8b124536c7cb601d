"""Submitting, reading, editing and withdrawing ideas through the API."""

from __future__ import annotations

from typing import Any

import httpx2

from core.outbox import OutboxEvent
from ideas.models import Idea, IdeaStatus
from tests.ideas.world import idea_body, new_idea, world


async def test_submit_then_read(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, co_author_ids=[w.other.id])
    assert idea["status"] == "submitted"
    assert idea["author"] == {"id": w.author.id, "display_name": "Nguyễn Văn Tác Giả"}
    assert idea["unit"]["id"] == w.tree.hoan_kiem.id
    assert idea["co_authors"][0]["id"] == w.other.id
    assert "<strong>khó</strong>" in idea["body_html"]
    r = await client.get(f"/api/v1/ideas/{idea['id']}")
    assert r.status_code == 200
    assert r.json()["title"] == "Ứng dụng chuyển đổi số cho chi đoàn"
    assert await OutboxEvent.filter(topic="idea", entity_id=idea["id"]).count() == 1


async def test_script_in_body_is_inert(client: httpx2.AsyncClient) -> None:
    w = await world()
    body = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    idea = await new_idea(client, w.h_author, body=body)
    assert idea["body"] == body
    assert "<script" not in idea["body_html"] and "<img" not in idea["body_html"]
    assert "javascript:" not in idea["body_html"].replace("(javascript:alert(1))", "")


async def test_bad_input_names_the_field_and_stores_nothing(client: httpx2.AsyncClient) -> None:
    w = await world()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"field": "astrology"}, "field"),
        ({"tags": [f"t{i}" for i in range(1000)]}, "tags"),
        ({"tags": ["x" * 31]}, "tags"),
        ({"body": "   "}, "body"),
        ({"co_author_ids": [999999]}, "co_author_ids"),
    ]
    for over, field in cases:
        r = await client.post("/api/v1/ideas", json=idea_body(**over), headers=w.h_author)
        assert r.status_code == 422, (over, r.text)
        assert field in r.json()["error"]["fields"], r.json()
    r = await client.post("/api/v1/ideas", content=b"{not json", headers=w.h_author)
    assert r.status_code == 400
    r = await client.post("/api/v1/ideas", json=idea_body())
    assert r.status_code == 401
    assert await Idea.all().count() == 0


async def test_errors_speak_the_request_language(client: httpx2.AsyncClient) -> None:
    w = await world()
    headers = {**w.h_other, "Accept-Language": "vi"}
    idea = await new_idea(client, w.h_author)
    r = await client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"title": "Tiêu đề mới hơn"}, headers=headers
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "Chỉ tác giả của ý tưởng mới được làm việc này."


async def test_drafts_are_for_authors_only(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft", co_author_ids=[w.other.id])
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/ideas/{idea['id']}", headers=w.h_org)).status_code == 404
    r = await client.get(f"/api/v1/ideas/{idea['id']}", headers=w.h_other)
    assert r.status_code == 200  # a co-author is an author
    r = await client.patch(
        f"/api/v1/ideas/{idea['id']}", json={"status": "submitted"}, headers=w.h_other
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).status_code == 200


async def test_edit_rules(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}"
    r = await client.patch(url, json={"title": "Bản sửa của người khác"}, headers=w.h_hcm)
    assert r.status_code == 403
    r = await client.patch(
        url, json={"summary": "Tóm tắt đã được sửa lại cho rõ."}, headers=w.h_author
    )
    assert r.status_code == 200 and r.json()["summary"] == "Tóm tắt đã được sửa lại cho rõ."
    r = await client.patch(url, json={"status": "draft"}, headers=w.h_author)
    assert r.status_code == 409
    await Idea.filter(id=idea["id"]).update(status=IdeaStatus.ACCEPTED)
    r = await client.patch(url, json={"title": "Sửa sau khi duyệt"}, headers=w.h_author)
    assert r.status_code == 409


async def test_withdraw_keeps_the_idea(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}"
    assert (await client.delete(url, headers=w.h_other)).status_code == 403
    assert (await client.delete(url, headers=w.h_author)).status_code == 204
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.WITHDRAWN
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=w.h_author)).json()["status"] == "withdrawn"
    assert (await client.get(url, headers=w.h_org)).status_code == 200
    assert (await client.get(url, headers=w.h_hcm_org)).status_code == 404


async def test_idempotency_key_gives_the_same_idea(client: httpx2.AsyncClient) -> None:
    w = await world()
    headers = {**w.h_author, "Idempotency-Key": "form-42"}
    first = await client.post("/api/v1/ideas", json=idea_body(), headers=headers)
    again = await client.post("/api/v1/ideas", json=idea_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert await Idea.all().count() == 1
    other = await client.post(
        "/api/v1/ideas", json=idea_body(), headers={**w.h_other, "Idempotency-Key": "form-42"}
    )
    assert other.json()["id"] != first.json()["id"]


async def test_openapi_lists_the_idea_routes(client: httpx2.AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/ideas",
        "/api/v1/ideas/{id}/vote",
        "/api/v1/ideas/{id}/review",
        "/api/v1/ideas/similar",
        "/api/v1/ideas/export.csv",
        "/api/v1/stats",
        "/api/v1/comments/{id}/reports",
        "/api/v1/ideas/merges/{id}/undo",
    ):
        assert path in paths, path
