"""The ranking's stale mark: the catch-up cron recomputes what changed and nothing else, and
catches up what a lost job or a dead worker left behind."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx2
import pytest
from starlette.applications import Starlette

from contests.judging import ranking
from contests.judging.models import EntryResult, JudgingSettings
from contests.judging.tasks import judging_catch_up
from core import clock
from tests.contests.judging.world import JUDGING_DAYS, World, build, ready
from tests.support import run_worker

# tests.support.run_worker closes arq's pool with redis' deprecated close() (foundation file).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

STATEMENTS = "tortoise.db_client"


async def _review(
    client: httpx2.AsyncClient, w: World, judge: int, value: float, *, pick: int = 0
) -> dict:  # type: ignore[type-arg]
    """Judge `judge` scores their `pick`-th assignment `value` on every criterion."""
    r = await client.get("/api/v1/judging/assignments", headers=w.h(w.judges[judge]))
    item = r.json()["items"][pick]
    r = await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": {str(c["id"]): value for c in item["criteria"]}},
        headers=w.h(w.judges[judge]),
    )
    assert r.status_code == 200, r.text
    return dict(item)


def _queue_down(monkeypatch: pytest.MonkeyPatch) -> None:
    async def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis is down")  # fault injection: the enqueue fails

    monkeypatch.setattr("core.queue.enqueue", down)


async def _stale(w: World) -> bool:
    settings = await JudgingSettings.get(contest_id=w.contest.id)
    return settings.ranking_stale_since is not None


async def _computed(w: World) -> dict[int, tuple[int, object]]:
    rows = await EntryResult.filter(contest_id=w.contest.id)
    return {r.entry_id: (r.reviews, r.computed_at) for r in rows}


async def test_catch_up_recomputes_only_what_changed(
    client: httpx2.AsyncClient,
    app: Starlette,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = await build()
    await ready(w)
    await judging_catch_up({})  # the contest's settings row starts unmarked or is caught up
    assert not await _stale(w)
    await _review(client, w, 0, 6)
    assert await _stale(w)  # marked with the review, cleared by its job
    await run_worker(app)
    assert not await _stale(w)
    before = await _computed(w)
    assert len(before) == 1

    # Nothing changed: the cron reads the marks (one statement) and recomputes nothing.
    clock.travel(timedelta(minutes=10))
    caplog.set_level(logging.DEBUG, logger=STATEMENTS)
    caplog.clear()
    assert await judging_catch_up({}) == 0
    assert len([r for r in caplog.records if r.name == STATEMENTS]) == 1, caplog.text
    assert await _computed(w) == before

    # A review saved while Redis is down: no job, but the mark is in its transaction.
    _queue_down(monkeypatch)
    await _review(client, w, 1, 9)
    monkeypatch.undo()
    await run_worker(app)
    assert await _stale(w)
    assert await _computed(w) == before  # no job ran
    assert await judging_catch_up({}) >= 1
    after = await _computed(w)
    assert sum(reviews for reviews, _ in after.values()) == 2
    assert not await _stale(w)
    assert await judging_catch_up({}) == 0  # and once is enough
    assert await _computed(w) == after


async def test_a_recompute_that_dies_midway_leaves_the_mark(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    _queue_down(monkeypatch)
    item = await _review(client, w, 0, 7)

    async def dies(*args: object, **kwargs: object) -> None:
        raise RuntimeError("worker killed")  # fault injection: after the old rows' delete

    monkeypatch.setattr(EntryResult, "bulk_create", dies)
    with pytest.raises(RuntimeError):
        await judging_catch_up({})
    monkeypatch.undo()
    assert await _stale(w)  # rolled back with the rest
    assert await judging_catch_up({}) == 1
    assert (await _computed(w))[item["entry"]["id"]][0] == 1
    assert not await _stale(w)


async def test_a_lost_review_at_the_close_of_judging_is_caught_up(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    clock.travel(timedelta(days=JUDGING_DAYS) - timedelta(hours=1, minutes=2))
    _queue_down(monkeypatch)
    item = await _review(client, w, 0, 5)  # a minute before judging closes
    monkeypatch.undo()
    clock.travel(timedelta(minutes=5))  # the cron's next run: judging has closed
    assert await judging_catch_up({}) == 1
    assert (await _computed(w))[item["entry"]["id"]][0] == 1


async def test_settings_and_shortlist_keep_the_mark(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    await judging_catch_up({})
    url = f"/api/v1/contests/{w.contest.id}/judging/settings"
    org = w.h(w.organiser)
    await client.put(url, json={"official": "normalised"}, headers=org)
    assert not await _stale(w)  # the basis is chosen when reading: nothing to recompute
    await client.put(url, json={"min_reviews_to_normalise": 2}, headers=org)
    assert await _stale(w)  # the normalised scores change
    await judging_catch_up({})
    # A shortlist made before a lost review's catch-up ranks the reviews stored.
    _queue_down(monkeypatch)
    item = await _review(client, w, 0, 10)
    monkeypatch.undo()
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/shortlist",
        json={"top_n": 1, "reviews_per_entry": 1},
        headers=org,
    )
    assert r.status_code == 201, r.text
    assert r.json()["entries"] == [item["entry"]["id"]]
    assert not await _stale(w)
    assert (await JudgingSettings.get(contest_id=w.contest.id)).current_round == 2
    assert await ranking.recompute(w.contest.id, 1) == 1  # an old round's late job: no harm
