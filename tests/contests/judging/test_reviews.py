"""Scoring, the worker's aggregation, ranking, exports, progress, reminders, shortlist."""

from __future__ import annotations

import html
import logging
from datetime import timedelta

import httpx2
import pytest
from starlette.applications import Starlette

from contests.judging.models import (
    Assignment,
    Criterion,
    Entry,
    EntryResult,
    Notification,
    ReviewEdit,
)
from core import clock
from ideas.models import Idea
from tests.contests.judging.world import World, build, ready
from tests.factories import PASSWORD
from tests.support import run_worker

# tests.support.run_worker closes arq's pool with redis' deprecated close() (foundation file).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _queue(client: httpx2.AsyncClient, w: World, judge_index: int) -> list[dict]:  # type: ignore[type-arg]
    r = await client.get("/api/v1/judging/assignments", headers=w.h(w.judges[judge_index]))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _scores(item: dict, value: float) -> dict[str, float]:  # type: ignore[type-arg]
    return {str(c["id"]): value for c in item["criteria"]}


async def test_judge_scores_and_worker_ranks(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await build()
    await ready(w, reviews=3)
    # Every judge scores entry k with k+1 on each criterion (higher entry id = better).
    for n in range(3):
        for item in await _queue(client, w, n):
            value = 1 + item["entry"]["id"] % 10  # 1-10: within the criteria's maximum
            r = await client.put(
                f"/api/v1/judging/assignments/{item['id']}",
                json={"scores": _scores(item, value), "comment": "Tốt"},
                headers=w.h(w.judges[n]),
            )
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "reviewed"
    await run_worker(app)
    assert await EntryResult.all().count() == 4
    r = await client.get(f"/api/v1/contests/{w.contest.id}/ranking", headers=w.h(w.organiser))
    assert r.status_code == 200
    rows = r.json()
    assert [row["rank"] for row in rows] == [1, 2, 3, 4]
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(row["reviews"] == 3 for row in rows)
    assert rows[0]["raw_score"] is not None and rows[0]["normalised_score"] is not None
    # The public may not see it yet; after publication everyone may.
    assert (await client.get(f"/api/v1/contests/{w.contest.id}/ranking")).status_code == 403
    from contests.judging.ranking import publish_results
    from tests.contests.judging.principal import principal_of

    await publish_results(await principal_of(w.organiser), w.contest.id)
    public = await client.get(f"/api/v1/contests/{w.contest.id}/ranking")
    assert public.status_code == 200
    assert public.json() == rows


async def test_bad_scores_are_refused_and_nothing_stored(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    item = (await _queue(client, w, 0))[0]
    url = f"/api/v1/judging/assignments/{item['id']}"
    crit = [str(c["id"]) for c in item["criteria"]]
    h = w.h(w.judges[0])
    cases = [
        {crit[0]: 11, crit[1]: 5, crit[2]: 5},
        {crit[0]: -1, crit[1]: 5, crit[2]: 5},
        {crit[0]: 5, crit[1]: 5},
        {crit[0]: 5, crit[1]: 5, crit[2]: 5, "99999": 3},
    ]
    for scores in cases:
        r = await client.put(url, json={"scores": scores}, headers=h)
        assert r.status_code == 422, scores
        assert r.json()["error"]["fields"]
    r = await client.put(url, json={"scores": "many"}, headers=h)
    assert r.status_code == 422
    assert await ReviewEdit.all().count() == 0
    assert (await Assignment.get(id=item["id"])).reviewed_at is None


async def test_only_the_assigned_judge_within_the_window(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    item = (await _queue(client, w, 0))[0]
    url = f"/api/v1/judging/assignments/{item['id']}"
    body = {"scores": _scores(item, 5)}
    other = next(j for j in w.judges if j.id != w.judges[0].id)
    r = await client.put(url, json=body, headers=w.h(other))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_your_assignment"
    r = await client.put(url, json=body, headers=w.h(w.authors[0]))
    assert r.status_code == 403
    assert (await client.put(url, json=body)).status_code == 401
    assert (
        await client.put("/api/v1/judging/assignments/999999", json=body, headers=w.h(other))
    ).status_code == 404
    clock.travel(timedelta(days=8))
    r = await client.put(url, json=body, headers=w.h(w.judges[0]))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "judging_closed"


async def test_scoring_before_the_judging_window_is_refused(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    clock.reset()  # back before entries close
    item = (await _queue(client, w, 0))[0]
    r = await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": _scores(item, 5)},
        headers=w.h(w.judges[0]),
    )
    assert r.status_code == 409


async def test_edits_are_kept_for_organisers(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    item = (await _queue(client, w, 0))[0]
    url = f"/api/v1/judging/assignments/{item['id']}"
    h = w.h(w.judges[0])
    await client.put(url, json={"scores": _scores(item, 4), "comment": "đầu"}, headers=h)
    await client.put(url, json={"scores": _scores(item, 9), "comment": "sau"}, headers=h)
    r = await client.get(f"{url}/history", headers=w.h(w.organiser))
    assert r.status_code == 200
    assert [e["comment"] for e in r.json()["items"]] == ["đầu", "sau"]
    assert r.json()["items"][1]["weighted"] == 90.0
    row = await Assignment.get(id=item["id"])
    assert r.json()["assignment_id"] == row.id and r.json()["entry_id"] == row.entry_id
    assert r.json()["judge"] == {"id": w.judges[0].id, "display_name": w.judges[0].display_name}
    assert (await client.get(f"{url}/history", headers=h)).status_code == 403
    assert (await client.get(f"{url}/history")).status_code == 401
    missing = "/api/v1/judging/assignments/999999/history"
    assert (await client.get(missing, headers=w.h(w.organiser))).status_code == 404
    # The organisers' page shows both versions; the judge may not open it.
    login = await client.post(
        "/login", data={"email": w.organiser.email, "password": PASSWORD, "next": "/"}
    )
    assert login.status_code == 303
    page = await client.get(f"/judging/assignments/{item['id']}/history")
    assert page.status_code == 200
    assert (
        "đầu" in page.text and "sau" in page.text and "90,0" in page.text
    )  # Vietnamese decimal comma
    assert w.judges[0].display_name in page.text
    idea = await Idea.get(id=(await Entry.get(id=row.entry_id)).idea_id)
    assert html.escape(idea.title) in page.text
    for crit in await Criterion.filter(contest_id=row.contest_id):
        assert html.escape(crit.name) in page.text
    assert (await client.get("/judging/assignments/999999/history")).status_code == 404


async def test_history_api_reads_neither_idea_nor_criteria(
    client: httpx2.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    w = await build()
    await ready(w)
    item = (await _queue(client, w, 0))[0]
    url = f"/api/v1/judging/assignments/{item['id']}"
    await client.put(url, json={"scores": _scores(item, 4)}, headers=w.h(w.judges[0]))
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")  # every SQL statement
    caplog.clear()
    r = await client.get(f"{url}/history", headers=w.h(w.organiser))
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    statements = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
    assert "judging_review_edit" in " ".join(statements)
    assert not [s for s in statements if '"idea"' in s or "judging_criterion" in s], statements


async def test_progress_csv_reminders(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await build()
    await ready(w)
    item = (await _queue(client, w, 0))[0]
    await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": _scores(item, 7), "comment": "=cmd()"},
        headers=w.h(w.judges[0]),
    )
    await run_worker(app)
    base = f"/api/v1/contests/{w.contest.id}"
    org = w.h(w.organiser)
    p = (await client.get(f"{base}/judging/progress", headers=org)).json()
    assert p["assigned"] == 8 and p["done"] == 1
    done = {j["judge"]["id"]: j["done"] for j in p["judges"]}
    assert done[w.judges[0].id] == 1
    csv_scores = await client.get(f"{base}/scores.csv", headers=org)
    assert csv_scores.status_code == 200
    assert "text/csv" in csv_scores.headers["content-type"]
    assert "Novelty" in csv_scores.text and "'=cmd()" in csv_scores.text
    csv_rank = await client.get(f"{base}/ranking.csv", headers=org)
    assert csv_rank.text.count("\n") == 5  # header + 4 entries
    r = await client.post(f"{base}/judging/reminders", headers=org)
    assert r.status_code == 202
    await run_worker(app)
    late = {n.member_id for n in await Notification.all()}
    assert late == {j.id for j in w.judges}
    notes = await client.get("/api/v1/judging/notifications", headers=w.h(w.judges[1]))
    assert notes.json()["items"][0]["pending"] >= 1
    # Asking again the same day adds nothing.
    await client.post(f"{base}/judging/reminders", headers=org)
    await run_worker(app)
    assert await Notification.all().count() == 3


async def test_shortlist_opens_a_second_round(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await build()
    await ready(w, reviews=3)
    for n in range(3):
        for item in await _queue(client, w, n):
            await client.put(
                f"/api/v1/judging/assignments/{item['id']}",
                json={"scores": _scores(item, 1 + item["entry"]["id"] % 10)},
                headers=w.h(w.judges[n]),
            )
    await run_worker(app)
    base = f"/api/v1/contests/{w.contest.id}"
    org = w.h(w.organiser)
    bad = await client.post(f"{base}/shortlist", json={"reviews_per_entry": 2}, headers=org)
    assert bad.status_code == 422
    r = await client.post(
        f"{base}/shortlist", json={"top_n": 2, "reviews_per_entry": 2}, headers=org
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["round"] == 2 and len(body["entries"]) == 2
    assert len(body["assignments"]) == 4
    ranking = (await client.get(f"{base}/ranking", headers=org)).json()
    assert {row["entry"]["id"] for row in ranking} == set(body["entries"])
    assert all(row["reviews"] == 0 for row in ranking)
    old = (await client.get(f"{base}/ranking?round=1", headers=org)).json()
    assert len(old) == 4
    # The ranking page offers both rounds and shows the one asked for.
    page = await client.get(f"/contests/{w.contest.id}/ranking", headers=org)
    assert page.status_code == 200 and 'href="?round=1"' in page.text
    first = await client.get(f"/contests/{w.contest.id}/ranking?round=1", headers=org)
    assert 'href="?round=2"' in first.text and 'href="?round=1"' not in first.text
    assert all(html.escape(row["entry"]["idea"]["title"]) in first.text for row in old)
    assert first.text.count("<tr>") == len(old) + 1


async def test_settings_choose_official_ranking(client: httpx2.AsyncClient) -> None:
    w = await build()
    url = f"/api/v1/contests/{w.contest.id}/judging/settings"
    r = await client.put(
        url, json={"official": "normalised", "judges_see_ranking": True}, headers=w.h(w.organiser)
    )
    assert r.status_code == 200
    assert r.json()["official"] == "normalised"
    assert (
        await client.put(url, json={"official": "best"}, headers=w.h(w.organiser))
    ).status_code == 422
    assert (
        await client.put(url, json={"blind": False}, headers=w.h(w.judges[0]))
    ).status_code == 403
    assert (
        await client.get(f"/api/v1/contests/{w.contest.id}/ranking", headers=w.h(w.judges[0]))
    ).status_code == 403


async def test_a_review_saved_while_the_queue_is_down_still_counts(
    client: httpx2.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = await build()
    await ready(w)
    item = (await _queue(client, w, 0))[0]

    async def queue_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis is down")  # fault injection: the enqueue fails

    monkeypatch.setattr("core.queue.enqueue", queue_down)
    r = await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": _scores(item, 8)},
        headers=w.h(w.judges[0]),
    )
    assert r.status_code == 200, r.text  # stored: the judge is not told the queue failed
    monkeypatch.undo()
    await run_worker(app)
    assert await EntryResult.all().count() == 0  # no aggregate job was ever queued
    from contests.judging.tasks import judging_catch_up

    assert await judging_catch_up({}) >= 1
    ranking = (
        await client.get(f"/api/v1/contests/{w.contest.id}/ranking", headers=w.h(w.organiser))
    ).json()
    reviewed = [row for row in ranking if row["entry"]["id"] == item["entry"]["id"]]
    assert reviewed[0]["reviews"] == 1 and reviewed[0]["score"] == 80
