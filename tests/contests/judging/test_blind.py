"""Blind judging: nothing a judge can reach names an entry's authors, their unit or co-authors."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from accounts.models import Member, Unit
from tests.contests.judging.world import build, ready
from tests.support import run_worker

# tests.support.run_worker closes arq's pool with redis' deprecated close() (foundation file).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def test_no_judge_facing_response_carries_author_identity(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await build()
    await ready(w)
    await client.put(
        f"/api/v1/contests/{w.contest.id}/judging/settings",
        json={"judges_see_ranking": True},
        headers=w.h(w.organiser),
    )
    judge = w.judges[0]
    h = w.h(judge)
    queue = (await client.get("/api/v1/judging/assignments", headers=h)).json()["items"]
    item = queue[0]
    await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": {str(c["id"]): 5 for c in item["criteria"]}},
        headers=h,
    )
    await run_worker(app)
    # Log the judge in for the pages.
    login = await client.post(
        "/login", data={"email": judge.email, "password": "correct horse 42", "next": "/judging"}
    )
    assert login.status_code in (200, 303), login.text
    base = f"/api/v1/contests/{w.contest.id}"
    api_paths = [
        "/api/v1/judging/assignments",
        *[f"/api/v1/judging/assignments/{i['id']}" for i in queue],
        f"{base}/entries",
        f"{base}/criteria",
        f"{base}/ranking",
        "/api/v1/judging/notifications",
        f"{base}/judging/progress",
        f"{base}/scores.csv",
        f"{base}/ranking.csv",
        "/api/v1/judging/assignments/999999",
        f"/api/v1/judging/assignments/{item['id']}/history",
    ]
    page_paths = [
        "/judging",
        *[f"/judging/assignments/{i['id']}" for i in queue],
        f"/contests/{w.contest.id}/entries",
        f"/contests/{w.contest.id}/ranking",
        f"/contests/{w.contest.id}/judging/manage",
    ]
    author_ids = [a.id for a in w.authors]
    names = [m.display_name for m in await Member.filter(id__in=author_ids)]
    units = [u.name for u in await Unit.filter(id__in=[a.unit_id for a in w.authors])]
    seen = 0
    for path in api_paths:
        r = await client.get(path, headers=h)
        assert r.status_code < 500, path
        seen += 1
        for secret in [*names, *units, "Tác Giả"]:
            assert secret not in r.text, (path, secret)
        if (
            r.headers.get("content-type", "").startswith("application/json")
            and r.status_code == 200
        ):
            assert '"author' not in r.text, path
    for path in page_paths:
        r = await client.get(path)
        assert r.status_code < 500, path
        for secret in [*names, *units, "Tác Giả"]:
            assert secret not in r.text, (path, secret)
        seen += 1
    assert seen == len(api_paths) + len(page_paths)
    # The judge's own pages do work and show the idea (just not who wrote it).
    own = await client.get(f"/judging/assignments/{item['id']}")
    assert own.status_code == 200
    assert item["entry"]["idea"]["title"] in own.text
    assert (await client.get("/judging")).status_code == 200
    assert (await client.get(f"/contests/{w.contest.id}/ranking")).status_code == 200
    assert any(i["entry"]["idea"]["body"] for i in queue)  # the judge does get the idea's text
