"""The idea contest's ranking for those who may not see it yet (a plain page, no link to
it), and entries without a review, which get no rank."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx2
import pytest
from babel.dates import format_datetime
from starlette.applications import Starlette

from contests.errors import EntriesStillOpen
from contests.judging import ranking, service
from contests.judging.models import Assignment
from contests.models import Contest
from core import clock
from tests.contests.judging.pages import login
from tests.contests.judging.principal import principal_of
from tests.contests.judging.world import ENTRY_DAYS, build, ready
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


def _rank_cells(html: str) -> list[str]:
    """The first cell (the rank) of each row of the page's ranking table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.split("<td>", 1)[1].split("</td>", 1)[0] for row in body.split("<tr>")[1:]]


def _links_to_ranking(html: str, contest_id: int) -> bool:
    return f'href="/contests/{contest_id}/ranking"' in html


async def test_no_link_to_an_unpublished_ranking_and_a_plain_page(
    client: httpx2.AsyncClient,
) -> None:
    w = await build()
    await ready(w)
    cid = w.contest.id
    contest = await Contest.get(id=cid)
    assert contest.judging_closes_at is not None
    ends = format_datetime(
        contest.judging_closes_at, format="short", locale="vi", tzinfo=clock.LOCAL_TZ
    )
    org = await principal_of(w.organiser)
    # By default the contest's judges see the ranking (API.md); organisers may hide it.
    await login(client, w.judges[0])
    assert _links_to_ranking((await client.get(f"/contests/{cid}")).text, cid)
    client.cookies.clear()
    await service.update_settings(org, cid, judges_see_ranking=False)
    for who in (None, w.authors[0], w.judges[0]):  # anonymous, a member, a judge not allowed
        if who is not None:
            await login(client, who)
        for path in (f"/contests/{cid}", f"/contests/{cid}/entries"):
            page = await client.get(path)
            assert page.status_code == 200
            assert not _links_to_ranking(page.text, cid), (who, path)
        page = await client.get(f"/contests/{cid}/ranking")
        assert page.status_code == 200
        assert "Kết quả chưa được công bố." in page.text
        assert f"Thời gian chấm thi kết thúc lúc {ends}" in page.text
        assert "<table>" not in page.text and "Ý tưởng số 1" not in page.text
        client.cookies.clear()
    # The organisers always, the judges once allowed, see the link and the ranking.
    await login(client, w.organiser)
    for path in (f"/contests/{cid}", f"/contests/{cid}/entries"):
        assert _links_to_ranking((await client.get(path)).text, cid)
    assert "Ý tưởng số 1" in (await client.get(f"/contests/{cid}/ranking")).text
    client.cookies.clear()
    await service.update_settings(org, cid, judges_see_ranking=True)
    await login(client, w.judges[0])
    assert _links_to_ranking((await client.get(f"/contests/{cid}")).text, cid)
    assert "Ý tưởng số 1" in (await client.get(f"/contests/{cid}/ranking")).text
    client.cookies.clear()
    # Once published, everyone.
    await ranking.publish_results(org, cid)
    assert _links_to_ranking((await client.get(f"/contests/{cid}")).text, cid)
    public = await client.get(f"/contests/{cid}/ranking")
    assert public.status_code == 200 and "Ý tưởng số 1" in public.text


async def test_entries_without_a_review_get_no_rank(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await build()
    await ready(w)
    cid = w.contest.id
    auth = w.h(w.organiser)
    # Before any review: nobody is ranked, on the page, in the API and in the CSV.
    rows = (await client.get(f"/api/v1/contests/{cid}/ranking", headers=auth)).json()
    assert len(rows) == 4 and all(row["rank"] is None for row in rows)
    await login(client, w.organiser)
    page = await client.get(f"/contests/{cid}/ranking")
    assert [c.endswith(">—</span>") for c in _rank_cells(page.text)] == [True] * 4
    text = (await client.get(f"/api/v1/contests/{cid}/ranking.csv", headers=auth)).text
    ranks = [row["rank"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    assert ranks == ["", "", "", ""]
    # One review: that entry is ranked 1, first; the others stay unranked after it.
    judge = w.judges[0]
    mine = await Assignment.filter(judge_id=judge.id).order_by("id").first()
    assert mine is not None
    item = (await client.get(f"/api/v1/judging/assignments/{mine.id}", headers=w.h(judge))).json()
    scores = {str(c["id"]): 5.0 for c in item["criteria"]}
    r = await client.put(
        f"/api/v1/judging/assignments/{mine.id}", json={"scores": scores}, headers=w.h(judge)
    )
    assert r.status_code == 200, r.text
    await run_worker(app)
    rows = (await client.get(f"/api/v1/contests/{cid}/ranking", headers=auth)).json()
    assert [row["rank"] for row in rows] == [1, None, None, None]
    assert rows[0]["entry"]["id"] == mine.entry_id and rows[0]["score"] == 50.0
    page = await client.get(f"/contests/{cid}/ranking")
    cells = _rank_cells(page.text)
    assert cells[0] == "1" and all(c.endswith(">—</span>") for c in cells[1:])
    text = (await client.get(f"/api/v1/contests/{cid}/ranking.csv", headers=auth)).text
    ranks = [row["rank"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    assert ranks == ["1", "", "", ""]


async def test_results_wait_for_the_entries_to_close(client: httpx2.AsyncClient) -> None:
    w = await build()
    url = f"/api/v1/contests/{w.contest.id}/results/publish"
    r = await client.post(url, headers=w.h(w.organiser))
    assert r.status_code == 409 and r.json()["error"]["code"] == "entries_still_open"
    org = await principal_of(w.organiser)
    with pytest.raises(EntriesStillOpen):  # the judging page's button, the same rule
        await ranking.publish_results(org, w.contest.id)
    assert (await Contest.get(id=w.contest.id)).results_published_at is None
    clock.travel(timedelta(days=ENTRY_DAYS, minutes=1))
    r = await client.post(url, headers=w.h(w.organiser))
    assert r.status_code == 200, r.text
