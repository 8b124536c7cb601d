"""Reviews racing a shortlist, a freeze or a settings change: the review is refused with the
API's error shape, or counted in the ranking the shortlist or freeze chose from; never stored
for a round nobody will recompute. Interleaved in a fixed order, without sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from contests.judging import freshness, ranking, reviews, service
from contests.judging.errors import JudgingClosed, RoundClosed
from contests.judging.models import Assignment, Basis, EntryResult, JudgingSettings, ReviewEdit
from contests.judging.tasks import judging_catch_up
from contests.models import Contest
from core import clock, db
from tests.contests.judging.principal import principal_of
from tests.contests.judging.world import World, build, ready
from tests.support import run_worker

# tests.support.run_worker closes arq's pool with redis' deprecated close() (foundation file).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

Step = Callable[[], Coroutine[Any, Any, object]]


async def _open_item(client: httpx2.AsyncClient, w: World, judge: int) -> dict[str, Any]:
    r = await client.get("/api/v1/judging/assignments", headers=w.h(w.judges[judge]))
    return dict(r.json()["items"][0])


async def _put(
    client: httpx2.AsyncClient, w: World, judge: int, item: dict[str, Any], value: float
) -> httpx2.Response:
    return await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": {str(c["id"]): value for c in item["criteria"]}},
        headers=w.h(w.judges[judge]),
    )


def _queue_down(monkeypatch: pytest.MonkeyPatch) -> None:
    async def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis is down")  # fault injection: the enqueue fails

    monkeypatch.setattr("core.queue.enqueue", down)


def _before_the_review_transaction(monkeypatch: pytest.MonkeyPatch, step: Step) -> None:
    """The review has passed its checks; `step` commits before its transaction begins."""

    @asynccontextmanager
    async def interleaved(*args: Any) -> AsyncIterator[Any]:
        monkeypatch.setattr(reviews, "in_transaction", in_transaction)
        await step()
        async with in_transaction(*args) as conn:
            yield conn

    monkeypatch.setattr(reviews, "in_transaction", interleaved)


async def _settings(w: World) -> JudgingSettings:
    return await JudgingSettings.get(contest_id=w.contest.id)


async def _not_stored(item: dict[str, Any]) -> None:
    row = await Assignment.get(id=item["id"])
    assert row.reviewed_at is None
    assert not await ReviewEdit.exists(assignment_id=item["id"])


async def test_a_review_checked_before_a_shortlist_is_refused(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    first = await _open_item(client, w, 0)
    assert (await _put(client, w, 0, first, 8)).status_code == 200
    await run_worker(app)
    late = await _open_item(client, w, 1)
    org = await principal_of(w.organiser)

    async def shortlist() -> object:
        return await ranking.shortlist(
            org, w.contest.id, top_n=1, min_score=None, reviews_per_entry=1
        )

    _before_the_review_transaction(monkeypatch, shortlist)
    r = await _put(client, w, 1, late, 3)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == RoundClosed.code
    await _not_stored(late)
    settings = await _settings(w)
    assert settings.current_round == 2
    assert settings.ranking_stale_since is None  # nothing marked for a round left behind


async def test_a_review_checked_before_publication_is_refused(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    late = await _open_item(client, w, 1)
    org = await principal_of(w.organiser)

    async def publish() -> object:
        return await ranking.publish_results(org, w.contest.id)

    _before_the_review_transaction(monkeypatch, publish)
    r = await _put(client, w, 1, late, 3)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == JudgingClosed.code
    await _not_stored(late)
    assert (await _settings(w)).frozen_at is not None


@pytest.mark.parametrize("closing", ["shortlist", "freeze"])
async def test_a_review_waits_for_the_shortlist_or_freeze_holding_the_lock(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch, closing: str
) -> None:
    """The shortlist (or freeze) has recomputed under the settings row's lock; a review
    passes its checks meanwhile. It must not commit before the round moves (or the ranking
    freezes) and so go uncounted: it waits for the lock, then is refused."""
    w = await build()
    await ready(w)
    _queue_down(monkeypatch)  # the ranking stays marked: the shortlist recomputes
    first = await _open_item(client, w, 0)
    assert (await _put(client, w, 0, first, 8)).status_code == 200
    late = await _open_item(client, w, 1)
    judge = await principal_of(w.judges[1])
    org = await principal_of(w.organiser)
    contest = await Contest.get(id=w.contest.id)

    recomputed, go, marking = asyncio.Event(), asyncio.Event(), asyncio.Event()
    real_recompute, real_mark = ranking.recompute_locked, freshness.mark_stale

    async def recompute_then_wait(locked: JudgingSettings, round_no: int) -> int:
        scored = await real_recompute(locked, round_no)
        recomputed.set()
        await go.wait()
        return scored

    async def mark(contest_id: int, now: Any, *, round_no: int | None = None) -> None:
        marking.set()
        await real_mark(contest_id, now, round_no=round_no)

    monkeypatch.setattr(ranking, "recompute_locked", recompute_then_wait)
    monkeypatch.setattr(freshness, "mark_stale", mark)

    async def close() -> object:
        if closing == "shortlist":
            return await ranking.shortlist(
                org, w.contest.id, top_n=1, min_score=None, reviews_per_entry=1
            )
        contest.results_published_at = clock.now()
        await contest.save(update_fields=["results_published_at"])
        await ranking.freeze(contest)
        return None

    closer = asyncio.create_task(close())
    await recomputed.wait()
    if closing == "freeze":  # the contest row says published; the review read it before
        monkeypatch.setattr(service, "judging_open", lambda contest, now: True)
    scores = {str(c["id"]): 3.0 for c in late["criteria"]}
    review = asyncio.create_task(reviews.submit(judge, late["id"], scores, ""))
    if db.is_postgres():
        await marking.wait()  # in its transaction, about to wait for the row's lock
    # (SQLite: the client runs one transaction at a time; the review waits for it whole.)
    go.set()
    await closer
    with pytest.raises(RoundClosed if closing == "shortlist" else JudgingClosed):
        await review
    await _not_stored(late)
    result = await EntryResult.get(contest_id=w.contest.id, round=1, entry_id=first["entry"]["id"])
    assert result.reviews == 1


async def test_a_settings_change_keeps_a_concurrent_threshold(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two organisers save at once: one the basis, the other the threshold. Neither undoes
    the other, and the threshold's change marks the ranking."""
    w = await build()
    await ready(w)
    await judging_catch_up({})
    org = await principal_of(w.organiser)
    real = service.contest_or_404
    calls = 0

    async def other_saves_first(contest_id: int) -> Contest:
        nonlocal calls
        calls += 1
        found = await real(contest_id)
        if calls == 1:  # the basis change has begun; the threshold change commits first
            await service.update_settings(org, contest_id, min_reviews_to_normalise=2)
        return found

    monkeypatch.setattr(service, "contest_or_404", other_saves_first)
    saved = await service.update_settings(org, w.contest.id, official=Basis.NORMALISED)
    monkeypatch.undo()
    assert saved.min_reviews_to_normalise == 2
    settings = await _settings(w)
    assert settings.official == Basis.NORMALISED
    assert settings.min_reviews_to_normalise == 2
    assert settings.ranking_stale_since is not None


async def test_a_threshold_change_queues_the_recompute(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await build()
    await ready(w)
    item = await _open_item(client, w, 0)
    assert (await _put(client, w, 0, item, 6)).status_code == 200
    await run_worker(app)
    before = await EntryResult.get(contest_id=w.contest.id, entry_id=item["entry"]["id"])
    clock.travel(timedelta(minutes=1))
    r = await client.put(
        f"/api/v1/contests/{w.contest.id}/judging/settings",
        json={"min_reviews_to_normalise": 2},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 200, r.text
    assert (await _settings(w)).ranking_stale_since is not None
    await run_worker(app)  # no waiting for the catch-up cron
    assert (await _settings(w)).ranking_stale_since is None
    after = await EntryResult.get(contest_id=w.contest.id, entry_id=item["entry"]["id"])
    assert after.computed_at > before.computed_at


async def test_catch_up_skips_published_contests(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    _queue_down(monkeypatch)
    item = await _open_item(client, w, 0)
    assert (await _put(client, w, 0, item, 6)).status_code == 200
    assert await freshness.stale_rounds() == [(w.contest.id, 1)]
    # Published, its freeze not done (the hook failed, or runs elsewhere): not the cron's.
    await Contest.filter(id=w.contest.id).update(results_published_at=clock.now())
    assert await freshness.stale_rounds() == []
    assert await judging_catch_up({}) == 0
