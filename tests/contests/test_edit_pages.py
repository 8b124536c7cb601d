"""Editing questions and rounds through the contest management pages (no JavaScript)."""

from __future__ import annotations

from datetime import timedelta

import httpx2

from contests.models import Contest, Question, Round
from core import clock
from tests.contests.test_pages import login
from tests.contests.world import iso, questions, quiz_contest, quiz_round, world

FMT = "%Y-%m-%dT%H:%M"


def local(hours: float = 0) -> str:
    """A `datetime-local` value in Vietnam time, `hours` from now."""
    return (clock.now() + timedelta(hours=7 + hours)).strftime(FMT)


async def test_organiser_edits_and_deletes_questions_by_forms(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=3)
    csrf = await login(client, w.organiser.email)
    first, _, last = [q.id for q in await Question.filter(contest_id=contest_id).order_by("id")]
    r = await client.get(f"/contests/{contest_id}")
    assert f'href="/contests/{contest_id}/questions"' in r.text
    r = await client.get(f"/contests/{contest_id}/questions")
    assert r.status_code == 200 and f'href="/questions/{first}/edit"' in r.text
    r = await client.get(f"/questions/{first}/edit")
    assert r.status_code == 200 and 'name="option_a"' in r.text
    form = {
        "csrf_token": csrf,
        "text": "Đoàn TNCS Hồ Chí Minh thành lập năm nào? (đã sửa)",
        "option_a": "1930",
        "option_b": "1931",
        "option_c": "1945",
        "tags": "lich-su, doan",
        "difficulty": "2",
        "explanation": "Ngày 26/3/1931.",
    }
    r = await client.post(f"/questions/{first}/edit", data=form)  # no correct option ticked
    assert r.status_code == 422 and "field-error" in r.text
    assert (await Question.get(id=first)).text.startswith("Câu hỏi số 0")  # unchanged
    r = await client.post(f"/questions/{first}/edit", data={**form, "correct": "1"})
    assert r.status_code == 303, r.text
    q = await Question.get(id=first)
    assert q.options == ["1930", "1931", "1945"] and q.correct == [1]
    assert q.tags == ["lich-su", "doan"] and q.difficulty == 2
    r = await client.post(f"/questions/{last}/delete", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert await Question.filter(contest_id=contest_id).count() == 2
    r = await client.get(f"/contests/{contest_id}/questions?done=deleted")
    assert "Đã xoá câu hỏi." in r.text


async def test_organiser_edits_a_round_by_forms(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=12)
    now = clock.now()
    round_ = await quiz_round(
        client,
        w,
        contest_id,
        opens_at=iso(now + timedelta(hours=1)),
        closes_at=iso(now + timedelta(hours=3)),
    )
    csrf = await login(client, w.organiser.email)
    url = f"/rounds/{round_['id']}/edit"
    r = await client.get(url)
    assert r.status_code == 200 and 'name="question_count"' in r.text
    form = {
        "csrf_token": csrf,
        "title": "Vòng 1 (sửa)",
        "opens_at": local(1),
        "closes_at": local(4),
        "question_count": "8",
        "time_limit_s": "600",
        "max_attempts": "2",
        "counting": "best",
        "tags": "lich-su",
        "difficulties": "1, 2",
        "prediction_question": "",
        "explanations_after_close": "1",
    }
    r = await client.post(url, data={**form, "question_count": "99"})
    assert r.status_code == 409  # said once, with the numbers (the alert; no field repeat)
    assert r.text.count("vòng thi rút 99 câu, nhưng ngân hàng chỉ có 8 câu khớp") == 1
    r = await client.get(f"/rounds/{round_['id']}")  # read before the edit …
    assert r.status_code == 200 and "Vòng 1 (sửa)" not in r.text
    r = await client.post(url, data=form)
    assert r.status_code == 303, r.text
    r = await client.get(f"/rounds/{round_['id']}")  # … and at once after it: the edit shows
    assert "Vòng 1 (sửa)" in r.text
    saved = await Round.get(id=round_["id"])
    assert saved.question_count == 8 and saved.difficulties == [1, 2]
    assert saved.title == "Vòng 1 (sửa)" and saved.tags == ["lich-su"]
    assert saved.grace_s == 5  # the form without the shared fields leaves them be
    # Grace, prediction bounds and the tie-breakers' order, shown and saved by the form.
    page = (await client.get(url)).text
    assert 'name="grace_s"' in page and 'name="tie_breaker_3"' in page
    assert "Sai số dự đoán nhỏ hơn" in page
    rules = {
        "grace_s": "0",
        "prediction_min": "10",
        "prediction_max": "90000",
        "tie_breaker_1": "duration",
        "tie_breaker_2": "submitted_at",
        "tie_breaker_3": "prediction_error",
    }
    r = await client.post(url, data={**form, **rules, "tie_breaker_2": "duration"})
    assert r.status_code == 422 and "field-error" in r.text  # a tie-breaker twice
    r = await client.post(url, data={**form, **rules, "grace_s": "500"})
    assert r.status_code == 422 and "Phải nhỏ hơn hoặc bằng 120." in r.text
    # every bound holds for forms as for the API (the browser's limits are not a check)
    for name, value, says in (
        ("max_attempts", "1000", "Phải nhỏ hơn hoặc bằng 20."),
        ("question_count", "0", "Phải lớn hơn hoặc bằng 1."),
        ("time_limit_s", "1", "Phải lớn hơn hoặc bằng 10."),
        ("prediction_max", "99999999999", "Phải nhỏ hơn hoặc bằng 1000000000."),
        ("counting", "worst", "Phải là một trong: best, first, last."),
    ):
        r = await client.post(url, data={**form, **rules, name: value})
        assert r.status_code == 422 and says in r.text, (name, r.status_code)
        assert (await Round.get(id=round_["id"])).max_attempts == 2  # nothing saved
    r = await client.post(url, data={**form, **rules})
    assert r.status_code == 303, r.text
    saved = await Round.get(id=round_["id"])
    assert saved.grace_s == 0 and (saved.prediction_min, saved.prediction_max) == (10, 90000)
    assert saved.tie_breakers == ["duration", "submitted_at", "prediction_error"]

    clock.travel(timedelta(hours=1, minutes=5))  # open: only the close may move
    r = await client.get(url)
    assert 'name="question_count"' not in r.text and 'name="closes_at"' in r.text
    r = await client.post(url, data={"csrf_token": csrf, "closes_at": local(5)})
    assert r.status_code == 303
    r = await client.post(url, data={"csrf_token": csrf, "closes_at": local(-0.02)})
    assert r.status_code == 422 and "Không được ở trong quá khứ." in r.text
    r = await client.post(url, data={"csrf_token": csrf, "time_limit_s": "60"})
    assert r.status_code == 409 and "chỉ có thể đổi thời gian đóng" in r.text
    assert (await Round.get(id=round_["id"])).time_limit_s == 600
    r = await client.get(url, headers=w.alice_auth)
    assert r.status_code == 403


async def test_forms_set_eligibility_difficulties_and_explanations(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    csrf = await login(client, w.organiser.email)
    r = await client.get("/contests/manage")
    assert 'name="eligibility_unit_id"' in r.text
    r = await client.post(
        "/contests/manage",
        data={
            "csrf_token": csrf,
            "title": "Tìm hiểu Hoàn Kiếm",
            "kind": "quiz",
            "unit_id": str(w.tree.hanoi.id),
            "eligibility_unit_id": str(w.tree.hoan_kiem.id),
            "opens_at": local(-1),
            "closes_at": local(48),
        },
    )
    assert r.status_code == 303, r.text
    contest = await Contest.get(title="Tìm hiểu Hoàn Kiếm")
    assert contest.eligibility_unit_id == w.tree.hoan_kiem.id
    await client.post(
        f"/api/v1/contests/{contest.id}/questions", json=questions(6), headers=w.org_auth
    )
    r = await client.post(
        f"/contests/{contest.id}/rounds",
        data={
            "csrf_token": csrf,
            "title": "Vòng khó",
            "opens_at": local(0),
            "closes_at": local(2),
            "question_count": "2",
            "time_limit_min": "5",
            "difficulty_2": "1",
            "counting": "last",
            "explanations_immediately": "1",
        },
    )
    assert r.status_code == 303, r.text
    saved = await Round.get(contest_id=contest.id)
    assert saved.difficulties == [2] and saved.counting == "last"
    assert saved.explanations_after_close is False


async def test_a_refused_new_round_shows_the_form_again_with_what_was_typed(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=12)
    csrf = await login(client, w.organiser.email)
    form = {
        "csrf_token": csrf,
        "title": "Vòng chung kết",
        "opens_at": local(1),
        "closes_at": local(3),
        "question_count": "4",  # the bank has 4 of difficulty 2
        "time_limit_min": "0",
        "max_attempts": "3",
        "tags": "lich-su",
        "difficulty_2": "1",
        "counting": "last",
        "prediction_question": "Bao nhiêu người đúng hết?",
    }
    r = await client.post(f"/contests/{contest_id}/rounds", data=form)
    assert r.status_code == 422
    assert "Từ 1 đến 240 phút." in r.text  # in minutes, as the form asks
    assert 'value="Vòng chung kết"' in r.text and 'value="lich-su"' in r.text
    assert 'value="last" selected' in r.text and 'name="difficulty_2" value="1"' in r.text
    r = await client.post(
        f"/contests/{contest_id}/rounds",
        data={**form, "time_limit_min": "10", "max_attempts": "50"},
    )
    assert r.status_code == 422 and "Phải nhỏ hơn hoặc bằng 20." in r.text
    r = await client.post(
        f"/contests/{contest_id}/rounds",
        data={**form, "time_limit_min": "10", "question_count": "99"},
    )
    assert r.status_code == 409 and 'value="Vòng chung kết"' in r.text  # more than the bank holds
    assert await Round.filter(contest_id=contest_id).count() == 0  # nothing stored
    r = await client.post(f"/contests/{contest_id}/rounds", data={**form, "time_limit_min": "10"})
    assert r.status_code == 303
    saved = await Round.get(contest_id=contest_id)
    assert (saved.time_limit_s, saved.max_attempts, saved.counting) == (600, 3, "last")
