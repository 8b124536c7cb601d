from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest
from starlette.applications import Starlette

from contests.models import Attempt, Question
from core import clock
from tests.contests.world import quiz_contest, quiz_round, world
from tests.factories import PASSWORD
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def login(client: httpx2.AsyncClient, email: str) -> str:
    page = await client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    assert r.status_code == 303, r.text
    page = await client.get("/contests")
    return page.text.split('name="csrf-token" content="')[1].split('"')[0]


async def test_member_takes_a_quiz_without_javascript(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    r = await client.get("/contests")
    assert r.status_code == 200 and "Tìm hiểu lịch sử Đoàn" in r.text
    csrf = await login(client, w.alice.email)
    r = await client.get("/contests")
    assert "eligible" in r.text
    r = await client.get(f"/contests/{contest_id}")
    assert r.status_code == 200 and f"/rounds/{round_['id']}" in r.text
    r = await client.get(f"/rounds/{round_['id']}")
    assert 'id="start-attempt"' in r.text
    r = await client.post(f"/rounds/{round_['id']}/start", data={"csrf_token": csrf})
    assert r.status_code == 303
    attempt_url = r.headers["location"]
    page = await client.get(attempt_url)
    assert page.status_code == 200 and 'id="quiz-form"' in page.text
    assert "26/3/1931" not in page.text  # no explanation (nor key) while taking it
    attempt = await Attempt.get(member_id=w.alice.id)
    keys = {q.id: q.correct for q in await Question.filter(id__in=attempt.question_ids)}
    data = {"csrf_token": csrf, "action": "submit"}
    # the form names options by the attempt's own ids: the right one's place in its order
    order = attempt.option_order
    data.update(
        {f"q{qid}": str(order[str(qid)].index(keys[qid][0])) for qid in attempt.question_ids}
    )
    r = await client.post(attempt_url, data=data)
    assert r.status_code == 303
    await run_worker(app)
    page = await client.get(attempt_url)
    assert "5/5" in page.text
    r = await client.get("/contests/mine")
    assert "5/5" in r.text


async def test_organiser_creates_and_manages_by_forms(client: httpx2.AsyncClient) -> None:
    w = await world()
    csrf = await login(client, w.organiser.email)
    r = await client.get("/contests/manage")
    assert r.status_code == 200
    now = clock.now() + timedelta(hours=7)  # forms speak Vietnam time
    fmt = "%Y-%m-%dT%H:%M"
    r = await client.post(
        "/contests/manage",
        data={
            "csrf_token": csrf,
            "title": "Rung chuông vàng",
            "kind": "quiz",
            "unit_id": str(w.tree.hanoi.id),
            "opens_at": (now - timedelta(hours=1)).strftime(fmt),
            "closes_at": (now - timedelta(hours=2)).strftime(fmt),
        },
    )
    assert r.status_code == 422 and "field-error" in r.text
    r = await client.post(
        "/contests/manage",
        data={
            "csrf_token": csrf,
            "title": "Rung chuông vàng",
            "kind": "quiz",
            "unit_id": str(w.tree.hanoi.id),
            "opens_at": (now - timedelta(hours=1)).strftime(fmt),
            "closes_at": (now + timedelta(days=2)).strftime(fmt),
        },
    )
    assert r.status_code == 303
    detail = r.headers["location"].split("?")[0]
    contest_id = int(detail.rsplit("/", 1)[1])
    r = await client.post(f"/contests/{contest_id}/publish", data={"csrf_token": csrf})
    assert r.status_code == 303
    csv_text = (
        "text,option_a,option_b,option_c,correct,tags,difficulty,explanation\n"
        "Thủ đô Việt Nam?,Hà Nội,Huế,Đà Nẵng,A,dia-ly,1,\n"
        "Sai dòng,Một,Hai,Ba,Z,,1,\n"
    )
    files = {"file": ("q.csv", csv_text.encode(), "text/csv")}
    r = await client.post(
        f"/contests/{contest_id}/questions", data={"csrf_token": csrf}, files=files
    )
    assert r.status_code == 422 and "<td>3</td>" in r.text
    assert await Question.filter(contest_id=contest_id).count() == 0
    r = await client.post(
        f"/contests/{contest_id}/questions",
        data={"csrf_token": csrf, "partial": "1"},
        files=files,
    )
    assert r.status_code == 200
    assert await Question.filter(contest_id=contest_id).count() == 1
    r = await client.post(
        f"/contests/{contest_id}/rounds",
        data={
            "csrf_token": csrf,
            "title": "Vòng thử",
            "opens_at": now.strftime(fmt),
            "closes_at": (now + timedelta(hours=1)).strftime(fmt),
            "question_count": "1",
            "time_limit_min": "5",
        },
    )
    assert r.status_code == 303
    r = await client.get(f"/contests/{contest_id}")
    assert "Vòng thử" in r.text


async def test_member_cannot_see_manage_or_dashboard(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    await login(client, w.alice.email)
    assert (await client.get("/contests/manage")).status_code == 403
    assert (await client.get(f"/rounds/{round_['id']}/dashboard")).status_code == 403


async def test_idea_contest_page_links_to_judging_pages(client: httpx2.AsyncClient) -> None:
    from tests.contests.world import contest_body

    w = await world()
    r = await client.post(
        "/api/v1/contests", json=contest_body(w, kind="ideas"), headers=w.org_auth
    )
    contest_id = r.json()["id"]
    await client.post(f"/api/v1/contests/{contest_id}/publish", headers=w.org_auth)
    page = await client.get(f"/contests/{contest_id}")
    assert f"/contests/{contest_id}/entries" in page.text
    assert f"/contests/{contest_id}/ranking" not in page.text  # not public until published
    assert "/judging/manage" not in page.text  # organisers only
    await login(client, w.organiser.email)
    page = await client.get(f"/contests/{contest_id}")
    assert f"/contests/{contest_id}/judging/manage" in page.text
    assert f"/contests/{contest_id}/ranking" in page.text


async def test_quiz_form_ignores_numbers_it_cannot_use(client: httpx2.AsyncClient) -> None:
    """An option or a prediction that str.isdigit accepts but int() refuses ("²", 5,000
    digits) answered 500 when the attempt form was saved: they count as not chosen."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    attempt = r.json()
    first = attempt["questions"][0]
    data = {"action": "save", "prediction": "9" * 5000, f"q{first['id']}": ["²", "9" * 5000]}
    r = await client.post(f"/attempts/{attempt['id']}", data=data, headers=w.alice_auth)
    assert r.status_code == 303, r.text[:300]
    data = {"action": "save", "prediction": "²", f"q{first['id']}": "1"}
    r = await client.post(f"/attempts/{attempt['id']}", data=data, headers=w.alice_auth)
    assert r.status_code == 303, r.text[:300]
    # a round's difficulties and whole numbers, as the organiser types them
    for name, typed in (
        ("difficulties", "1, ²"),
        ("difficulties", "9" * 5000),
        ("max_attempts", "²"),
    ):
        r = await client.post(
            f"/rounds/{round_['id']}/edit", data={name: typed}, headers=w.org_auth
        )
        assert r.status_code == 422, (name, r.status_code)


async def test_a_rate_limited_page_says_how_long_to_wait(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id)
    csrf = await login(client, w.alice.email)
    url = f"/rounds/{round_['id']}/start"
    for _ in range(6):  # a start and five resumes: six starts a minute
        assert (await client.post(url, data={"csrf_token": csrf})).status_code == 303
    r = await client.post(url, data={"csrf_token": csrf})
    assert r.status_code == 429 and r.headers["retry-after"].isdigit()
    wait = int(r.headers["retry-after"])
    assert f"Vui lòng đợi {wait} giây rồi thử lại." in r.text
