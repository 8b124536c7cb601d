from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from contests import attempts, tasks
from contests.models import Attempt, Question
from core import clock
from tests.contests.world import answers_for, quiz_contest, quiz_round, world
from tests.support import run_worker

# arq's Worker.close() calls redis-py's deprecated close() (tests/support.run_worker).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _answer_all_right(
    client: httpx2.AsyncClient, started: dict[str, Any], auth: dict[str, str]
) -> None:
    answers = await answers_for(started["questions"])
    r = await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": answers}, headers=auth
    )
    assert r.status_code == 200, r.text


async def test_member_takes_a_round_and_sees_the_result(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(
        client, w, contest_id, prediction_question="Bao nhiêu người đúng hết?"
    )
    r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    assert r.status_code == 201, r.text
    started = r.json()
    assert len(started["questions"]) == 5
    # The answer key and explanations never travel with the questions.
    text = json.dumps(started)
    assert "correct" not in text and "explanation" not in text and "26/3/1931" not in text
    await _answer_all_right(client, started, w.alice_auth)
    r = await client.put(
        f"/api/v1/attempts/{started['id']}/answers",
        json={"answers": {}, "prediction": 1},
        headers=w.alice_auth,
    )
    assert r.status_code == 200
    r = await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=w.alice_auth)
    assert r.status_code == 202 and r.json()["status"] == "submitted"
    r = await client.get(f"/api/v1/attempts/{started['id']}", headers=w.alice_auth)
    assert r.json()["status"] == "submitted" and r.json()["score"] is None
    await run_worker(app)
    r = await client.get(f"/api/v1/attempts/{started['id']}", headers=w.alice_auth)
    body = r.json()
    assert body["status"] == "scored" and body["correct_count"] == 5
    assert body["rank"] is None and body["review"] is None  # hidden until close and publish
    # Members do not see the board before results are published; organisers do.
    r = await client.get(f"/api/v1/rounds/{round_['id']}/leaderboard", headers=w.alice_auth)
    assert r.status_code == 403
    r = await client.get(f"/api/v1/rounds/{round_['id']}/leaderboard", headers=w.org_auth)
    assert r.status_code == 200 and r.json()["items"][0]["member"]["id"] == w.alice.id
    # Publishing while the round is open is refused.
    r = await client.post(f"/api/v1/rounds/{round_['id']}/results/publish", headers=w.org_auth)
    assert r.status_code == 409
    clock.travel(timedelta(hours=3))
    r = await client.post(f"/api/v1/contests/{contest_id}/results/publish", headers=w.alice_auth)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/contests/{contest_id}/results/publish", headers=w.org_auth)
    assert r.status_code == 200 and r.json()["results_published_at"]
    r = await client.get(f"/api/v1/rounds/{round_['id']}/leaderboard", headers=w.alice_auth)
    board = r.json()
    assert board["final"] is True and board["total"] == 1
    assert board["me"]["rank"] == 1 and board["items"][0]["prediction_error"] == 0
    r = await client.get(f"/api/v1/attempts/{started['id']}", headers=w.alice_auth)
    body = r.json()
    assert body["rank"] == 1 and body["prediction_error"] == 0
    assert body["review"] and body["review"][0]["explanation"] == "Ngày 26/3/1931."
    r = await client.get(f"/api/v1/rounds/{round_['id']}", headers=w.alice_auth)
    assert r.json()["prediction_answer"] == 1


async def test_fifty_concurrent_submits_count_once(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    started = (
        await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    ).json()
    url = f"/api/v1/attempts/{started['id']}/submit"
    replies = await asyncio.gather(
        *[client.post(url, headers={**w.alice_auth, "Idempotency-Key": "k1"}) for _ in range(50)]
    )
    assert {r.status_code for r in replies} == {202}
    assert {r.json()["status"] for r in replies} == {"submitted"}
    await run_worker(app)
    rows = await Attempt.filter(round_id=round_["id"])
    assert len(rows) == 1 and rows[0].scored_at is not None
    r = await client.get(f"/api/v1/rounds/{round_['id']}/leaderboard", headers=w.org_auth)
    assert r.json()["total"] == 1


async def test_max_attempts_and_resume(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, max_attempts=2)
    url = f"/api/v1/rounds/{round_['id']}/attempts"
    first = (await client.post(url, headers=w.alice_auth)).json()
    again = (await client.post(url, headers=w.alice_auth)).json()
    assert again["id"] == first["id"]  # resumes the attempt in progress
    await client.post(f"/api/v1/attempts/{first['id']}/submit", headers=w.alice_auth)
    second = await client.post(url, headers=w.alice_auth)
    assert second.status_code == 201 and second.json()["number"] == 2
    await client.post(f"/api/v1/attempts/{second.json()['id']}/submit", headers=w.alice_auth)
    third = await client.post(url, headers=w.alice_auth)
    assert third.status_code == 409 and third.json()["error"]["code"] == "no_attempts_left"


@pytest.mark.parametrize("max_attempts", [1, 3])
async def test_concurrent_starts_are_one_attempt(
    client: httpx2.AsyncClient, max_attempts: int
) -> None:
    """A double click, a retry or two tabs starting at once get the same attempt: none
    spends a second one of the member's attempts."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, max_attempts=max_attempts)
    url = f"/api/v1/rounds/{round_['id']}/attempts"
    replies = await asyncio.gather(*[client.post(url, headers=w.bob_auth) for _ in range(5)])
    assert [r.status_code for r in replies] == [201] * 5
    assert len({r.json()["id"] for r in replies}) == 1
    assert await Attempt.filter(round_id=round_["id"], member_id=w.bob.id).count() == 1


async def test_answers_after_deadline_and_grace_are_refused(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, time_limit_s=60)
    started = (
        await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    ).json()
    await _answer_all_right(client, started, w.alice_auth)
    clock.travel(timedelta(seconds=63))  # within the 5 s grace
    r = await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": {}}, headers=w.alice_auth
    )
    assert r.status_code == 200
    clock.travel(timedelta(seconds=10))
    r = await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": {}}, headers=w.alice_auth
    )
    assert r.status_code == 409
    r = await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=w.alice_auth)
    assert r.status_code == 409  # out, whole: the attempt expired
    await tasks.quiz_minutely({})  # the expiry cron scores what was saved
    attempt = await Attempt.get(id=started["id"])
    assert attempt.status == "expired" and attempt.correct_count == 5  # scored on what it saved
    assert attempt.duration_ms == 60_000


async def test_bad_answers_are_refused_by_field(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    started = (
        await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    ).json()
    url = f"/api/v1/attempts/{started['id']}/answers"
    q = started["questions"][0]
    r = await client.put(url, json={"answers": {"999999": [0]}}, headers=w.alice_auth)
    assert r.status_code == 422 and "answers.999999" in r.json()["error"]["fields"]
    r = await client.put(url, json={"answers": {str(q["id"]): [42]}}, headers=w.alice_auth)
    assert r.status_code == 422
    many = {str(i): [0] for i in range(10_000)}
    r = await client.put(url, json={"answers": many}, headers=w.alice_auth)
    assert r.status_code in (413, 422)
    r = await client.put(url, json={"answers": {}, "prediction": 5}, headers=w.alice_auth)
    assert r.status_code == 422 and "prediction" in r.json()["error"]["fields"]
    # values of another JSON type are named, not converted (`true` is no option 1)
    for bad, field in (
        ({"answers": {str(q["id"]): [True]}}, f"answers.{q['id']}.0"),
        ({"answers": {str(q["id"]): ["1"]}}, f"answers.{q['id']}.0"),
        ({"answers": {}, "prediction": "12"}, "prediction"),
    ):
        r = await client.put(url, json=bad, headers=w.alice_auth)
        assert r.status_code == 422 and field in r.json()["error"]["fields"], (bad, r.text)
    assert (await Attempt.get(id=started["id"])).answers == {}
    r = await client.put(url, json={"answers": {}}, headers=w.bob_auth)
    assert r.status_code == 403
    r = await client.get(f"/api/v1/attempts/{started['id']}", headers=w.bob_auth)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/attempts/{started['id']}/submit")
    assert r.status_code == 401


async def test_ineligible_member_cannot_start(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.outsider_auth)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_eligible"
    r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts")
    assert r.status_code == 401


async def test_lost_leaderboard_comes_back(
    client: httpx2.AsyncClient, app: Starlette, redis: object
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    for auth in (w.alice_auth, w.bob_auth):
        started = (
            await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=auth)
        ).json()
        await _answer_all_right(client, started, auth)
        await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=auth)
    await run_worker(app)
    pool = app.state.services.pool
    for key in await pool.keys("quiz:*"):
        await pool.delete(key)
    r = await client.get(f"/api/v1/rounds/{round_['id']}/leaderboard", headers=w.org_auth)
    assert r.json()["total"] == 2


async def test_submit_racing_the_deadline_is_in_or_out_never_half(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, time_limit_s=60)
    ids = []
    for auth in (w.alice_auth, w.bob_auth):
        r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=auth)
        ids.append((r.json()["id"], auth))
    clock.travel(timedelta(seconds=65))  # exactly at deadline + grace
    *replies, _ = await asyncio.gather(
        *[client.post(f"/api/v1/attempts/{i}/submit", headers=a) for i, a in ids],
        tasks.quiz_minutely({}),
    )
    for (attempt_id, _), reply in zip(ids, replies, strict=True):
        assert isinstance(reply, httpx2.Response)
        attempt = await Attempt.get(id=attempt_id)
        if reply.status_code == 202:
            assert attempt.status in ("submitted", "scored") and attempt.submitted_at is not None
        else:
            assert reply.status_code == 409
            assert attempt.status == "expired" and attempt.submitted_at is None


async def test_every_overdue_attempt_expires_in_one_run(client: httpx2.AsyncClient) -> None:
    """The minutely expiry reads in batches until none is left (here one attempt at a
    time), and leaves an attempt still within its time alone."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    short = await quiz_round(client, w, contest_id, time_limit_s=60)
    long = await quiz_round(client, w, contest_id, title="Vòng 2", time_limit_s=1200)
    overdue = []
    for auth in (w.alice_auth, w.bob_auth):
        r = await client.post(f"/api/v1/rounds/{short['id']}/attempts", headers=auth)
        overdue.append(r.json()["id"])
    r = await client.post(f"/api/v1/rounds/{long['id']}/attempts", headers=w.alice_auth)
    running = r.json()["id"]
    grace_s = short["grace_s"]
    assert isinstance(grace_s, int)
    clock.travel(timedelta(seconds=60 + grace_s + 1))

    assert await attempts.expire_overdue(clock.now(), batch=1) == [short["id"]]

    assert [a.status for a in await Attempt.filter(id__in=overdue)] == ["expired", "expired"]
    assert (await Attempt.get(id=running)).status == "in_progress"
    r = await client.put(
        f"/api/v1/attempts/{overdue[0]}/answers", json={"answers": {}}, headers=w.alice_auth
    )
    assert r.status_code == 409


async def test_option_ids_are_the_attempts_own_and_say_nothing_of_the_bank_order(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    """Options are named by their place in the attempt's shuffled order, so an id never
    reveals where the right answer sits in the bank; answers, saved answers and the review
    all speak those ids."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, explanations_after_close=False)
    r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    started = r.json()
    bank = {q.id: q for q in await Question.filter(contest_id=contest_id)}
    stored = await Attempt.get(id=started["id"])
    for q in started["questions"]:
        ids = [o["id"] for o in q["options"]]
        assert ids == list(range(len(ids)))  # listed in the order shown, counted from 0
        order = stored.option_order[str(q["id"])]
        assert [o["text"] for o in q["options"]] == [bank[q["id"]].options[i] for i in order]
    assert any(order != sorted(order) for order in stored.option_order.values())  # shuffled

    answers = await answers_for(started["questions"])
    r = await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": answers}, headers=w.alice_auth
    )
    assert r.status_code == 200
    resumed = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    assert resumed.json()["answers"] == answers  # saved answers come back as sent
    await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=w.alice_auth)
    await run_worker(app)
    body = (await client.get(f"/api/v1/attempts/{started['id']}", headers=w.alice_auth)).json()
    assert body["correct_count"] == 5
    for item in body["review"]:
        right = {bank[item["id"]].options[i] for i in bank[item["id"]].correct}
        assert {o["text"] for o in item["options"] if o["id"] in item["correct"]} == right
        assert item["chosen"] == item["correct"] == answers[str(item["id"])]
