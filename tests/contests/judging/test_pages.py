"""The pages: members enter ideas, judges score through the form, organisers manage."""

from __future__ import annotations

import re

import httpx2
import pytest
from starlette.applications import Starlette

from contests.judging.models import Assignment, Criterion, Entry, Judge
from tests.contests.judging.pages import login
from tests.contests.judging.world import build, make_idea, ready
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def test_member_enters_an_idea_through_the_page(client: httpx2.AsyncClient) -> None:
    w = await build()
    idea = await make_idea(w.authors[0], w.tree.hoan_kiem, "Xe đạp công cộng")
    csrf = await login(client, w.authors[0])
    page = await client.get(f"/contests/{w.contest.id}/entries")
    assert page.status_code == 200
    assert "Xe đạp công cộng" in page.text
    r = await client.post(
        f"/contests/{w.contest.id}/entries", data={"idea_id": str(idea.id), "csrf_token": csrf}
    )
    assert r.status_code == 303
    assert await Entry.filter(idea_id=idea.id).exists()
    again = await client.post(
        f"/contests/{w.contest.id}/entries",
        data={"idea_id": str(idea.id), "csrf_token": csrf},
        headers={"Accept-Language": "en"},
    )
    assert again.status_code == 409
    assert 'role="alert"' in again.text


async def test_organiser_runs_judging_from_the_manage_page(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await build()
    from tests.contests.judging.world import entered

    await entered(w)
    csrf = await login(client, w.organiser)
    base = f"/contests/{w.contest.id}/judging/manage"
    assert (await client.get(base)).status_code == 200
    bad = await client.post(
        f"{base}/criteria",
        data={
            "csrf_token": csrf,
            "name": ["Mới", "Khả thi"],
            "weight": ["50", "40"],
            "max_score": ["10", "10"],
            "description": ["", ""],
        },
    )
    assert bad.status_code == 422
    assert await Criterion.all().count() == 0
    ok = await client.post(
        f"{base}/criteria",
        data={
            "csrf_token": csrf,
            "name": ["Mới", "Khả thi"],
            "weight": ["50", "50"],
            "max_score": ["10", "5"],
            "description": ["", ""],
        },
    )
    assert ok.status_code == 303
    for j in w.judges:
        r = await client.post(f"{base}/judge", data={"csrf_token": csrf, "member": j.email})
        assert r.status_code == 303
    assert await Judge.all().count() == 3
    r = await client.post(f"{base}/assign", data={"csrf_token": csrf, "reviews_per_entry": "5"})
    assert r.status_code == 422
    r = await client.post(f"{base}/assign", data={"csrf_token": csrf, "reviews_per_entry": "2"})
    assert r.status_code == 303
    assert await Assignment.all().count() == 8
    page = await client.get(base)
    assert "Ý tưởng số 1" in page.text


async def test_judge_scores_through_the_form(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await build()
    await ready(w)
    judge = w.judges[0]
    csrf = await login(client, judge)
    queue = await client.get("/judging")
    assert queue.status_code == 200
    ids = re.findall(r'href="/judging/assignments/(\d+)"', queue.text)
    assert ids
    form = await client.get(f"/judging/assignments/{ids[0]}")
    assert '<span class="tag">Môi trường</span>' in form.text  # the field, by its name
    names = re.findall(r'name="(score_\d+)"', form.text)
    assert len(names) == 3
    bad = await client.post(
        f"/judging/assignments/{ids[0]}", data={"csrf_token": csrf, **dict.fromkeys(names, "11")}
    )
    assert bad.status_code == 422
    assert "field-error" in bad.text
    r = await client.post(
        f"/judging/assignments/{ids[0]}",
        data={"csrf_token": csrf, "comment": "Hay", **dict.fromkeys(names, "8")},
    )
    assert r.status_code == 303
    await run_worker(app)
    row = await Assignment.get(id=int(ids[0]))
    assert row.weighted == 80.0 and row.comment == "Hay"
    other = next(a for a in await Assignment.all() if a.judge_id != judge.id)
    assert (await client.get(f"/judging/assignments/{other.id}")).status_code == 403
