"""The Idempotency-Key on the idea bank's member writes besides a new idea (the rule:
`ideas.idempotency`): comments, reports of ideas and comments, votes, attachments."""

from __future__ import annotations

import asyncio

import httpx2

from ideas.models import Attachment, Comment, Idea, IdeaStatus, Report, SubmissionKey, Vote
from tests import factories
from tests.ideas.world import idea_body, new_idea, world

PDF = b"%PDF-1.4\n% test\n"


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_a_retried_comment_is_stored_once(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/comments"
    body = {"body": "Ý kiến hay, mình ủng hộ."}
    first = await client.post(url, json=body, headers=keyed(w.h_other, "c-1"))
    again = await client.post(url, json=body, headers=keyed(w.h_other, "c-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await Comment.filter(idea_id=idea["id"]).count() == 1
    assert (await Idea.get(id=idea["id"])).comments == 1
    # The same key from another member is another member's request.
    theirs = await client.post(url, json=body, headers=keyed(w.h_hcm, "c-1"))
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
    # Without a key, each post is a new comment.
    await client.post(url, json=body, headers=w.h_other)
    assert await Comment.filter(idea_id=idea["id"]).count() == 3


async def test_concurrent_comments_with_one_key_make_one(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/comments"
    answers = await asyncio.gather(
        *(
            client.post(url, json={"body": "Đồng ý!"}, headers=keyed(w.h_other, "tap-tap"))
            for _ in range(6)
        )
    )
    assert [r.status_code for r in answers] == [201] * 6
    assert len({r.json()["id"] for r in answers}) == 1
    assert await Comment.filter(idea_id=idea["id"]).count() == 1
    assert (await Idea.get(id=idea["id"])).comments == 1


async def test_a_key_names_one_request_of_its_member(client: httpx2.AsyncClient) -> None:
    w = await world()
    a = await new_idea(client, w.h_author)
    b = await new_idea(client, w.h_author, title="Một ý tưởng khác hẳn cho đoàn viên")
    on_a = await client.post(
        f"/api/v1/ideas/{a['id']}/comments", json={"body": "Hay"}, headers=keyed(w.h_other, "k")
    )
    assert on_a.status_code == 201
    # The same key for a comment on another idea, a report or a new idea: 409, nothing made.
    for url, body in (
        (f"/api/v1/ideas/{b['id']}/comments", {"body": "Hay"}),
        (f"/api/v1/ideas/{a['id']}/reports", {"reason": "Trùng lặp"}),
        ("/api/v1/ideas", idea_body()),
    ):
        r = await client.post(url, json=body, headers=keyed(w.h_other, "k"))
        assert r.status_code == 409, (url, r.text)
        assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert await Comment.all().count() == 1
    assert await Report.all().count() == 0
    assert await Idea.all().count() == 2
    # A key that made an idea is not a comment's key either.
    made = await client.post("/api/v1/ideas", json=idea_body(), headers=keyed(w.h_other, "n"))
    r = await client.post(
        f"/api/v1/ideas/{a['id']}/comments", json={"body": "Hay"}, headers=keyed(w.h_other, "n")
    )
    assert made.status_code == 201 and r.status_code == 409


async def test_a_retried_report_answers_the_same_even_once_it_hid_the_idea(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/reports"
    first = await client.post(url, json={"reason": "Quảng cáo"}, headers=keyed(w.h_other, "r1"))
    again = await client.post(url, json={"reason": "Quảng cáo"}, headers=keyed(w.h_other, "r1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    # A second report with another key (or none) is a second report: refused.
    other = await client.post(url, json={"reason": "Spam"}, headers=keyed(w.h_other, "r2"))
    assert other.status_code == 409 and other.json()["error"]["code"] == "already_reported"
    await client.post(url, json={"reason": "Spam"}, headers=w.h_hcm)
    third = await factories.bearer(await factories.member(w.tree.ba_dinh))
    hid = await client.post(url, json={"reason": "Sai sự thật"}, headers=keyed(third, "r3"))
    assert hid.status_code == 201 and hid.json()["hidden"] is True
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.HIDDEN
    # The idea is no longer visible to that member, yet the retry gets the same answer.
    retry = await client.post(url, json={"reason": "Sai sự thật"}, headers=keyed(third, "r3"))
    assert retry.status_code == 201 and retry.json() == hid.json()
    assert await Report.filter(idea_id=idea["id"]).count() == 3


async def test_a_retried_comment_report_is_stored_once(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/comments", json={"body": "Mua hàng"}, headers=w.h_other
    )
    url = f"/api/v1/comments/{r.json()['id']}/reports"
    first = await client.post(url, json={"reason": "Quảng cáo"}, headers=keyed(w.h_hcm, "cr"))
    again = await client.post(url, json={"reason": "Quảng cáo"}, headers=keyed(w.h_hcm, "cr"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await Report.filter(comment_id=r.json()["id"]).count() == 1


async def test_a_retried_vote_answers_the_votes(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/vote"
    first = await client.post(url, headers=keyed(w.h_other, "v1"))
    again = await client.post(url, headers=keyed(w.h_other, "v1"))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"votes": 1}
    # Another vote of the same member (no key, or a new one) is still refused.
    assert (await client.post(url, headers=w.h_other)).status_code == 409
    assert (await client.post(url, headers=keyed(w.h_other, "v2"))).status_code == 409
    assert await Vote.filter(idea_id=idea["id"]).count() == 1
    assert (await Idea.get(id=idea["id"])).votes == 1


async def test_a_retried_upload_stores_one_file(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft")
    url = f"/api/v1/ideas/{idea['id']}/attachments"
    files = {"file": ("ke-hoach.pdf", PDF, "application/pdf")}
    first = await client.post(url, files=files, headers=keyed(w.h_author, "up-1"))
    again = await client.post(url, files=files, headers=keyed(w.h_author, "up-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await Attachment.filter(idea_id=idea["id"]).count() == 1
    assert await SubmissionKey.filter(member_id=w.author.id, kind="attachment").count() == 1
