"""Votes, comments and reports."""

from __future__ import annotations

import asyncio

import httpx2
import pytest
from tortoise.exceptions import IntegrityError

from core import clock
from ideas.models import Comment, Idea, IdeaStatus, Report, Vote
from tests import factories
from tests.ideas.world import new_idea, world


async def test_vote_once_and_take_it_back(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/vote"
    r = await client.post(url, headers=w.h_other)
    assert r.status_code == 200 and r.json() == {"votes": 1}
    r = await client.post(url, headers=w.h_other)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_voted"
    assert (await client.post(url, headers=w.h_hcm)).json() == {"votes": 2}
    assert (await client.delete(url, headers=w.h_other)).json() == {"votes": 1}
    assert (await client.delete(url, headers=w.h_other)).status_code == 409
    assert (await client.post(url)).status_code == 401
    assert (await Idea.get(id=idea["id"])).votes == await Vote.filter(idea_id=idea["id"]).count()


async def test_drafts_take_no_votes(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft")
    r = await client.post(f"/api/v1/ideas/{idea['id']}/vote", headers=w.h_other)
    assert r.status_code == 404
    r = await client.post(f"/api/v1/ideas/{idea['id']}/vote", headers=w.h_author)
    assert r.status_code == 409


async def test_comments_are_public_and_paged(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/comments"
    for i in range(3):
        r = await client.post(url, json={"body": f"Ý kiến số {i}"}, headers=w.h_other)
        assert r.status_code == 201
    r = await client.post(url, json={"body": "x" * 2001}, headers=w.h_other)
    assert r.status_code == 422 and "body" in r.json()["error"]["fields"]
    r = await client.post(url, json={"body": "<b>hi</b>"})
    assert r.status_code == 401
    r = await client.get(url + "?per_page=2&page=2")
    data = r.json()
    assert data["total"] == 3 and [c["body"] for c in data["items"]] == ["Ý kiến số 2"]
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).json()["comments"] == 3


async def test_three_reports_hide_an_idea_until_an_organiser_decides(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/reports"
    reporters = [w.h_other, w.h_hcm, await factories.bearer(await factories.member(w.tree.ba_dinh))]
    r = await client.post(url, json={"reason": "Quảng cáo"}, headers=reporters[0])
    assert r.status_code == 201 and r.json()["hidden"] is False
    again = await client.post(url, json={"reason": "Quảng cáo"}, headers=reporters[0])
    assert again.status_code == 409
    await client.post(url, json={"reason": "Spam"}, headers=reporters[1])
    r = await client.post(url, json={"reason": "Sai sự thật"}, headers=reporters[2])
    assert r.json()["hidden"] is True
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).status_code == 404
    # An organiser of another province may not even see the hidden idea (404, as for GET);
    # the one of Hà Nội may decide.
    decide = f"/api/v1/ideas/{idea['id']}/moderation"
    r = await client.post(decide, json={"decision": "restore"}, headers=w.h_hcm_org)
    assert r.status_code == 404
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.HIDDEN
    r = await client.post(decide, json={"decision": "restore"}, headers=w.h_org)
    assert r.status_code == 204
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.SUBMITTED
    assert (await client.get(f"/api/v1/ideas/{idea['id']}")).status_code == 200


async def test_one_member_cannot_hide_an_idea_by_reporting_it_three_times_at_once(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/reports"
    replies = await asyncio.gather(
        *(client.post(url, json={"reason": f"Spam {n}"}, headers=w.h_other) for n in range(5))
    )
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409, 409]
    assert await Report.filter(idea_id=idea["id"]).count() == 1
    assert (await Idea.get(id=idea["id"])).status == IdeaStatus.SUBMITTED
    # and the database itself holds one report of the idea per member
    with pytest.raises(IntegrityError):
        await Report.create(
            idea_id=idea["id"],
            member_id=w.other.id,
            reason="again",
            unit_path=(await Idea.get(id=idea["id"])).unit_path,
            created_at=clock.now(),
        )


async def test_reported_comments_hide_after_three(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/comments",
        json={"body": "Mua hàng giá rẻ tại đây"},
        headers=w.h_other,
    )
    comment_id = r.json()["id"]
    url = f"/api/v1/comments/{comment_id}/reports"
    for h in (w.h_author, w.h_hcm, w.h_org):
        assert (await client.post(url, json={"reason": "Quảng cáo"}, headers=h)).status_code == 201
    assert (await Comment.get(id=comment_id)).hidden
    listed = (await client.get(f"/api/v1/ideas/{idea['id']}/comments")).json()
    assert listed["total"] == 0
    assert (
        await client.post(
            "/api/v1/comments/999999/reports", json={"reason": "abc"}, headers=w.h_other
        )
    ).status_code == 404


async def test_nobody_reports_their_own_idea_or_comment(client: httpx2.AsyncClient) -> None:
    """An author's report would bring their own idea a report closer to hiding."""
    w = await world()
    idea = await new_idea(client, w.h_author)
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/reports", json={"reason": "Tự báo cáo"}, headers=w.h_author
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "own_report"
    assert r.json()["error"]["message"] == (
        "Bạn không thể báo cáo ý tưởng hay bình luận của chính mình."
    )
    comment = await client.post(
        f"/api/v1/ideas/{idea['id']}/comments", json={"body": "Ý kiến của tôi"}, headers=w.h_other
    )
    r = await client.post(
        f"/api/v1/comments/{comment.json()['id']}/reports",
        json={"reason": "Tự báo cáo"},
        headers=w.h_other,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "own_report"
    assert await Report.all().count() == 0
