"""Assignment: balanced loads, no conflicts of interest, clear refusals, nothing half-stored."""

from __future__ import annotations

from collections import Counter

import httpx2

from accounts.models import Role, RoleName
from contests.judging.assignment import EntryFacts, JudgeFacts, plan, ward_key
from contests.judging.models import Assignment
from tests.contests.judging.world import CRITERIA, World, build, entered
from tests.factories import member


async def _setup(client: httpx2.AsyncClient, judge_count: int = 3) -> tuple[World, list[int]]:
    w = await build(judge_count=judge_count)
    ids = await entered(w)
    base = f"/api/v1/contests/{w.contest.id}"
    r = await client.post(f"{base}/criteria", json=CRITERIA, headers=w.h(w.organiser))
    assert r.status_code == 201, r.text
    for j in w.judges:
        r = await client.post(f"{base}/judges", json={"member_id": j.id}, headers=w.h(w.organiser))
        assert r.status_code == 201, r.text
    return w, ids


async def test_assignment_is_balanced_and_complete(client: httpx2.AsyncClient) -> None:
    w, ids = await _setup(client, judge_count=3)
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/assignments",
        json={"reviews_per_entry": 2},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 201, r.text
    pairs = r.json()["assignments"]
    per_entry = Counter(a["entry_id"] for a in pairs)
    assert per_entry == dict.fromkeys(ids, 2)
    loads = Counter(a["judge_id"] for a in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert len({(a["entry_id"], a["judge_id"]) for a in pairs}) == len(pairs)


async def test_inviting_a_judge_grants_the_role(client: httpx2.AsyncClient) -> None:
    w, _ = await _setup(client)
    for j in w.judges:
        assert await Role.exists(member_id=j.id, role=RoleName.JUDGE)


async def test_more_reviews_than_judges_is_refused(client: httpx2.AsyncClient) -> None:
    w, _ = await _setup(client, judge_count=2)
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/assignments",
        json={"reviews_per_entry": 3},
        headers=w.h(w.organiser) | {"Accept-Language": "en"},
    )
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "too_few_judges"
    assert "reviews_per_entry" in body["fields"]
    assert "(3)" in body["message"] and "(2)" in body["message"]
    assert await Assignment.all().count() == 0


async def test_conflicts_of_interest_are_never_assigned(client: httpx2.AsyncClient) -> None:
    w = await build(judge_count=2)
    # A judge from the author's own ward (Hoàn Kiếm) and a judge who co-authored an idea.
    neighbour = await member(w.tree.chapter, name="Hàng Xóm")
    w.judges.append(neighbour)
    from tests.factories import bearer

    w.headers[neighbour.id] = await bearer(neighbour)
    ids = await entered(w)
    base = f"/api/v1/contests/{w.contest.id}"
    await client.post(f"{base}/criteria", json=CRITERIA, headers=w.h(w.organiser))
    for j in w.judges:
        await client.post(f"{base}/judges", json={"member_id": j.id}, headers=w.h(w.organiser))
    # The neighbour may only review the entry from outside Hoàn Kiếm (author 3, Hà Nội).
    r = await client.post(
        f"{base}/assignments", json={"reviews_per_entry": 2}, headers=w.h(w.organiser)
    )
    assert r.status_code == 201, r.text
    for a in r.json()["assignments"]:
        if a["judge_id"] == neighbour.id:
            assert a["entry_id"] == ids[2]
    # Single add of a conflicted pair is refused.
    r = await client.post(
        f"{base}/assignments/single",
        json={"entry_id": ids[0], "judge_id": neighbour.id},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict_of_interest"


async def test_short_entries_are_named_and_nothing_is_stored(client: httpx2.AsyncClient) -> None:
    w, ids = await _setup(client, judge_count=2)
    base = f"/api/v1/contests/{w.contest.id}"
    org = w.h(w.organiser)
    r = await client.post(
        f"{base}/conflicts",
        json={"judge_id": w.judges[0].id, "entry_id": ids[1]},
        headers=org,
    )
    assert r.status_code == 201
    r = await client.post(f"{base}/assignments", json={"reviews_per_entry": 2}, headers=org)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "assignment_impossible"
    assert list(err["fields"]) == [f"entries.{ids[1]}"]
    assert await Assignment.all().count() == 0


async def test_single_add_and_remove(client: httpx2.AsyncClient) -> None:
    w, ids = await _setup(client, judge_count=3)
    base = f"/api/v1/contests/{w.contest.id}"
    org = w.h(w.organiser)
    judge = w.judges[0]
    r = await client.post(
        f"{base}/assignments/single", json={"entry_id": ids[0], "judge_id": judge.id}, headers=org
    )
    assert r.status_code == 201
    again = await client.post(
        f"{base}/assignments/single", json={"entry_id": ids[0], "judge_id": judge.id}, headers=org
    )
    assert again.status_code == 409
    stranger = await client.delete(
        f"/api/v1/judging/assignments/{r.json()['id']}",
        headers=w.h(judge),
    )
    assert stranger.status_code == 403
    gone = await client.delete(f"/api/v1/judging/assignments/{r.json()['id']}", headers=org)
    assert gone.status_code == 204
    assert await Assignment.all().count() == 0


async def test_only_organisers_manage(client: httpx2.AsyncClient) -> None:
    w = await build()
    base = f"/api/v1/contests/{w.contest.id}"
    member_h = w.h(w.authors[0])
    for method, path, body in [
        ("POST", "/criteria", CRITERIA),
        ("POST", "/judges", {"member_id": w.judges[0].id}),
        ("POST", "/assignments", {"reviews_per_entry": 1}),
        ("GET", "/judging/progress", None),
        ("GET", "/scores.csv", None),
        ("GET", "/ranking.csv", None),
    ]:
        r = await client.request(method, base + path, json=body, headers=member_h)
        assert r.status_code == 403, path
        anon = await client.request(method, base + path, json=body)
        assert anon.status_code == 401, path


async def test_weights_must_add_up_to_100(client: httpx2.AsyncClient) -> None:
    w = await build()
    url = f"/api/v1/contests/{w.contest.id}/criteria"
    bad = [
        {"name": "A", "weight": 50, "max_score": 10},
        {"name": "B", "weight": 40, "max_score": 10},
    ]
    r = await client.post(url, json=bad, headers=w.h(w.organiser) | {"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "bad_weights"
    assert "90" in r.json()["error"]["message"]
    assert "weight" in r.json()["error"]["fields"]
    r = await client.post(
        url, json=[{"name": "A", "weight": 100, "max_score": -1}], headers=w.h(w.organiser)
    )
    assert r.status_code == 422
    assert (await client.get(url)).json()["items"] == []


def test_plan_balances_without_conflicts() -> None:
    entries = [EntryFacts(e, "x", frozenset({100 + e}), frozenset()) for e in range(1, 11)]
    judges = [JudgeFacts(j, None, None) for j in range(1, 5)]
    result = plan(entries, judges, 3, set())
    loads = Counter(j for _, j in result.pairs)
    assert not result.short
    assert sorted(loads.values()) == [7, 7, 8, 8]


def test_ward_key_compares_ward_level_ancestors() -> None:
    assert ward_key("VN/P01/W00070/C1/") == ward_key("VN/P01/W00070/")
    assert ward_key("VN/P01/") is None
    assert ward_key("VN/P01/W00004/") != ward_key("VN/P01/W00070/")
