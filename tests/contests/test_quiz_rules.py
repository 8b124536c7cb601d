"""Issue 4's remaining rules, through the API: eligibility by subtree and age, draws by tags
and difficulty, when explanations show, the live activity by province, the CSV export, and
the clock-driven status kept in step (stored column and search index) by the cron."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from contests import tasks
from contests.models import Attempt, Contest, Question
from core import clock
from core.load_once import settle_every_cache
from tests.contests.world import (
    answers_for,
    contest_body,
    iso,
    questions,
    quiz_contest,
    quiz_round,
    world,
)
from tests.factories import bearer, member
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _submit_all_right(
    client: httpx2.AsyncClient, round_id: Any, auth: dict[str, str]
) -> dict[str, Any]:
    r = await client.post(f"/api/v1/rounds/{round_id}/attempts", headers=auth)
    assert r.status_code == 201, r.text
    started: dict[str, Any] = r.json()
    answers = await answers_for(started["questions"])
    await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": answers}, headers=auth
    )
    r = await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=auth)
    assert r.status_code == 202
    return started


async def test_eligibility_by_unit_subtree_and_age(client: httpx2.AsyncClient) -> None:
    w = await world()
    body = contest_body(
        w, eligibility={"unit_id": w.tree.hoan_kiem.id, "min_age": 16, "max_age": 30}
    )
    contest_id = (await client.post("/api/v1/contests", json=body, headers=w.org_auth)).json()["id"]
    await client.post(f"/api/v1/contests/{contest_id}/publish", headers=w.org_auth)
    await client.post(
        f"/api/v1/contests/{contest_id}/questions", json=questions(6), headers=w.org_auth
    )
    round_ = await quiz_round(client, w, contest_id)
    url = f"/api/v1/rounds/{round_['id']}/attempts"
    year = clock.now().year
    young_in_chapter = await bearer(await member(w.tree.chapter, birth_year=year - 16))
    too_old = await bearer(await member(w.tree.hoan_kiem, birth_year=year - 31))
    too_young = await bearer(await member(w.tree.hoan_kiem, birth_year=year - 15))
    assert (await client.post(url, headers=w.alice_auth)).status_code == 201  # 25, Hoàn Kiếm
    assert (await client.post(url, headers=young_in_chapter)).status_code == 201  # below it
    for auth in (w.bob_auth, too_old, too_young):  # Ba Đình; 31; 15
        r = await client.post(url, headers=auth)
        assert r.status_code == 403 and r.json()["error"]["code"] == "not_eligible"
    body = contest_body(w, eligibility={"unit_id": w.tree.ben_thanh.id})
    r = await client.post("/api/v1/contests", json=body, headers=w.org_auth)
    assert r.status_code == 422 and "eligibility.unit_id" in r.json()["error"]["fields"]


async def test_draws_follow_tags_and_difficulty(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=6)  # tag lich-su
    r = await client.post(
        f"/api/v1/contests/{contest_id}/questions",
        json=questions(6, tag="dia-ly"),  # difficulties 1, 2, 3, 1, 2, 3
        headers=w.org_auth,
    )
    assert r.status_code == 201
    wanted = {
        q.id
        for q in await Question.filter(contest_id=contest_id, difficulty=2)
        if q.tags == ["dia-ly"]
    }
    assert len(wanted) == 2
    body = {"tags": ["dia-ly"], "difficulties": [2]}
    r = await client.post(
        f"/api/v1/contests/{contest_id}/rounds",
        json={
            "title": "Quá nhiều",
            "opens_at": iso(clock.now()),
            "closes_at": iso(clock.now() + timedelta(hours=1)),
            "question_count": 3,
            "time_limit_s": 300,
            **body,
        },
        headers=w.org_auth,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_enough_questions"
    round_ = await quiz_round(client, w, contest_id, question_count=2, **body)
    for auth in (w.alice_auth, w.bob_auth):
        started = (
            await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=auth)
        ).json()
        assert {q["id"] for q in started["questions"]} == wanted


async def test_explanations_after_close_or_after_scoring(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    after_close = await quiz_round(client, w, contest_id)
    at_once = await quiz_round(client, w, contest_id, explanations_after_close=False)
    first = await _submit_all_right(client, after_close["id"], w.alice_auth)
    second = await _submit_all_right(client, at_once["id"], w.alice_auth)
    r = await client.get(f"/api/v1/attempts/{second['id']}", headers=w.alice_auth)
    assert r.json()["review"] is None  # not scored yet
    await run_worker(app)
    r = await client.get(f"/api/v1/attempts/{first['id']}", headers=w.alice_auth)
    assert r.json()["status"] == "scored" and r.json()["review"] is None  # round still open
    r = await client.get(f"/api/v1/attempts/{second['id']}", headers=w.alice_auth)
    review = r.json()["review"]
    assert review and review[0]["explanation"] == "Ngày 26/3/1931."
    clock.travel(timedelta(hours=3))
    r = await client.get(f"/api/v1/attempts/{first['id']}", headers=w.alice_auth)
    assert r.json()["review"][0]["correct"]


async def test_live_activity_by_province_and_csv_export(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    await _submit_all_right(client, round_["id"], w.alice_auth)
    await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.bob_auth)
    r = await client.get(f"/api/v1/rounds/{round_['id']}/activity?minutes=5", headers=w.org_auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["minutes"]) == 5 and body["total_started"] == 2
    assert body["total_submitted"] == 1
    [hanoi] = body["provinces"]
    assert hanoi["province"] == "Thành phố Hà Nội"
    assert sum(hanoi["started"]) == 2 and sum(hanoi["submitted"]) == 1
    r = await client.get(f"/api/v1/rounds/{round_['id']}/activity", headers=w.alice_auth)
    assert r.status_code == 403
    await run_worker(app)
    r = await client.get(f"/api/v1/rounds/{round_['id']}/results.csv", headers=w.org_auth)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("rank,member_id,display_name")
    assert lines[1].startswith(f"1,{w.alice.id},Nguyễn Thị An,Phường Hoàn Kiếm,5,5,")
    r = await client.get(f"/api/v1/rounds/{round_['id']}/results.csv", headers=w.alice_auth)
    assert r.status_code == 403


async def test_live_activity_counts_each_event_in_its_own_minute(
    client: httpx2.AsyncClient,
) -> None:
    """An attempt started before the window and submitted in it counts as submitted there;
    the dashboard keeps what it read for 10 s, then reads again."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, time_limit_s=3600)
    url = f"/api/v1/rounds/{round_['id']}/activity?minutes=30"
    started = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    before = (await client.get(url, headers=w.org_auth)).json()
    clock.travel(timedelta(minutes=40))
    r = await client.post(f"/api/v1/attempts/{started.json()['id']}/submit", headers=w.alice_auth)
    assert r.status_code == 202
    after = (await client.get(url, headers=w.org_auth)).json()

    assert [sum(p["started"]) for p in before["provinces"]] == [1]
    assert (after["total_started"], after["total_submitted"]) == (1, 1)
    [hanoi] = after["provinces"]
    assert sum(hanoi["started"]) == 0  # 40 minutes ago: before the window
    assert hanoi["submitted"][-1] == 1  # this minute
    await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.bob_auth)
    kept = (await client.get(url, headers=w.org_auth)).json()
    assert kept["total_started"] == 1  # read less than 10 s ago
    clock.travel(timedelta(seconds=11))
    fresh = (await client.get(url, headers=w.org_auth)).json()
    assert fresh["total_started"] == 2


async def test_cron_keeps_status_and_search_in_step(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    now = clock.now()
    body = contest_body(
        w,
        title="Olympic tin học trẻ",
        opens_at=iso(now + timedelta(hours=1)),
        closes_at=iso(now + timedelta(hours=3)),
    )
    contest_id = (await client.post("/api/v1/contests", json=body, headers=w.org_auth)).json()["id"]
    await run_worker(app)
    found = (await client.get("/api/v1/search?q=olympic&type=contests")).json()
    assert found["total"] == 0  # drafts are not findable
    await client.post(f"/api/v1/contests/{contest_id}/publish", headers=w.org_auth)
    await run_worker(app)
    found = (await client.get("/api/v1/search?q=olympic&type=contests&status=scheduled")).json()
    assert [h["id"] for h in found["hits"]] == [contest_id]
    clock.travel(timedelta(hours=2))
    await tasks.quiz_minutely({})  # nobody presses a button
    assert (await Contest.get(id=contest_id)).status == "open"
    await run_worker(app)
    found = (await client.get("/api/v1/search?q=olympic&type=contests&status=open")).json()
    assert [h["id"] for h in found["hits"]] == [contest_id]
    listed = (await client.get("/api/v1/contests?status=open")).json()
    assert [c["id"] for c in listed["items"]] == [contest_id]


async def test_statistics_count_contest_participants_by_unit(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    for auth in (w.alice_auth, w.alice_auth, w.bob_auth):  # Alice twice: counted once
        r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=auth)
        assert r.status_code == 201, r.text
        await client.post(f"/api/v1/attempts/{r.json()['id']}/submit", headers=auth)
    r = await client.get(f"/api/v1/stats?unit_id={w.tree.hanoi.id}", headers=w.org_auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["contest_participants"] == 2
    by_unit = {row["unit"]["id"]: row["contest_participants"] for row in body["by_unit"]}
    assert by_unit[w.tree.hoan_kiem.id] == 1 and by_unit[w.tree.ba_dinh.id] == 1
    r = await client.get(f"/api/v1/stats?unit_id={w.tree.hoan_kiem.id}", headers=w.org_auth)
    assert r.json()["contest_participants"] == 1

    # Alice took part from another unit too (her first attempt was from before a move):
    # she is still one participant, and the units' counts still add up to the total.
    first = await Attempt.filter(member_id=w.alice.id).order_by("id").first()
    assert first is not None
    await Attempt.filter(id=first.id).update(unit_path=w.tree.ba_dinh.path)

    def participants(body: dict[str, Any]) -> dict[int, int]:
        return {row["unit"]["id"]: row["contest_participants"] for row in body["by_unit"]}

    stats_url = f"/api/v1/stats?unit_id={w.tree.hanoi.id}"
    counted = body["counted_at"]
    r = await client.get(stats_url, headers=w.org_auth)
    assert participants(r.json()) == by_unit  # counted less than a minute ago
    # A minute later the view still answers at once with what was counted, and counts
    # again in the background; the next view shows the new count.
    clock.travel(timedelta(seconds=61))
    r = await client.get(stats_url, headers=w.org_auth)
    assert participants(r.json()) == by_unit and r.json()["counted_at"] == counted
    await settle_every_cache()
    body = (await client.get(stats_url, headers=w.org_auth)).json()
    assert body["contest_participants"] == 2 and body["counted_at"] > counted
    recounted = participants(body)
    assert recounted[w.tree.hoan_kiem.id] == 0 and recounted[w.tree.ba_dinh.id] == 2
    assert sum(recounted.values()) == 2

    # Counts more than ten minutes old are never shown: the view waits for a new count.
    await Attempt.filter(member_id=w.bob.id).delete()
    clock.travel(timedelta(minutes=11))
    body = (await client.get(stats_url, headers=w.org_auth)).json()
    assert body["contest_participants"] == 1 and participants(body)[w.tree.ba_dinh.id] == 1
    page = await client.get(f"/organise/stats?unit_id={w.tree.hanoi.id}", headers=w.org_auth)
    assert "được tính lại mỗi phút" in page.text  # the page says how old the counts are
