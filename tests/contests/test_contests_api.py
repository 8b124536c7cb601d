from __future__ import annotations

from datetime import timedelta

import httpx2

from core import clock
from tests.contests.world import contest_body, iso, world


async def test_organiser_creates_publishes_and_anyone_lists(client: httpx2.AsyncClient) -> None:
    w = await world()
    r = await client.post("/api/v1/contests", json=contest_body(w), headers=w.org_auth)
    assert r.status_code == 201, r.text
    contest = r.json()
    assert contest["status"] == "draft"
    assert contest["unit"]["id"] == w.tree.hanoi.id
    # A draft is not listed for members, nor readable.
    r = await client.get("/api/v1/contests", headers=w.alice_auth)
    assert r.json()["total"] == 0
    r = await client.get(f"/api/v1/contests/{contest['id']}")
    assert r.status_code == 404
    r = await client.post(f"/api/v1/contests/{contest['id']}/publish", headers=w.org_auth)
    assert r.status_code == 200
    assert r.json()["status"] == "open"
    r = await client.post(f"/api/v1/contests/{contest['id']}/publish", headers=w.org_auth)
    assert r.status_code == 409
    r = await client.get("/api/v1/contests?status=open")
    body = r.json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    assert (await client.get("/api/v1/contests?status=closed")).json()["total"] == 0


async def test_status_follows_the_clock(client: httpx2.AsyncClient) -> None:
    w = await world()
    now = clock.now()
    body = contest_body(
        w, opens_at=iso(now + timedelta(hours=1)), closes_at=iso(now + timedelta(hours=3))
    )
    contest_id = (await client.post("/api/v1/contests", json=body, headers=w.org_auth)).json()["id"]
    await client.post(f"/api/v1/contests/{contest_id}/publish", headers=w.org_auth)
    assert (await client.get(f"/api/v1/contests/{contest_id}")).json()["status"] == "scheduled"
    clock.travel(timedelta(hours=2))
    assert (await client.get(f"/api/v1/contests/{contest_id}")).json()["status"] == "open"
    clock.travel(timedelta(hours=2))
    assert (await client.get(f"/api/v1/contests/{contest_id}")).json()["status"] == "closed"
    assert (await client.get("/api/v1/contests?status=closed")).json()["total"] == 1


async def test_only_organisers_of_the_unit_or_above_create(client: httpx2.AsyncClient) -> None:
    w = await world()
    r = await client.post("/api/v1/contests", json=contest_body(w), headers=w.alice_auth)
    assert r.status_code == 403
    r = await client.post("/api/v1/contests", json=contest_body(w))
    assert r.status_code == 401
    r = await client.post(
        "/api/v1/contests", json=contest_body(w, unit_id=w.tree.hcm.id), headers=w.org_auth
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/contests", json=contest_body(w, unit_id=w.tree.hoan_kiem.id), headers=w.org_auth
    )
    assert r.status_code == 201
    contest_id = r.json()["id"]
    r = await client.post(f"/api/v1/contests/{contest_id}/publish", headers=w.alice_auth)
    assert r.status_code == 403


async def test_bad_input_names_the_field(client: httpx2.AsyncClient) -> None:
    w = await world()
    now = clock.now()
    r = await client.post(
        "/api/v1/contests",
        json=contest_body(w, closes_at=iso(now - timedelta(hours=2))),
        headers={**w.org_auth, "Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert "closes_at" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/contests",
        json=contest_body(w, kind="ideas", judging_opens_at=iso(now)),
        headers=w.org_auth,
    )
    assert r.status_code == 422
    assert "judging_opens_at" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/contests", json=contest_body(w, kind="poker"), headers=w.org_auth
    )
    assert r.status_code == 422 and "kind" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/contests",
        content=b"{not json",
        headers={**w.org_auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    r = await client.post(
        "/api/v1/contests",
        json=contest_body(w, eligibility={"unit_id": w.tree.ben_thanh.id}),
        headers=w.org_auth,
    )
    assert r.status_code == 422 and "eligibility.unit_id" in r.json()["error"]["fields"]


async def test_idea_contest_with_judging_window(client: httpx2.AsyncClient) -> None:
    w = await world()
    now = clock.now()
    body = contest_body(
        w,
        kind="ideas",
        judging_opens_at=iso(now + timedelta(days=3)),
        judging_closes_at=iso(now + timedelta(days=5)),
    )
    r = await client.post("/api/v1/contests", json=body, headers=w.org_auth)
    assert r.status_code == 201, r.text
    assert r.json()["judging_closes_at"].startswith(str((now + timedelta(days=5)).year))


async def test_errors_speak_vietnamese(client: httpx2.AsyncClient) -> None:
    w = await world()
    r = await client.post(
        "/api/v1/contests", json=contest_body(w), headers={**w.alice_auth, "Accept-Language": "vi"}
    )
    assert r.json()["error"]["message"].startswith("Chỉ ban tổ chức cuộc thi này")
    now = clock.now()
    r = await client.post(
        "/api/v1/contests",
        json=contest_body(w, closes_at=iso(now - timedelta(hours=2))),
        headers={**w.org_auth, "Accept-Language": "vi"},
    )
    assert r.json()["error"]["fields"]["closes_at"] == "Phải sau thời điểm bắt đầu."
