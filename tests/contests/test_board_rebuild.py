"""A round's boards when Redis loses them: reads answer from the database at once, the
worker (not a web request) rebuilds them, and rounds far past PostgreSQL's 32,767
bind-parameter limit rebuild and freeze."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from arq import Retry
from starlette.applications import Starlette
from tortoise import connections

from contests import leaderboard, rebuilds, rounds, tasks, unit_board
from contests.models import Attempt, AttemptStatus, Round
from core import clock, queue
from core.db import is_postgres
from tests.contests.test_unit_board import _take
from tests.contests.world import World, quiz_contest, quiz_round, world
from tests.factories import bearer, member
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

NATIONAL = 40_000  # entrants: more than PostgreSQL's 32,767 parameters of one statement


async def _sql(sql: str, params: list[Any]) -> None:
    """Run SQL written with `$1, $2…` (in order) on either database."""
    if not is_postgres():
        sql = re.sub(r"\$\d+", "?", sql)
    await connections.get("default").execute_query(sql, params)


async def _bulk_round(client: httpx2.AsyncClient, w: World, n: int) -> Round:
    """A round with `n` members of Phường Hoàn Kiếm, one scored attempt each (correct
    answers and time vary), inserted by SQL from one template row."""
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id, max_attempts=1)
    round_ = await Round.get(id=int(str(data["id"])))
    now = clock.now()
    template = await Attempt.create(
        round_id=round_.id,
        member_id=w.alice.id,
        unit_path=w.tree.hoan_kiem.path,
        number=1,
        status=AttemptStatus.SCORED,
        started_at=now - timedelta(minutes=5),
        deadline=now + timedelta(minutes=5),
        submitted_at=now - timedelta(minutes=1),
        scored_at=now,
        correct_count=0,
        duration_ms=600_000,
    )
    await _sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) "
        "INSERT INTO member (email, password_hash, display_name, unit_id, birth_year, "
        "is_active, created_at, search_name) "
        "SELECT 'bulk' || n.i || '@example.vn', t.password_hash, 'Bulk ' || n.i, t.unit_id, "
        "t.birth_year, t.is_active, t.created_at, t.search_name FROM n, member t WHERE t.id = $2",
        [n - 1, w.alice.id],
    )
    await _sql(
        "INSERT INTO quiz_attempt (round_id, member_id, unit_path, number, status, "
        "question_ids, option_order, answers, started_at, deadline, submitted_at, scored_at, "
        "correct_count, duration_ms) "
        "SELECT t.round_id, m.id, t.unit_path, 1, t.status, t.question_ids, t.option_order, "
        "t.answers, t.started_at, t.deadline, t.submitted_at, t.scored_at, m.id % 6, "
        "(m.id * 7919) % 600000 FROM member m, quiz_attempt t "
        "WHERE t.id = $1 AND m.email LIKE 'bulk%'",
        [template.id],
    )
    return round_


async def test_a_national_round_past_the_parameter_limit_rebuilds_and_freezes(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    round_ = await _bulk_round(client, w, NATIONAL)
    rows = await Attempt.filter(round_id=round_.id).values_list(
        "member_id", "correct_count", "duration_ms"
    )
    assert len(rows) == NATIONAL
    reference = [m for m, _, _ in sorted(rows, key=lambda r: (-r[1], r[2], r[0]))]

    # Redis lost: the board comes back from the database, whole.
    assert await leaderboard.rebuild(round_) == NATIONAL
    page, total = await leaderboard.page(round_, 0, 50)
    assert total == NATIONAL and [r.member_id for r in page] == reference[:50]
    assert await unit_board.rebuild(round_) == NATIONAL
    board = await unit_board.board(round_, parent_id=w.tree.hanoi.id)
    assert [(s.unit.id, s.participants) for s in board.rows][:1] == [
        (w.tree.hoan_kiem.id, NATIONAL)
    ]

    # Closing: every entrant gets a final rank, in the ranking order.
    clock.travel(timedelta(hours=3))
    assert await rounds.freeze(round_, clock.now())
    ranked = await Attempt.filter(round_id=round_.id, final_rank__isnull=False).count()
    assert ranked == NATIONAL
    first = await Attempt.filter(round_id=round_.id).order_by("final_rank").limit(3)
    assert [a.member_id for a in first] == reference[:3]
    last = await Attempt.get(round_id=round_.id, member_id=reference[-1])
    assert last.final_rank == NATIONAL


async def _board(client: httpx2.AsyncClient, round_id: int, auth: dict[str, str]) -> dict[str, Any]:
    r = await client.get(f"/api/v1/rounds/{round_id}/leaderboard?limit=100", headers=auth)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _ranked(body: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    return [(i["rank"], i["member"]["id"], i["score"], i["duration_ms"]) for i in body["items"]]


async def _lose_redis(app: Starlette) -> None:
    pool = app.state.services.pool
    for key in await pool.keys("quiz:*"):
        await pool.delete(key)


async def test_a_lost_board_is_read_from_the_database_and_rebuilt_by_the_worker(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id, max_attempts=2)
    round_id = int(str(data["id"]))
    people = [(w.org_auth, 4, 2), (w.alice_auth, 3, 5), (w.bob_auth, 5, None)]
    for n in range(6):
        who = await member(w.tree.ba_dinh if n % 2 else w.tree.hoan_kiem)
        people.append((await bearer(who), n % 6, (n * 5) % 6 if n % 3 else None))
    for auth, right, second in people:
        await _take(client, round_id, auth, right)
        if second is not None:
            await _take(client, round_id, auth, second)
    await run_worker(app)
    live = await _board(client, round_id, w.org_auth)
    assert live["total"] == 9 and live["rebuilding"] is False
    assert live["me"]["rank"] >= 1

    # Redis lost: the same page at once, from the database; my rank is unavailable; the
    # request rebuilt nothing, it asked the worker.
    await _lose_redis(app)
    clock.travel(timedelta(seconds=2))
    lost = await _board(client, round_id, w.org_auth)
    assert lost["rebuilding"] is True and lost["me"] is None
    assert _ranked(lost) == _ranked(live) and lost["total"] == 9
    assert not await leaderboard.is_built(round_id)
    assert await queue.is_queued(f"quiz-rebuild:{round_id}")  # its own job id
    page = await client.get(f"/rounds/{round_id}", headers=w.org_auth)
    assert page.status_code == 200 and "thứ hạng của bạn sẽ hiện lại sau giây lát" in page.text
    await run_worker(app)
    assert await leaderboard.is_built(round_id) and await unit_board.is_built(round_id)
    clock.travel(timedelta(seconds=2))
    back = await _board(client, round_id, w.org_auth)
    assert back["rebuilding"] is False and back["me"] == live["me"]
    assert await queue.get_pool().ttl(leaderboard.built_key(round_id)) == -1  # live: kept
    page = await client.get(f"/rounds/{round_id}", headers=w.org_auth)
    assert 'id="my-rank"' in page.text and "đang được dựng lại" not in page.text
    assert _ranked(back) == _ranked(live)

    # Frozen, then Redis lost again: final ranks come from the database, "my rank" too.
    clock.travel(timedelta(hours=3))
    await tasks.quiz_minutely({})
    await run_worker(app)
    final = await _board(client, round_id, w.org_auth)
    assert final["final"] is True and final["rebuilding"] is False
    # Its Redis copy, rebuilt after the freeze, is let go after a while …
    for key in (*leaderboard.keys_of(round_id), *unit_board.keys_of(round_id)):
        assert 0 < await queue.get_pool().ttl(key) <= rebuilds.FROZEN_KEEP_S
    # … and once it is gone (or Redis lost it) the stored final ranks answer, "my rank"
    # too, exactly: nothing is being rebuilt, and nothing is asked of the worker.
    await _lose_redis(app)
    clock.travel(timedelta(seconds=2))
    stored = await _board(client, round_id, w.org_auth)
    assert stored["rebuilding"] is False and stored["me"] == final["me"]
    assert _ranked(stored) == _ranked(final)
    units = await client.get(f"/api/v1/rounds/{round_id}/leaderboard/units", headers=w.org_auth)
    assert units.status_code == 200
    assert not await queue.is_queued(f"quiz-rebuild:{round_id}")
    page = await client.get(f"/rounds/{round_id}", headers=w.org_auth)
    assert page.status_code == 200 and "đang được dựng lại" not in page.text


async def test_the_cron_leaves_a_round_to_the_holder_of_its_scoring_lock(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id)
    round_id = int(str(data["id"]))
    await _take(client, round_id, w.alice_auth, 3)
    async with tasks.round_lock(round_id) as held:  # a scoring job is busy with the round
        assert held
        await tasks.quiz_minutely({})
        assert await Attempt.filter(round_id=round_id, scored_at__isnull=True).count() == 1
    await tasks.quiz_minutely({})
    assert await Attempt.filter(round_id=round_id, scored_at__isnull=True).count() == 0


async def test_the_scoring_debounce_remembers_only_the_current_half_second(
    monkeypatch: pytest.MonkeyPatch, redis: object
) -> None:
    now = [1000.0]

    class FakeTime:
        @staticmethod
        def time() -> float:
            return now[0]

    monkeypatch.setattr(tasks, "time", FakeTime)
    for round_id in range(1, 200):
        await tasks.kick_scoring(round_id)
    now[0] += 0.5
    await tasks.kick_scoring(7)
    assert len(tasks._kicked) == 1


async def test_a_rebuild_waiting_for_the_lock_is_not_starved_by_scoring_jobs(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id)
    round_id = int(str(data["id"]))
    await _take(client, round_id, w.alice_auth, 3)
    await run_worker(app)
    await _take(client, round_id, w.bob_auth, 4)
    await _lose_redis(app)
    async with tasks.round_lock(round_id) as held:  # another job holds the round
        assert held
        with pytest.raises(Retry):
            await tasks.quiz_rebuild_boards({}, round_id)
    # The rebuild waits in the queue: scoring jobs leave the round to it, and it scores.
    await rebuilds.request(round_id)
    assert await tasks.quiz_score_round({}, round_id) == 0
    await run_worker(app)
    assert await leaderboard.is_built(round_id) and await unit_board.is_built(round_id)
    assert await Attempt.filter(round_id=round_id, scored_at__isnull=True).count() == 0
    rows, total = await leaderboard.page(await Round.get(id=round_id), 0, 10)
    assert total == 2 and [r.member_id for r in rows] == [w.bob.id, w.alice.id]
