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
