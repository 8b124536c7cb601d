"""Test data for contests: a unit tree, an organiser, members, and quiz contests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx2

from accounts.models import Member, RoleName
from contests.models import Question
from core import clock
from tests.factories import Tree, bearer, member, unit_tree


@dataclass
class World:
    tree: Tree
    organiser: Member
    org_auth: dict[str, str]
    alice: Member
    alice_auth: dict[str, str]
    bob: Member
    bob_auth: dict[str, str]
    outsider: Member  # member of Hồ Chí Minh City
    outsider_auth: dict[str, str]


async def world() -> World:
    tree = await unit_tree()
    organiser = await member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    alice = await member(tree.hoan_kiem, name="Nguyễn Thị An")
    bob = await member(tree.ba_dinh, name="Trần Văn Bình")
    outsider = await member(tree.ben_thanh, name="Lê Minh Châu")
    return World(
        tree,
        organiser,
        await bearer(organiser),
        alice,
        await bearer(alice),
        bob,
        await bearer(bob),
        outsider,
        await bearer(outsider),
    )


def iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def contest_body(
    w: World, *, kind: str = "quiz", hours: int = 48, **extra: object
) -> dict[str, object]:
    now = clock.now()
    body: dict[str, object] = {
        "title": "Tìm hiểu lịch sử Đoàn",
        "description": "Cuộc thi trắc nghiệm hằng tuần",
        "kind": kind,
        "unit_id": w.tree.hanoi.id,
        "opens_at": iso(now - timedelta(hours=1)),
        "closes_at": iso(now + timedelta(hours=hours)),
    }
    body.update(extra)
    return body


def questions(n: int, tag: str = "lich-su") -> list[dict[str, object]]:
    return [
        {
            "text": f"Câu hỏi số {i}: Đoàn TNCS Hồ Chí Minh thành lập năm nào?",
            "options": [f"Năm {1930 + i}", f"Năm {1931 + i}", f"Năm {1932 + i}", f"Năm {1933 + i}"],
            "correct": [i % 4],
            "tags": [tag],
            "difficulty": 1 + i % 3,
            "explanation": "Ngày 26/3/1931.",
        }
        for i in range(n)
    ]


async def quiz_contest(client: httpx2.AsyncClient, w: World, n_questions: int = 12) -> int:
    r = await client.post("/api/v1/contests", json=contest_body(w), headers=w.org_auth)
    assert r.status_code == 201, r.text
    contest_id = int(r.json()["id"])
    r = await client.post(f"/api/v1/contests/{contest_id}/publish", headers=w.org_auth)
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/contests/{contest_id}/questions", json=questions(n_questions), headers=w.org_auth
    )
    assert r.status_code == 201, r.text
    return contest_id


async def quiz_round(
    client: httpx2.AsyncClient, w: World, contest_id: int, **extra: object
) -> dict[str, object]:
    now = clock.now()
    body: dict[str, object] = {
        "title": "Vòng 1",
        "opens_at": iso(now - timedelta(minutes=5)),
        "closes_at": iso(now + timedelta(hours=2)),
        "question_count": 5,
        "time_limit_s": 600,
        "max_attempts": 2,
    }
    body.update(extra)
    r = await client.post(f"/api/v1/contests/{contest_id}/rounds", json=body, headers=w.org_auth)
    assert r.status_code == 201, r.text
    data: dict[str, object] = r.json()
    return data


def shown_ids(shown: Mapping[str, Any], texts: Iterable[str]) -> list[int]:
    """The ids with which an attempt shows the options of these texts (its own ids)."""
    wanted = set(texts)
    return [int(o["id"]) for o in shown["options"] if o["text"] in wanted]


async def answers_for(
    shown: list[dict[str, Any]], right: int | None = None
) -> dict[str, list[int]]:
    """What a member who knows the answers sends for the questions an attempt shows: the
    right options (found by their texts) for the first `right` questions (all by default),
    one wrong option for the others."""
    bank = {q.id: q for q in await Question.filter(id__in=[q["id"] for q in shown])}
    answers: dict[str, list[int]] = {}
    for n, q in enumerate(shown):
        known = bank[q["id"]]
        good = [known.options[i] for i in known.correct]
        if right is None or n < right:
            answers[str(q["id"])] = shown_ids(q, good)
        else:
            answers[str(q["id"])] = [
                next(int(o["id"]) for o in q["options"] if o["text"] not in good)
            ]
    return answers
