"""Editing the question bank and rounds after creation (API)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from contests import board_reads, tasks
from contests.models import Attempt, Question, Round, RoundUnit
from core import clock
from tests.contests.world import answers_for, iso, quiz_contest, quiz_round, world
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _start(client: httpx2.AsyncClient, round_id: Any, auth: dict[str, str]) -> Any:
    r = await client.post(f"/api/v1/rounds/{round_id}/attempts", headers=auth)
    assert r.status_code == 201, r.text
    return r.json()


async def test_organiser_edits_retires_and_deletes_questions(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=7)
    bank = [q.id for q in await Question.filter(contest_id=contest_id).order_by("id")]
    url = f"/api/v1/questions/{bank[0]}"
    r = await client.patch(
        url, json={"text": "Câu hỏi đã sửa?", "explanation": "Giải thích mới."}, headers=w.org_auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["text"] == "Câu hỏi đã sửa?" and r.json()["retired"] is False
    listed = (
        await client.get(f"/api/v1/contests/{contest_id}/questions", headers=w.org_auth)
    ).json()
    assert listed["items"][0]["explanation"] == "Giải thích mới."
    r = await client.patch(url, json={"correct": [9]}, headers=w.org_auth)
    assert r.status_code == 422 and r.json()["error"]["fields"]["correct"] == (
        "Một đáp án đúng trỏ ra ngoài các phương án."
    )
    r = await client.patch(url, json={"options": ["một"]}, headers=w.org_auth)
    assert r.status_code == 422 and "options" in r.json()["error"]["fields"]
    assert (await client.patch(url, json={"text": "x"}, headers=w.alice_auth)).status_code == 403
    assert (await client.patch(url, json={"text": "x"})).status_code == 401
    r = await client.patch("/api/v1/questions/999999", json={"text": "x"}, headers=w.org_auth)
    assert r.status_code == 404
    assert (await Question.get(id=bank[0])).text == "Câu hỏi đã sửa?"  # nothing half-stored

    # Not drawn yet: deleted for good.
    r = await client.delete(f"/api/v1/questions/{bank[6]}", headers=w.org_auth)
    assert r.status_code == 204
    assert await Question.filter(contest_id=contest_id).count() == 6

    # A round draws 5 of the 6; once drawn, a question is retired, not deleted.
    round_ = await quiz_round(client, w, contest_id, max_attempts=1)
    alice = await _start(client, round_["id"], w.alice_auth)
    drawn = alice["questions"][0]["id"]
    r = await client.delete(f"/api/v1/questions/{drawn}", headers=w.org_auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "question_in_use"
    r = await client.patch(
        f"/api/v1/questions/{drawn}",
        json={"options": ["A", "B"], "correct": [0]},
        headers=w.org_auth,
    )
    assert r.status_code == 409 and "options" in r.json()["error"]["fields"]
    r = await client.patch(f"/api/v1/questions/{drawn}", json={"retired": True}, headers=w.org_auth)
    assert r.status_code == 200 and r.json()["retired"] is True
    bob = await _start(client, round_["id"], w.bob_auth)
    assert drawn not in {q["id"] for q in bob["questions"]}  # never drawn again
    alice_now = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    assert drawn in {q["id"] for q in alice_now.json()["questions"]}  # kept where it was
    # Retiring one more would leave the open round 4 questions for 5 draws.
    other = next(q for q in bank[1:6] if q != drawn)
    r = await client.patch(f"/api/v1/questions/{other}", json={"retired": True}, headers=w.org_auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_enough_questions"
    assert (await Question.get(id=other)).retired_at is None


async def test_fixing_an_answer_key_rescores_through_the_worker(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=6)
    round_ = await quiz_round(client, w, contest_id, max_attempts=1)
    started = await _start(client, round_["id"], w.alice_auth)
    keys = {q.id: q.correct for q in await Question.filter(contest_id=contest_id)}
    answers = await answers_for(started["questions"])
    await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": answers}, headers=w.alice_auth
    )
    await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=w.alice_auth)
    await run_worker(app)
    assert (await Attempt.get(id=started["id"])).correct_count == 5
    fixed = started["questions"][0]["id"]
    old_key = keys[fixed]
    new_key = [(old_key[0] + 1) % 4]
    r = await client.patch(
        f"/api/v1/questions/{fixed}", json={"correct": new_key}, headers=w.org_auth
    )
    assert r.status_code == 200
    assert (await Round.get(id=round_["id"])).rescore_requested_at is not None
    await run_worker(app)
    assert (await Attempt.get(id=started["id"])).correct_count == 4
    assert (await Round.get(id=round_["id"])).rescore_requested_at is None
    board = (
        await client.get(f"/api/v1/rounds/{round_['id']}/leaderboard", headers=w.org_auth)
    ).json()
    assert board["items"][0]["score"] == 4
    units = await client.get(
        f"/api/v1/rounds/{round_['id']}/leaderboard/units?level=national", headers=w.org_auth
    )
    assert units.json()["items"][0]["average_score"] == 4.0
    await tasks.quiz_minutely({})  # running again changes nothing
    assert (await Attempt.get(id=started["id"])).correct_count == 4

    # After the round froze, a fix re-scores and freezes it again (ranks, unit board).
    clock.travel(timedelta(hours=3))
    await tasks.quiz_minutely({})
    assert (await Round.get(id=round_["id"])).frozen_at is not None
    r = await client.patch(
        f"/api/v1/questions/{fixed}", json={"correct": old_key}, headers=w.org_auth
    )
    assert r.status_code == 200
    await run_worker(app)
    attempt = await Attempt.get(id=started["id"])
    assert attempt.correct_count == 5 and attempt.final_rank == 1
    assert (await Round.get(id=round_["id"])).frozen_at is not None
    national = await RoundUnit.get(round_id=round_["id"], unit_id=w.tree.national.id)
    assert national.score_sum == 5 and national.participants == 1


async def test_round_settings_until_open_then_only_the_close(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=12)
    now = clock.now()
    round_ = await quiz_round(
        client,
        w,
        contest_id,
        opens_at=iso(now + timedelta(hours=1)),
        closes_at=iso(now + timedelta(hours=3)),
    )
    url = f"/api/v1/rounds/{round_['id']}"
    r = await client.patch(
        url,
        json={"question_count": 8, "time_limit_s": 900, "tags": ["LICH-SU"], "title": "Vòng 1b"},
        headers=w.org_auth,
    )
    assert r.status_code == 200, r.text
    assert r.json()["question_count"] == 8 and r.json()["tags"] == ["lich-su"]
    r = await client.patch(url, json={"question_count": 50}, headers=w.org_auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_enough_questions"
    r = await client.patch(url, json={"closes_at": iso(now)}, headers=w.org_auth)
    assert r.status_code == 422 and "closes_at" in r.json()["error"]["fields"]
    r = await client.patch(url, json={"max_attempts": 0}, headers=w.org_auth)
    assert r.status_code == 422
    assert (await client.patch(url, json={"title": "x"}, headers=w.alice_auth)).status_code == 403
    assert (await Round.get(id=round_["id"])).question_count == 8  # nothing half-stored

    clock.travel(timedelta(hours=1, minutes=1))  # open now
    r = await client.patch(url, json={"time_limit_s": 60}, headers=w.org_auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "round_locked"
    assert "time_limit_s" in r.json()["error"]["fields"]
    r = await client.patch(url, json={"time_limit_s": 900, "title": "Vòng 1b"}, headers=w.org_auth)
    assert r.status_code == 200  # the same values change nothing
    later = clock.now() + timedelta(hours=4)
    r = await client.patch(url, json={"closes_at": iso(later)}, headers=w.org_auth)
    assert r.status_code == 200 and r.json()["closes_at"].startswith(iso(later)[:16])
    r = await client.patch(
        url, json={"closes_at": iso(clock.now() - timedelta(minutes=1))}, headers=w.org_auth
    )
    assert r.status_code == 422
    await _start(client, round_["id"], w.alice_auth)  # deadline: now + 15 minutes
    r = await client.patch(
        url, json={"closes_at": iso(clock.now() + timedelta(minutes=5))}, headers=w.org_auth
    )
    assert r.status_code == 422 and "closes_at" in r.json()["error"]["fields"]
    # A setting stored out of today's bounds (set before them) does not block moving the
    # close; changing it to another out-of-bounds value is refused.
    await Round.filter(id=round_["id"]).update(max_attempts=1000)
    sooner = clock.now() + timedelta(minutes=20)
    r = await client.patch(url, json={"closes_at": iso(sooner)}, headers=w.org_auth)
    assert r.status_code == 200
    r = await client.patch(url, json={"max_attempts": 999}, headers=w.org_auth)
    assert r.status_code == 422 and "max_attempts" in r.json()["error"]["fields"]

    clock.travel(timedelta(minutes=30))  # closed
    r = await client.patch(url, json={"closes_at": iso(later)}, headers=w.org_auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "round_closed"


async def test_grace_is_the_rounds_own(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=12)
    r = await client.post(
        f"/api/v1/contests/{contest_id}/rounds",
        json={
            "title": "Vòng quá hạn",
            "opens_at": iso(clock.now()),
            "closes_at": iso(clock.now() + timedelta(hours=1)),
            "question_count": 5,
            "time_limit_s": 60,
            "grace_s": 500,
        },
        headers=w.org_auth,
    )
    assert r.status_code == 422 and "grace_s" in r.json()["error"]["fields"]
    strict = await quiz_round(client, w, contest_id, time_limit_s=60, grace_s=0)
    lenient = await quiz_round(client, w, contest_id, time_limit_s=60, grace_s=30)
    assert (strict["grace_s"], lenient["grace_s"]) == (0, 30)
    attempts = [await _start(client, x["id"], w.alice_auth) for x in (strict, lenient)]
    clock.travel(timedelta(seconds=61))  # one second past both deadlines
    outcomes = []
    for attempt in attempts:
        r = await client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=w.alice_auth)
        outcomes.append(r.status_code)
    assert outcomes == [409, 202]
    r = await client.patch(
        f"/api/v1/rounds/{strict['id']}", json={"grace_s": 10}, headers=w.org_auth
    )
    assert r.status_code == 409  # open: only the close may move


async def test_a_start_just_after_the_close_moved_earlier_gets_a_deadline_within_it(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=12)
    now = clock.now()
    round_ = await quiz_round(
        client, w, contest_id, opens_at=iso(now - timedelta(minutes=5)), time_limit_s=900
    )
    await _start(client, round_["id"], w.alice_auth)  # her deadline: now + 15 minutes
    clock.travel(timedelta(minutes=10))
    await board_reads.recent_round(int(str(round_["id"])))  # this process keeps the round
    sooner = clock.now() + timedelta(minutes=6)  # after Alice's deadline
    r = await client.patch(
        f"/api/v1/rounds/{round_['id']}", json={"closes_at": iso(sooner)}, headers=w.org_auth
    )
    assert r.status_code == 200, r.text
    started = await _start(client, round_["id"], w.bob_auth)  # within the second
    attempt = await Attempt.get(id=started["id"])
    assert attempt.deadline == (await Round.get(id=round_["id"])).closes_at  # not now + 15
