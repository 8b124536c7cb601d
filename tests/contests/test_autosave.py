"""Autosave: answers saved at the same moment are all kept; nothing is saved after the
deadline and its grace."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx2
import pytest

from contests.models import Attempt
from core import clock
from core.db import is_postgres
from tests.contests.world import quiz_contest, quiz_round, world


async def _start(client: httpx2.AsyncClient) -> tuple[dict[str, object], dict[str, str]]:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id, time_limit_s=60)
    r = await client.post(f"/api/v1/rounds/{data['id']}/attempts", headers=w.alice_auth)
    assert r.status_code == 201, r.text
    started: dict[str, object] = r.json()
    return started, w.alice_auth


async def test_concurrent_autosaves_keep_every_answer(client: httpx2.AsyncClient) -> None:
    if not is_postgres():
        pytest.skip("merged by the database on PostgreSQL; SQLite takes one writer")
    started, auth = await _start(client)
    questions = started["questions"]
    assert isinstance(questions, list)
    url = f"/api/v1/attempts/{started['id']}/answers"
    replies = await asyncio.gather(
        *(client.put(url, json={"answers": {str(q["id"]): [0]}}, headers=auth) for q in questions)
    )
    assert {r.status_code for r in replies} == {200}
    attempt = await Attempt.get(id=int(str(started["id"])))
    assert set(attempt.answers) == {str(q["id"]) for q in questions}


async def test_no_answer_is_saved_after_deadline_and_grace(client: httpx2.AsyncClient) -> None:
    started, auth = await _start(client)
    questions = started["questions"]
    assert isinstance(questions, list)
    url = f"/api/v1/attempts/{started['id']}/answers"
    first = str(questions[0]["id"])
    r = await client.put(url, json={"answers": {first: [1]}}, headers=auth)
    assert r.status_code == 200 and r.json()["saved"] == 1
    clock.travel(timedelta(seconds=60 + 6))  # time limit + the default 5 s grace, and 1 s
    r = await client.put(url, json={"answers": {str(questions[1]["id"]): [1]}}, headers=auth)
    assert r.status_code == 409, r.text


async def test_autosaves_of_several_members_at_once_each_keep_their_own(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id, time_limit_s=60)
    started = {}
    for name, auth in (("alice", w.alice_auth), ("bob", w.bob_auth)):
        r = await client.post(f"/api/v1/rounds/{data['id']}/attempts", headers=auth)
        assert r.status_code == 201, r.text
        started[name] = r.json()
    alice, bob = started["alice"], started["bob"]
    a_q = [str(q["id"]) for q in alice["questions"]]
    b_q = [str(q["id"]) for q in bob["questions"]]
    replies = await asyncio.gather(
        client.put(
            f"/api/v1/attempts/{alice['id']}/answers",
            json={"answers": {a_q[0]: [0], a_q[1]: [1]}},
            headers=w.alice_auth,
        ),
        client.put(
            f"/api/v1/attempts/{bob['id']}/answers",
            json={"answers": {b_q[0]: [1]}},
            headers=w.bob_auth,
        ),
        # bob writing into alice's attempt, in the same moment: refused, changes nothing
        client.put(
            f"/api/v1/attempts/{alice['id']}/answers",
            json={"answers": {a_q[2]: [0]}},
            headers=w.bob_auth,
        ),
        # an option this question does not have: refused, naming the answer
        client.put(
            f"/api/v1/attempts/{bob['id']}/answers",
            json={"answers": {b_q[1]: [9]}},
            headers=w.bob_auth,
        ),
    )
    assert [r.status_code for r in replies] == [200, 200, 403, 422]
    assert replies[0].json()["saved"] == 2 and replies[1].json()["saved"] == 1
    assert 0 < replies[0].json()["remaining_s"] <= 60
    assert f"answers.{b_q[1]}" in replies[3].json()["error"]["fields"]
    stored_a = await Attempt.get(id=int(alice["id"]))
    stored_b = await Attempt.get(id=int(bob["id"]))
    # Stored as the bank's option indices: the options each attempt showed with those ids.
    order_a, order_b = stored_a.option_order, stored_b.option_order
    assert stored_a.answers == {a_q[0]: [order_a[a_q[0]][0]], a_q[1]: [order_a[a_q[1]][1]]}
    assert stored_b.answers == {b_q[0]: [order_b[b_q[0]][1]]}
    # and shown back to the member with the ids they chose (resuming the attempt)
    r = await client.post(f"/api/v1/rounds/{data['id']}/attempts", headers=w.alice_auth)
    assert r.json()["answers"] == {a_q[0]: [0], a_q[1]: [1]}


async def test_a_later_save_replaces_the_answer_to_the_same_question(
    client: httpx2.AsyncClient,
) -> None:
    started, auth = await _start(client)
    questions = started["questions"]
    assert isinstance(questions, list)
    url = f"/api/v1/attempts/{started['id']}/answers"
    first = str(questions[0]["id"])
    assert (await client.put(url, json={"answers": {first: [0]}}, headers=auth)).status_code == 200
    r = await client.put(url, json={"answers": {first: [1, 2]}}, headers=auth)
    assert r.status_code == 200 and r.json()["saved"] == 1
    attempt = await Attempt.get(id=int(str(started["id"])))
    order = attempt.option_order[first]
    assert attempt.answers == {first: sorted([order[1], order[2]])}


async def test_no_answer_is_saved_once_submitted(client: httpx2.AsyncClient) -> None:
    started, auth = await _start(client)
    questions = started["questions"]
    assert isinstance(questions, list)
    first = str(questions[0]["id"])
    url = f"/api/v1/attempts/{started['id']}/answers"
    assert (await client.put(url, json={"answers": {first: [0]}}, headers=auth)).status_code == 200
    submitted = await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=auth)
    assert submitted.status_code == 202
    r = await client.put(url, json={"answers": {first: [1]}}, headers=auth)
    assert r.status_code == 409
    attempt = await Attempt.get(id=int(str(started["id"])))
    assert attempt.answers == {first: [attempt.option_order[first][0]]}
