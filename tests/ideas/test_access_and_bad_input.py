"""Every idea endpoint checks who may touch the object, and bad input gets the error shape.

API.md: 401 without credentials, 403 when not allowed, 404 for what the caller may not see
(a draft is its authors' alone), 400/413/422 for bad input — never a 500, nothing stored.
"""

from __future__ import annotations

from typing import Any

import httpx2

from ideas.models import Attachment, Comment, Idea, IdeaStatus, Merge, Report, Vote
from tests.ideas.world import World, new_idea, world

PDF = b"%PDF-1.4\n% test\n"
PDF_FILE = {"file": ("ke-hoach.pdf", PDF, "application/pdf")}


def error_of(r: httpx2.Response) -> dict[str, Any]:
    """The API.md error object of a refused request (fails on any other shape)."""
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["message"], body
    error: dict[str, Any] = body["error"]
    return error


async def every_request(
    client: httpx2.AsyncClient, idea_id: int, file_id: int, headers: dict[str, str]
) -> dict[str, httpx2.Response]:
    """Each endpoint that reads or changes one idea, called on `idea_id` as `headers`."""
    url = f"/api/v1/ideas/{idea_id}"
    calls: dict[str, Any] = {
        "read": client.get(url, headers=headers),
        "edit": client.patch(url, json={"title": "Sửa ý tưởng của người khác"}, headers=headers),
        "withdraw": client.delete(url, headers=headers),
        "vote": client.post(url + "/vote", headers=headers),
        "unvote": client.delete(url + "/vote", headers=headers),
        "comments": client.get(url + "/comments", headers=headers),
        "comment": client.post(url + "/comments", json={"body": "Ý kiến"}, headers=headers),
        "report": client.post(url + "/reports", json={"reason": "Spam"}, headers=headers),
        "review": client.post(url + "/review", json={"status": "under_review"}, headers=headers),
        "merge": client.post(url + "/merge", json={"into_id": idea_id}, headers=headers),
        "moderate": client.post(url + "/moderation", json={"decision": "hide"}, headers=headers),
        "attach": client.post(url + "/attachments", files=PDF_FILE, headers=headers),
        "download": client.get(f"{url}/attachments/{file_id}", headers=headers),
        "detach": client.delete(f"{url}/attachments/{file_id}", headers=headers),
    }
    return {name: await call for name, call in calls.items()}


async def draft_with_a_file(client: httpx2.AsyncClient, w: World) -> tuple[int, int]:
    idea = await new_idea(client, w.h_author, status="draft")
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/attachments", files=PDF_FILE, headers=w.h_author
    )
    assert r.status_code == 201, r.text
    return int(idea["id"]), int(r.json()["id"])


async def assert_untouched(idea_id: int, status: IdeaStatus) -> None:
    idea = await Idea.get(id=idea_id)
    assert idea.status == status and idea.title != "Sửa ý tưởng của người khác"
    assert await Attachment.filter(idea_id=idea_id).count() == 1
    assert await Vote.filter(idea_id=idea_id).count() == 0
    assert await Comment.filter(idea_id=idea_id).count() == 0
    assert await Report.filter(idea_id=idea_id).count() == 0
    assert await Merge.all().count() == 0


async def test_a_draft_is_invisible_to_everyone_but_its_authors(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea_id, file_id = await draft_with_a_file(client, w)
    # a member elsewhere, and the organiser of the draft's own province: as if it did not exist
    for headers in (w.h_hcm, w.h_org):
        answers = await every_request(client, idea_id, file_id, headers)
        for name, r in answers.items():
            assert r.status_code == 404, (name, r.status_code, r.text)
            error_of(r)
    anonymous = await every_request(client, idea_id, file_id, {})
    for name in ("read", "comments", "download"):
        assert anonymous[name].status_code == 404, name
    for name, r in anonymous.items():
        if name not in ("read", "comments", "download"):
            assert r.status_code == 401, (name, r.status_code)
            error_of(r)
    await assert_untouched(idea_id, IdeaStatus.DRAFT)


async def test_only_authors_change_and_only_its_organisers_judge_a_public_idea(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea_id, file_id = await draft_with_a_file(client, w)
    r = await client.patch(
        f"/api/v1/ideas/{idea_id}", json={"status": "submitted"}, headers=w.h_author
    )
    assert r.status_code == 200
    # another member may read, vote, comment and report, but not change it or judge it
    answers = await every_request(client, idea_id, file_id, w.h_hcm)
    for name in ("edit", "withdraw", "attach", "detach", "review", "merge", "moderate"):
        assert answers[name].status_code == 403, (name, answers[name].text)
        error_of(answers[name])
    for name in ("read", "comments", "download", "vote", "comment", "report"):
        assert answers[name].status_code in (200, 201), (name, answers[name].text)
    # an organiser of another province may not judge it either
    hcm = await every_request(client, idea_id, file_id, w.h_hcm_org)
    for name in ("edit", "withdraw", "attach", "detach", "review", "merge", "moderate"):
        assert hcm[name].status_code == 403, (name, hcm[name].text)
    idea = await Idea.get(id=idea_id)
    assert idea.status == IdeaStatus.SUBMITTED and idea.title != "Sửa ý tưởng của người khác"
    assert await Attachment.filter(idea_id=idea_id).count() == 1
    assert await Merge.all().count() == 0


async def test_a_merge_is_undone_only_by_organisers_of_both_ideas(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    target = await new_idea(client, w.h_author, title="Thu gom rác thải nhựa ở trường học")
    source = await new_idea(client, w.h_other, title="Phân loại rác nhựa tại trường")
    hcm_idea = await new_idea(client, w.h_hcm, title="Phân loại rác ở Bến Thành")
    r = await client.post(
        f"/api/v1/ideas/{source['id']}/merge", json={"into_id": hcm_idea["id"]}, headers=w.h_org
    )
    assert r.status_code == 403  # the target lies outside the organiser's units
    r = await client.post(
        f"/api/v1/ideas/{source['id']}/merge", json={"into_id": target["id"]}, headers=w.h_org
    )
    assert r.status_code == 201
    undo = f"/api/v1/ideas/merges/{r.json()['id']}/undo"
    for headers, status in ((w.h_hcm_org, 403), (w.h_author, 403), ({}, 401)):
        r = await client.post(undo, headers=headers)
        assert r.status_code == status, r.text
        error_of(r)
    assert (
        await client.post("/api/v1/ideas/merges/999999/undo", headers=w.h_org)
    ).status_code == 404
    assert (await Idea.get(id=source["id"])).status == IdeaStatus.MERGED


async def test_bad_input_on_every_idea_endpoint_gets_the_error_shape(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}"
    not_json: dict[str, Any] = {
        "content": b"{not json",
        "headers": {**w.h_org, "content-type": "application/json"},
    }
    cases: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", "/api/v1/ideas", {"json": [1, 2], "headers": w.h_author}, 422),
        ("POST", "/api/v1/ideas", {"json": {"title": None}, "headers": w.h_author}, 422),
        ("POST", "/api/v1/ideas", {**not_json}, 400),
        ("PATCH", url, {"json": {"tags": "không phải danh sách"}, "headers": w.h_author}, 422),
        ("PATCH", url, {"json": {"nobody": 1}, "headers": w.h_author}, 422),
        ("PATCH", url, {"json": {"co_author_ids": [999999]}, "headers": w.h_author}, 422),
        ("PATCH", url, {**not_json, "headers": {**w.h_author, **not_json["headers"]}}, 400),
        ("GET", "/api/v1/ideas?per_page=1000", {}, 422),
        ("GET", "/api/v1/ideas?page=0", {}, 422),
        ("GET", "/api/v1/ideas?sort=cheapest", {}, 422),
        ("GET", "/api/v1/ideas?unit_id=abc", {}, 422),
        ("GET", "/api/v1/ideas?unit_id=999999", {}, 422),
        ("GET", "/api/v1/ideas?year=99999", {}, 422),
        ("GET", "/api/v1/ideas?q=" + "a" * 10_000, {}, 422),
        ("GET", "/api/v1/ideas/similar?text=" + "a" * 10_000, {"headers": w.h_author}, 422),
        ("GET", "/api/v1/ideas/999999", {}, 404),
        ("GET", url + "/comments?per_page=-1", {}, 422),
        ("POST", url + "/comments", {"json": {"body": ""}, "headers": w.h_other}, 422),
        ("POST", url + "/comments", {"json": {}, "headers": w.h_other}, 422),
        ("POST", url + "/reports", {"json": {"reason": "x" * 5000}, "headers": w.h_other}, 422),
        (
            "POST",
            "/api/v1/comments/999999/reports",
            {"json": {"reason": "Spam"}, "headers": w.h_other},
            404,
        ),
        ("POST", url + "/review", {"json": {"status": "draft"}, "headers": w.h_org}, 422),
        ("POST", url + "/review", {**not_json}, 400),
        ("POST", url + "/merge", {"json": {"into_id": "abc"}, "headers": w.h_org}, 422),
        ("POST", url + "/merge", {"json": {"into_id": 999999}, "headers": w.h_org}, 404),
        ("POST", url + "/moderation", {"json": {"decision": "burn"}, "headers": w.h_org}, 422),
        (
            "POST",
            url + "/moderation",
            {"json": {"decision": "hide", "comment_id": 999999}, "headers": w.h_org},
            404,
        ),
        ("POST", url + "/attachments", {"data": {"x": "1"}, "headers": w.h_author}, 422),
        ("GET", url + "/attachments/999999", {}, 404),
        ("GET", "/api/v1/ideas/export.csv?unit_id=999999", {"headers": w.h_org}, 422),
        ("GET", "/api/v1/ideas/export.csv?year=abc", {"headers": w.h_org}, 422),
        ("GET", "/api/v1/stats?unit_id=abc", {"headers": w.h_org}, 422),
        ("GET", "/api/v1/stats?unit_id=999999", {"headers": w.h_org}, 422),
    ]
    for method, path, kwargs, status in cases:
        r = await client.request(method, path, **kwargs)
        assert r.status_code == status, (method, path[:80], r.status_code, r.text[:300])
        error = error_of(r)
        if status == 422:
            assert error.get("fields"), (path[:80], error)
    fresh = await Idea.get(id=idea["id"])
    assert fresh.status == IdeaStatus.SUBMITTED and fresh.title == idea["title"]
    assert await Idea.all().count() == 1
    assert await Comment.all().count() == 0 and await Report.all().count() == 0
