"""The unit leaderboard: counters kept by the scoring worker equal a straightforward count
from the database, at every level of the tree, live, after Redis is lost, and frozen."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from accounts.models import Member, Unit
from contests import counting, tasks, unit_board
from contests.models import Attempt, Round, RoundUnit
from core import clock
from tests.contests.world import World, answers_for, quiz_contest, quiz_round, world
from tests.factories import bearer, member
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _take(
    client: httpx2.AsyncClient, round_id: int, auth: dict[str, str], right: int
) -> None:
    """Start an attempt, answer `right` questions right and the others wrong, submit."""
    r = await client.post(f"/api/v1/rounds/{round_id}/attempts", headers=auth)
    assert r.status_code == 201, r.text
    started = r.json()
    answers = await answers_for(started["questions"], right)
    r = await client.put(
        f"/api/v1/attempts/{started['id']}/answers", json={"answers": answers}, headers=auth
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=auth)
    assert r.status_code == 202, r.text


async def _round_with_entrants(client: httpx2.AsyncClient, w: World) -> int:
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, max_attempts=2)
    round_id = int(str(round_["id"]))
    t = w.tree
    people = [(w.alice_auth, 3, None), (w.bob_auth, 5, 2)]
    for n, unit in enumerate([t.chapter, t.chapter, t.hoan_kiem, t.ba_dinh, t.ba_dinh, t.hanoi]):
        who = await member(unit)
        people.append((await bearer(who), n % 6, (n + 2) % 6 if n % 2 else None))
    await member(t.ben_thanh)  # a member who takes no part (counts in Hồ Chí Minh City)
    for auth, right, second in people:
        await _take(client, round_id, auth, right)
        if second is not None:
            await _take(client, round_id, auth, second)
    await run_worker(app_of(client))
    return round_id


def app_of(client: httpx2.AsyncClient) -> Starlette:
    transport: Any = client._transport
    app: Starlette = transport.app
    return app


async def _reference(round_id: int) -> dict[int, tuple[int, int, float]]:
    """unit id → (participants, members, average score), counted the plain way: every
    member's best scored attempt, every active member, summed over each unit's subtree."""
    units = list(await Unit.all())
    best: dict[int, int] = {}
    for a in await Attempt.filter(round_id=round_id, scored_at__isnull=False):
        best[a.member_id] = max(best.get(a.member_id, -1), a.correct_count or 0)
    path_of: dict[int, str] = {}
    for m in await Member.filter(is_active=True).prefetch_related("unit"):
        path_of[m.id] = m.unit.path
    scores: dict[int, list[int]] = defaultdict(list)
    members: dict[int, int] = defaultdict(int)
    for u in units:
        for mid, path in path_of.items():
            if path.startswith(u.path):
                members[u.id] += 1
                if mid in best:
                    scores[u.id].append(best[mid])
    return {
        u.id: (
            len(scores[u.id]),
            members[u.id],
            round(sum(scores[u.id]) / len(scores[u.id]), 2) if scores[u.id] else 0.0,
        )
        for u in units
        if members[u.id] or scores[u.id]
    }


async def _every_level(
    client: httpx2.AsyncClient, round_id: int, auth: dict[str, str]
) -> tuple[dict[int, tuple[int, int, float]], set[bool]]:
    """What the API says for every unit, walking each level and each parent."""
    seen: dict[int, tuple[int, int, float]] = {}
    finals: set[bool] = set()
    queries = [f"level={lv}" for lv in ("national", "province", "ward", "chapter")]
    queries += [f"parent_id={u.id}" for u in await Unit.all()]
    for q in queries:
        r = await client.get(f"/api/v1/rounds/{round_id}/leaderboard/units?{q}", headers=auth)
        assert r.status_code == 200, r.text
        body = r.json()
        finals.add(body["final"])
        assert body["total"] == len(body["items"])
        counts = [i["participants"] for i in body["items"]]
        assert counts == sorted(counts, reverse=True)  # most participants first
        for item in body["items"]:
            row = (item["participants"], item["members"], item["average_score"])
            assert seen.setdefault(item["unit"]["id"], row) == row
            expected_rate = round(row[0] / row[1], 4) if row[1] else 0.0
            assert item["participation_rate"] == expected_rate
    return seen, finals


async def test_unit_board_equals_the_database_live_lost_and_frozen(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world()
    round_id = await _round_with_entrants(client, w)
    reference = await _reference(round_id)
    national = w.tree.national.id
    assert reference[national][0] == 8 and reference[w.tree.hcm.id][0] == 0
    assert await unit_board.is_built(round_id)  # the worker keeps counters
    seen, finals = await _every_level(client, round_id, w.org_auth)
    assert seen == reference and finals == {False}

    # Applying a scored batch twice (a worker killed and re-run) counts nothing twice.
    round_ = await Round.get(id=round_id)
    await unit_board.put(round_, await counting.counting_entries(round_))
    assert (await _every_level(client, round_id, w.org_auth))[0] == reference

    # Redis lost: reads count from the database, and the worker rebuilds the counters,
    # even when this process already asked for scoring in this half-second (the scoring
    # kick is debounced; a rebuild request must not be swallowed by it).
    async def debounced(round_id: int) -> None:
        return None

    monkeypatch.setattr(tasks, "kick_scoring", debounced)
    pool = app.state.services.pool
    for key in await pool.keys("quiz:ub:*"):
        await pool.delete(key)
    assert (await _every_level(client, round_id, w.org_auth))[0] == reference
    await run_worker(app)
    assert await unit_board.is_built(round_id)
    assert (await _every_level(client, round_id, w.org_auth))[0] == reference

    # Closed and frozen: the board is stored with the results.
    clock.travel(timedelta(hours=3))
    await tasks.quiz_minutely({})
    assert await RoundUnit.filter(round_id=round_id).count() == len(reference)
    for key in await pool.keys("quiz:*"):
        await pool.delete(key)
    seen, finals = await _every_level(client, round_id, w.org_auth)
    assert seen == reference and finals == {True}


async def test_unit_board_walks_down_and_refuses_bad_levels(client: httpx2.AsyncClient) -> None:
    w = await world()
    round_id = await _round_with_entrants(client, w)
    url = f"/api/v1/rounds/{round_id}/leaderboard/units"
    body = (await client.get(f"{url}?parent_id={w.tree.hanoi.id}", headers=w.org_auth)).json()
    assert body["level"] == "ward" and body["parent"]["id"] == w.tree.hanoi.id
    names = [i["unit"]["name"] for i in body["items"]]
    assert names == ["Phường Hoàn Kiếm", "Phường Ba Đình"]  # 4 participants, then 3
    assert all(i["unit"]["parent_id"] == w.tree.hanoi.id for i in body["items"])
    paged = (await client.get(f"{url}?level=ward&per_page=1&page=2", headers=w.org_auth)).json()
    assert paged["total"] == 3 and [i["unit"]["name"] for i in paged["items"]] == names[1:]
    r = await client.get(
        f"{url}?parent_id={w.tree.hoan_kiem.id}&level=province", headers=w.org_auth
    )
    assert r.status_code == 422 and "level" in r.json()["error"]["fields"]
    assert r.json()["error"]["message"] != "Some fields are not valid."  # Vietnamese
    r = await client.get(f"{url}?parent_id=999999", headers=w.org_auth)
    assert r.status_code == 422 and "parent_id" in r.json()["error"]["fields"]
    r = await client.get(f"{url}?level=galaxy", headers=w.org_auth)
    assert r.status_code == 422
    # Members see it once results are published, not before.
    r = await client.get(url, headers=w.alice_auth)
    assert r.status_code == 403


async def test_unit_board_page_links_down_the_tree(client: httpx2.AsyncClient) -> None:
    w = await world()
    round_id = await _round_with_entrants(client, w)
    page = await client.get(f"/rounds/{round_id}", headers=w.org_auth)
    assert f'href="/rounds/{round_id}/units?parent_id={w.tree.hanoi.id}"' in page.text
    page = await client.get(
        f"/rounds/{round_id}/units?parent_id={w.tree.hanoi.id}", headers=w.org_auth
    )
    assert page.status_code == 200
    assert "Phường Hoàn Kiếm" in page.text and "Tham gia theo đơn vị" in page.text
    assert f'href="/rounds/{round_id}/units?parent_id={w.tree.hoan_kiem.id}"' in page.text
    # rates and averages as Vietnamese writes numbers (decimal comma), no "%.1f" by hand
    rows = (
        await client.get(
            f"/api/v1/rounds/{round_id}/leaderboard/units?parent_id={w.tree.hanoi.id}",
            headers=w.org_auth,
        )
    ).json()["items"]
    assert rows
    for row in rows:
        rate = f"{row['participation_rate'] * 100:.1f}".replace(".", ",") + "%"
        assert rate in page.text, rate
    english = await client.get(
        f"/rounds/{round_id}/units?parent_id={w.tree.hanoi.id}",
        headers=w.org_auth | {"Accept-Language": "en"},
    )
    assert ("1 unit ·" in english.text) == (len(rows) == 1)
