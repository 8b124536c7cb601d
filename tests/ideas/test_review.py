"""Organisers: review with an official answer, merge and undo."""

from __future__ import annotations

import httpx2

from ideas.models import Idea, IdeaStatus, Merge, Vote
from tests import factories
from tests.ideas.world import new_idea, world


async def test_review_path_and_official_answer(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}/review"
    r = await client.post(url, json={"status": "accepted", "note": "ok"}, headers=w.h_hcm_org)
    assert r.status_code == 403
    r = await client.post(url, json={"status": "accepted", "note": "ok"}, headers=w.h_other)
    assert r.status_code == 403
    r = await client.post(url, json={"status": "implemented"}, headers=w.h_org)
    assert r.status_code == 409
    r = await client.post(url, json={"status": "under_review"}, headers=w.h_org)
    assert r.status_code == 200 and r.json()["status"] == "under_review"
    answer = "Thành đoàn sẽ triển khai thí điểm tại 3 phường trong quý tới."
    r = await client.post(url, json={"status": "accepted", "note": answer}, headers=w.h_org)
    assert r.json()["official_answer"] == answer
    r = await client.post(url, json={"status": "bogus"}, headers=w.h_org)
    assert r.status_code == 422 and "status" in r.json()["error"]["fields"]
    mine = await client.get("/ideas/mine", headers=w.h_author)
    assert answer in mine.text
    r = await client.post(url, json={"status": "implemented"}, headers=w.h_org)
    assert r.json()["status"] == "implemented"


async def test_merge_moves_votes_once_and_undo_is_exact(client: httpx2.AsyncClient) -> None:
    w = await world()
    target = await new_idea(client, w.h_author, title="Thu gom rác thải nhựa ở trường học")
    source = await new_idea(client, w.h_other, title="Phân loại rác nhựa tại trường")
    both = await factories.bearer(await factories.member(w.tree.hoan_kiem))
    only_source = await factories.bearer(await factories.member(w.tree.hoan_kiem))
    for h in (both,):
        await client.post(f"/api/v1/ideas/{target['id']}/vote", headers=h)
    for h in (both, only_source, w.h_hcm):
        await client.post(f"/api/v1/ideas/{source['id']}/vote", headers=h)
    await client.post(
        f"/api/v1/ideas/{source['id']}/comments", json={"body": "Hay quá"}, headers=w.h_hcm
    )
    url = f"/api/v1/ideas/{source['id']}/merge"
    assert (
        await client.post(url, json={"into_id": target["id"]}, headers=w.h_hcm_org)
    ).status_code == 403
    assert (
        await client.post(url, json={"into_id": source["id"]}, headers=w.h_org)
    ).status_code == 409
    r = await client.post(url, json={"into_id": target["id"]}, headers=w.h_org)
    assert r.status_code == 201, r.text
    merge_id = r.json()["id"]
    assert r.json()["moved_votes"] == 2
    t = await Idea.get(id=target["id"])
    assert t.votes == 3 == await Vote.filter(idea_id=t.id).count()
    s = await Idea.get(id=source["id"])
    assert s.status == IdeaStatus.MERGED and s.merged_into_id == t.id
    comments = (await client.get(f"/api/v1/ideas/{target['id']}/comments")).json()
    assert [c["body"] for c in comments["items"]] == ["Hay quá"]
    page = await client.get(f"/ideas/{source['id']}")
    assert f"/ideas/{target['id']}" in page.text

    r = await client.post(f"/api/v1/ideas/merges/{merge_id}/undo", headers=w.h_org)
    assert r.status_code == 200 and r.json()["undone_at"]
    assert (await Idea.get(id=target["id"])).votes == 1
    s = await Idea.get(id=source["id"])
    assert s.status == IdeaStatus.SUBMITTED and s.merged_into_id is None
    assert await Vote.filter(idea_id=source["id"]).count() == 3 == s.votes
    r = await client.post(f"/api/v1/ideas/merges/{merge_id}/undo", headers=w.h_org)
    assert r.status_code == 409
    assert await Merge.filter(id=merge_id, undone_at__isnull=False).exists()
