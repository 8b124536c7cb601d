"""The contest page's "Publish results" while a quiz round is still open: the button is
disabled with the reason (the round and when it closes), and a post from an older page
gets a page naming the round with a link back, not a bare 409."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx2
import pytest
from babel.dates import format_datetime

from contests.models import Contest, Round
from core import clock
from tests.contests.judging.pages import login
from tests.contests.world import quiz_contest, quiz_round, world

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


def _publish_form(html: str) -> str:
    return html.split('id="publish-results"', 1)[1].split("</form>", 1)[0]


def _shown(when: datetime) -> str:
    return format_datetime(when, format="short", locale="vi", tzinfo=clock.LOCAL_TZ)


async def test_results_wait_for_the_open_round(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    await quiz_round(client, w, contest_id, title="Vòng 1")
    await quiz_round(
        client,
        w,
        contest_id,
        title="Vòng chung kết",
        opens_at=(clock.now() + timedelta(hours=3)).isoformat(),
        closes_at=(clock.now() + timedelta(hours=5)).isoformat(),
    )
    last = await Round.get(contest_id=contest_id, title="Vòng chung kết")
    closes = _shown(last.closes_at)
    csrf = await login(client, w.organiser)

    page = await client.get(f"/contests/{contest_id}")
    form = _publish_form(page.text)
    assert "disabled" in form
    # The round that holds the results back is the one closing last.
    assert (
        f"Chỉ công bố được kết quả khi mọi vòng thi đã kết thúc: vòng “Vòng chung kết”"
        f" kết thúc lúc {closes}." in form
    )

    # A post from a page shown before: a page naming the round, linking back.
    r = await client.post(f"/contests/{contest_id}/results/publish", data={"csrf_token": csrf})
    assert r.status_code == 409
    assert "Vòng chung kết" in r.text and closes in r.text
    assert f'href="/contests/{contest_id}"' in r.text
    assert (await Contest.get(id=contest_id)).results_published_at is None

    # Once every round has closed, the button works.
    clock.travel(timedelta(hours=6))
    page = await client.get(f"/contests/{contest_id}")
    assert "disabled" not in _publish_form(page.text)
    r = await client.post(f"/contests/{contest_id}/results/publish", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert (await Contest.get(id=contest_id)).results_published_at is not None
