"""The organisers' quiz forms and dashboard (QA): too few questions said once with the
numbers, every control with its own accessible name, and a dashboard that shows the window
it announces."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import httpx2

from contests.models import Question, Round
from core import clock
from tests.contests.test_edit_pages import local
from tests.contests.test_pages import login
from tests.contests.world import iso, quiz_contest, quiz_round, world

CONTROLS = {"input", "select", "textarea"}


class _Controls(HTMLParser):
    """The form controls of a page with the names assistive technology gives them: the
    `aria-label`, else the text of a `<label for>` or of the one `<label>` wrapping it."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: dict[str, str] = {}
        self.wrapping: list[dict[str, object]] = []  # open <label>s: text, controls inside
        self.crowded: list[str] = []  # labels wrapping more than one control

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.wrapping.append({"for": a.get("for"), "text": "", "controls": []})
        elif tag in CONTROLS and a.get("type") not in ("hidden", "submit"):
            control: dict[str, str | None] = {
                "name": a.get("name"),
                "id": a.get("id"),
                "aria": a.get("aria-label"),
                "wrapped": None,
            }
            if self.wrapping and self.wrapping[-1]["for"] is None:
                inside = self.wrapping[-1]["controls"]
                assert isinstance(inside, list)
                inside.append(control)
            self.controls.append(control)

    def handle_data(self, data: str) -> None:
        for label in self.wrapping:
            label["text"] = str(label["text"]) + data

    def handle_endtag(self, tag: str) -> None:
        if tag != "label" or not self.wrapping:
            return
        label = self.wrapping.pop()
        text = " ".join(str(label["text"]).split())
        if label["for"]:
            self.label_for[str(label["for"])] = text
            return
        inside = label["controls"]
        assert isinstance(inside, list)
        if len(inside) > 1:
            self.crowded.append(text)
        for control in inside[:1]:
            control["wrapped"] = text

    def names(self) -> dict[str, str]:
        """`name` (with the value's index for repeated names) → accessible name."""
        out: dict[str, str] = {}
        for n, c in enumerate(self.controls):
            name = c["aria"] or self.label_for.get(c["id"] or "") or c["wrapped"] or ""
            key = str(c["name"])
            out[key if key not in out else f"{key}#{n}"] = name
        return out


def _controls(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


async def test_question_form_names_each_option_and_each_tick(client: httpx2.AsyncClient) -> None:
    """Each <label> used to wrap the tick and the text field, so the field had no name."""
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=1)
    await login(client, w.organiser.email)
    question = await Question.get(contest_id=contest_id)
    for lang, option, correct in (
        ("vi", "Phương án {}", "Phương án {} là đáp án đúng"),
        ("en", "Option {}", "Option {} is correct"),
    ):
        page = _controls((await client.get(f"/questions/{question.id}/edit?lang={lang}")).text)
        assert page.crowded == []
        names = page.names()
        for letter in "ABCDEF":
            assert names[f"option_{letter.lower()}"] == option.format(letter)
        ticks = [
            page.label_for.get(c["id"] or "") or c["wrapped"]
            for c in page.controls
            if c["name"] == "correct"
        ]
        assert ticks == [correct.format(letter) for letter in "ABCDEF"]
        assert all(names.values()), names


async def test_round_forms_give_every_control_its_own_name(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, opens_at=iso(clock.now() + timedelta(hours=1)))
    await login(client, w.organiser.email)
    for url in (f"/contests/{contest_id}", f"/rounds/{round_['id']}/edit"):
        for lang in ("vi", "en"):
            page = _controls((await client.get(f"{url}?lang={lang}")).text)
            assert page.crowded == []
            names = page.names()
            assert all(names.values()), (url, lang, names)
    names = _controls((await client.get(f"/contests/{contest_id}?lang=en")).text).names()
    assert names["difficulty_2"] == "Difficulty 2"
    assert names["tie_breaker_1"] == "Tie-breaker 1"


async def test_too_few_questions_is_said_once_with_the_numbers(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w)  # 12 questions: 4 of each difficulty 1, 2, 3
    body = {
        "title": "Vòng khó",
        "opens_at": iso(clock.now() + timedelta(hours=1)),
        "closes_at": iso(clock.now() + timedelta(hours=2)),
        "question_count": 6,
        "time_limit_s": 600,
        "tags": ["lich-su"],
        "difficulties": [2],
    }
    url = f"/api/v1/contests/{contest_id}/rounds"
    r = await client.post(url, json=body, headers=w.org_auth)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["message"] == (
        "Không đủ câu hỏi: vòng thi rút 6 câu, nhưng ngân hàng chỉ có 4 câu khớp với chủ đề "
        "và độ khó của vòng."
    )
    assert error["fields"] == {"question_count": error["message"]}
    r = await client.post(
        url,
        json={**body, "tags": [], "difficulties": [], "question_count": 20},
        headers={**w.org_auth, "Accept-Language": "en"},
    )
    assert r.json()["error"]["message"] == (
        "Not enough questions: this round draws 20, and the bank has 12 in use "
        "(retired ones left out)."
    )

    csrf = await login(client, w.organiser.email)
    form = {
        "csrf_token": csrf,
        "title": "Vòng khó",
        "opens_at": local(1),
        "closes_at": local(2),
        "question_count": "6",
        "time_limit_min": "10",
        "tags": "lich-su",
        "difficulty_2": "1",
    }
    r = await client.post(f"/contests/{contest_id}/rounds?lang=en", data=form)
    assert r.status_code == 409
    said = "Not enough questions: this round draws 6, and 4 of the bank match its tags"
    assert r.text.count(said) == 1
    assert "field-error" not in r.text and await Round.filter(contest_id=contest_id).count() == 0

    # a question edit that would starve a round: the round, its draw and what would match
    round_ = await quiz_round(client, w, contest_id, question_count=4, difficulties=[2])
    question = await Question.filter(contest_id=contest_id, difficulty=2).first()
    assert question is not None
    r = await client.patch(
        f"/api/v1/questions/{question.id}",
        json={"difficulty": 3},
        headers={**w.org_auth, "Accept-Language": "en"},
    )
    assert r.status_code == 409
    assert r.json()["error"]["message"] == (
        "Not enough questions would be left for the round “Vòng 1”: it draws 4, and 3 would "
        "match it."
    )
    assert r.json()["error"]["fields"] == {f"rounds.{round_['id']}": r.json()["error"]["message"]}
    edit = {
        "csrf_token": csrf,
        "text": question.text,
        "difficulty": "3",
        "correct": [str(i) for i in question.correct],
        **{f"option_{c}": o for c, o in zip("abcdef", question.options, strict=False)},
    }
    r = await client.post(f"/questions/{question.id}/edit?lang=vi", data=edit)
    assert r.status_code == 409
    assert r.text.count("Vòng thi “Vòng 1” sẽ không còn đủ câu hỏi: vòng rút 4 câu") == 1


async def test_dashboard_shows_the_minutes_it_announces(client: httpx2.AsyncClient) -> None:
    """It said "the last 30 minutes" and showed 10 columns: now 10, said and shown."""
    w = await world()
    contest_id = await quiz_contest(client, w)
    round_ = await quiz_round(client, w, contest_id, time_limit_s=3600)
    r = await client.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=w.alice_auth)
    assert r.status_code == 201
    clock.travel(timedelta(minutes=6))
    await login(client, w.organiser.email)
    page = (await client.get(f"/rounds/{round_['id']}/dashboard")).text
    assert "Theo từng phút trong 10 phút qua" in page
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<th>") == 1 + 10  # the province, then 10 minutes
    assert "<td>1 / 0</td>" in page  # started 6 minutes ago: in the window
    clock.travel(timedelta(minutes=6))  # 12 minutes after: out of it
    page = (await client.get(f"/rounds/{round_['id']}/dashboard?lang=en")).text
    assert "No attempts in the last 10 minutes." in page and "30 minutes" not in page
