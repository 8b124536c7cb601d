"""The judge's pages: the entry's body as the idea page shows it, and what the queue and
the score form say when judging has not opened yet or has ended."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx2
import pytest
from babel.dates import format_datetime

from contests.judging.models import Assignment, Entry
from contests.models import Contest
from core import clock
from ideas.models import Idea
from tests.contests.judging.pages import login
from tests.contests.judging.world import ENTRY_DAYS, JUDGING_DAYS, build, ready

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

BODY = (
    "# Mục tiêu\n\nGiảm rác thải **Quan trọng** ở trường học.\n\n"
    "| Việc | Khi nào |\n|---|---|\n| Phân loại | Tuần 1 |\n\n"
    '<script>alert("x")</script> [bấm](javascript:alert(1))'
)


def _shown(when: datetime | None) -> str:
    """A time as the pages show it (Vietnamese, Vietnam time)."""
    assert when is not None
    return format_datetime(when, format="short", locale="vi", tzinfo=clock.LOCAL_TZ)


def _section(html: str, heading: str) -> str:
    """The page's text from a heading to the next section's end."""
    return html.split(heading, 1)[1].split("</section>", 1)[0]


async def test_review_page_renders_the_body_like_the_idea_page(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    judge = w.judges[0]
    mine = await Assignment.filter(judge_id=judge.id).order_by("id").first()
    assert mine is not None
    entry = await Entry.get(id=mine.entry_id)
    await Idea.filter(id=entry.idea_id).update(body=BODY)
    await login(client, judge)
    page = await client.get(f"/judging/assignments/{mine.id}")
    assert page.status_code == 200
    body = page.text.split('<div class="idea-body">', 1)[1].split("</div>", 1)[0]
    assert "<h1>Mục tiêu</h1>" in body
    assert "<strong>Quan trọng</strong>" in body
    assert "<table>" in body and "<td>Phân loại</td>" in body
    assert "# Mục tiêu" not in body and "**" not in body and "|---|" not in body
    # As safe as the idea page: typed HTML is text, a javascript: link loses its target.
    assert "<script" not in body and "&lt;script" in body
    assert "javascript:" not in body.replace('javascript:alert(1)"', "")
    assert 'href="javascript' not in body


async def test_queue_and_form_say_judging_has_not_opened_yet(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    clock.travel(-timedelta(days=ENTRY_DAYS, hours=1))  # back to while entries are open
    judge = w.judges[0]
    contest = await Contest.get(id=w.contest.id)
    opens = _shown(contest.judging_opens_at)
    await login(client, judge)
    queue = await client.get("/judging")
    assert queue.status_code == 200
    assert "Đã kết thúc" not in queue.text  # not "Closed"
    waiting = _section(queue.text, "Chưa mở chấm thi")
    mine = await Assignment.filter(judge_id=judge.id).order_by("id")
    assert all(f"/judging/assignments/{a.id}" in waiting for a in mine)
    assert f"Bắt đầu chấm lúc {opens}." in waiting
    form = await client.get(f"/judging/assignments/{mine[0].id}")
    assert form.status_code == 200
    assert f"Chưa đến thời gian chấm thi: bắt đầu chấm lúc {opens}." in form.text
    assert "chưa mở hoặc đã kết thúc" not in form.text
    assert 'name="score_' not in form.text

    english = await client.get(
        f"/judging/assignments/{mine[0].id}", headers={"Accept-Language": "en"}
    )
    assert "Judging has not opened yet: it opens at" in english.text


async def test_queue_and_form_say_judging_has_ended(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    clock.travel(timedelta(days=JUDGING_DAYS))  # past the judging window's end
    judge = w.judges[0]
    contest = await Contest.get(id=w.contest.id)
    await login(client, judge)
    queue = await client.get("/judging")
    mine = await Assignment.filter(judge_id=judge.id).order_by("id")
    assert "Chưa mở chấm thi" not in queue.text
    closed = _section(queue.text, "Đã kết thúc")
    assert all(f"/judging/assignments/{a.id}" in closed for a in mine)
    form = await client.get(f"/judging/assignments/{mine[0].id}")
    ended = _shown(contest.judging_closes_at)
    assert f"Thời gian chấm thi đã kết thúc lúc {ended}." in form.text
    assert "chưa mở hoặc đã kết thúc" not in form.text


async def test_queue_api_says_where_judging_stands(client: httpx2.AsyncClient) -> None:
    w = await build()
    await ready(w)
    clock.travel(-timedelta(days=ENTRY_DAYS, hours=1))
    r = await client.get("/api/v1/judging/assignments", headers=w.h(w.judges[0]))
    items = r.json()["items"]
    assert items and all(i["state"] == "not_yet" and not i["open"] for i in items)
    contest = await Contest.get(id=w.contest.id)
    assert contest.judging_opens_at is not None
    assert {datetime.fromisoformat(i["judging_opens_at"]) for i in items} == {
        contest.judging_opens_at
    }
