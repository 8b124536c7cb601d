"""Leaderboard reads: a page may be at most 1 s old (contests.board_reads), "my rank" is
never stale, and a score written by this process shows at once."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from contests import board_reads, leaderboard
from contests.leaderboard import Entry
from contests.models import Round
from contests.ranking import Scored
from contests.schemas import Leaderboard
from core import clock
from tests.contests.world import World, quiz_contest, quiz_round, world
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _alice_scored(client: httpx2.AsyncClient, app: Starlette) -> tuple[World, Any]:
    """A round whose board holds Alice's submitted and scored attempt."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id)
    started = (
        await client.post(f"/api/v1/rounds/{data['id']}/attempts", headers=w.alice_auth)
    ).json()
    r = await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=w.alice_auth)
    assert r.status_code == 202
    await run_worker(app)
    return w, data


async def test_a_page_is_at_most_one_second_old_and_my_rank_is_current(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, data = await _alice_scored(client, app)
    url = f"/api/v1/rounds/{data['id']}/leaderboard"
    clock.travel(timedelta(hours=3))
    r = await client.post(f"/api/v1/rounds/{data['id']}/results/publish", headers=w.org_auth)
    assert r.status_code == 200, r.text
    await run_worker(app)  # the board, ordered with the prediction's answer, is rebuilt

    frozen = clock.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    board = (await client.get(url, headers=w.alice_auth)).json()
    assert board["total"] == 1 and board["me"]["rank"] == 1 and board["rebuilding"] is False
    assert Leaderboard.model_validate(board).model_dump(mode="json") == board

    # Bob is scored by a worker in another process (this process is not told): he ranks first.
    round_ = await Round.get(id=int(str(data["id"])))
    monkeypatch.setattr(leaderboard, "_changed", lambda round_id: None)
    bob = Scored(10**6, w.bob.id, 1, 5, 1000, None, frozen)
    await leaderboard.put(round_, [Entry(bob, "Trần Văn Bình", "Phường Ba Đình")])

    board = (await client.get(url, headers=w.alice_auth)).json()
    assert board["total"] == 1 and len(board["items"]) == 1  # the page read a moment ago
    assert board["me"]["rank"] == 2  # my rank: read now
    monkeypatch.setattr(clock, "now", lambda: frozen + timedelta(seconds=0.9))
    assert (await client.get(url, headers=w.alice_auth)).json()["total"] == 1
    monkeypatch.setattr(clock, "now", lambda: frozen + timedelta(seconds=1))
    r = await client.get(url, headers=w.alice_auth)
    board = r.json()
    assert board["total"] == 2 and board["items"][0]["member"]["id"] == w.bob.id
    assert board["items"][1]["member"]["id"] == w.alice.id and board["me"]["rank"] == 2
    # Compact UTF-8 JSON, as the rest of the API answers: no spaces, names not \u-escaped.
    assert r.content == json.dumps(board, ensure_ascii=False, separators=(",", ":")).encode()


async def test_a_score_written_by_this_process_shows_at_once(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id)
    url = f"/api/v1/rounds/{data['id']}/leaderboard"
    frozen: datetime = clock.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    assert (await client.get(url, headers=w.org_auth)).json()["total"] == 0
    started = (
        await client.post(f"/api/v1/rounds/{data['id']}/attempts", headers=w.alice_auth)
    ).json()
    await client.post(f"/api/v1/attempts/{started['id']}/submit", headers=w.alice_auth)
    await run_worker(app)  # the worker of the embedded mode: inside this process
    board = (await client.get(url, headers=w.org_auth)).json()
    assert board["total"] == 1 and board["items"][0]["member"]["id"] == w.alice.id


async def test_reads_finding_a_page_stale_together_fetch_it_once(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id)
    round_ = await Round.get(id=int(str(data["id"])))
    fetches = 0
    real_page = leaderboard.page

    async def counted(*args: Any, **kw: Any) -> tuple[list[leaderboard.Row], int]:
        nonlocal fetches
        fetches += 1
        await asyncio.sleep(0)  # let the other reads arrive while this one waits on Redis
        return await real_page(*args, **kw)

    monkeypatch.setattr(leaderboard, "page", counted)
    pages = await asyncio.gather(*(board_reads.page(round_, 0, 100) for _ in range(20)))
    assert fetches == 1 and {p.total for p in pages} == {0}


def test_a_rounds_board_keys_share_one_redis_cluster_slot() -> None:
    from redis.crc import key_slot

    from contests import unit_board

    keys = [*leaderboard._keys(42), *unit_board._keys(42)]
    assert len({key_slot(k.encode()) for k in keys}) == 1
    assert key_slot(leaderboard._keys(42)[0].encode()) != key_slot(
        leaderboard._keys(43)[0].encode()
    )  # rounds spread over the cluster


async def test_my_rank_reads_arriving_together_share_one_round_trip_and_outlive_a_script_flush(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    data = await quiz_round(client, w, contest_id)
    round_ = await Round.get(id=int(str(data["id"])))
    at = clock.now()
    # 30 members; more right answers rank higher
    entries = [
        Entry(Scored(5000 + i, 9000 + i, 1, i, 60_000, None, at), f"Thành viên {i}", "Phường")
        for i in range(30)
    ]
    await leaderboard.put(round_, entries)
    await app.state.services.pool.script_flush()  # Redis forgot "my rank"'s script
    before = leaderboard._rank_batch.batches
    rows = await asyncio.gather(
        *(leaderboard.rank_of(round_, 9000 + i, built=True) for i in range(30)),
        leaderboard.rank_of(round_, 424242, built=True),  # not on the board
    )
    assert [r.rank for r in rows[:30] if r is not None] == [30 - i for i in range(30)]
    assert rows[0] is not None and rows[0].display_name == "Thành viên 0"
    assert rows[30] is None
    assert leaderboard._rank_batch.batches - before == 1


async def test_a_page_half_a_second_old_answers_at_once_while_it_is_read_again(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, data = await _alice_scored(client, app)
    round_ = await Round.get(id=int(str(data["id"])))
    frozen = clock.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    assert (await board_reads.page(round_, 0, 100)).total == 1

    # Bob is scored by another process; Redis answers slowly from now on.
    monkeypatch.setattr(leaderboard, "_changed", lambda round_id: None)
    bob = Scored(10**6, w.bob.id, 1, 5, 1000, None, frozen)
    await leaderboard.put(round_, [Entry(bob, "Trần Văn Bình", "Phường Ba Đình")])
    release, renewed = asyncio.Event(), asyncio.Event()
    real_page = leaderboard.page

    async def slow(*args: Any, **kw: Any) -> tuple[list[leaderboard.Row], int]:
        await release.wait()
        found = await real_page(*args, **kw)
        renewed.set()
        return found

    monkeypatch.setattr(leaderboard, "page", slow)
    monkeypatch.setattr(clock, "now", lambda: frozen + timedelta(seconds=0.6))
    for _ in range(5):  # no read waits for Redis: the page kept answers
        assert (await asyncio.wait_for(board_reads.page(round_, 0, 100), 1)).total == 1
    release.set()
    await asyncio.wait_for(renewed.wait(), 5)
    await asyncio.sleep(0)  # the renewal keeps what it read
    assert (await board_reads.page(round_, 0, 100)).total == 2
