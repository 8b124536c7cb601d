"""What a question import reports (QA): each column named in the request's language, every
problem of a row, and a problem of the whole file said of the file, never of a "row 0"."""

from __future__ import annotations

import httpx2

from contests.models import Question
from tests.contests.test_pages import login
from tests.contests.world import questions, quiz_contest, world

HEADER = "text,option_a,option_b,option_c,correct,tags,difficulty,explanation\n"
EN = {"Accept-Language": "en"}


async def _post_csv(
    client: httpx2.AsyncClient, contest_id: int, auth: dict[str, str], text: str, **headers: str
) -> httpx2.Response:
    return await client.post(
        f"/api/v1/contests/{contest_id}/questions",
        content=text.encode("utf-8"),
        headers={**auth, "Content-Type": "text/csv", **headers},
    )


async def test_a_csv_problem_names_its_column_in_the_request_language(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=1)
    csv_text = HEADER + ",A,B,C,A,,9,\n"  # no question text, difficulty 9
    r = await _post_csv(client, contest_id, w.org_auth, csv_text)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "row": 2,
            "message": "Cột «Độ khó» (difficulty): Phải là số nguyên từ 1 đến 5.",
            "scope": "row",
            "field": "difficulty",
        },
        {
            "row": 2,
            "message": "Cột «Câu hỏi» (text): Ít nhất 1 ký tự.",
            "scope": "row",
            "field": "text",
        },
    ]
    r = await _post_csv(client, contest_id, w.org_auth, csv_text, **EN)
    assert [e["message"] for e in r.json()["errors"]] == [
        "Column difficulty: Must be a whole number from 1 to 5.",
        "Column text: At least 1 character.",
    ]
    assert await Question.filter(contest_id=contest_id).count() == 1


async def test_every_problem_of_a_row_is_reported(client: httpx2.AsyncClient) -> None:
    """A row with no `correct` and `difficulty=abc` used to report only the difficulty."""
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=1)
    csv_text = HEADER + "Câu một,A,B,C,,,abc,\n" + "Câu hai,A,A,C,D,,1,\n"
    r = await _post_csv(client, contest_id, w.org_auth, csv_text, **EN)
    assert r.status_code == 422
    body = r.json()
    assert [(e["row"], e["field"], e["message"]) for e in body["errors"]] == [
        (2, "correct", "Column correct: Give at least one correct option, e.g. A or A,C."),
        (2, "difficulty", "Column difficulty: Must be a whole number from 1 to 5."),
        (3, None, "Two options are the same."),
        (3, None, "A correct option points past the options."),  # D of three options
    ]
    assert body["error"]["fields"]["rows.2"] == (
        "Column correct: Give at least one correct option, e.g. A or A,C. "
        "Column difficulty: Must be a whole number from 1 to 5."
    )

    items = questions(2)
    items[0].update(text="", difficulty=9)
    items[1].update(options=["Có", "Có", "Không"], correct=[0, 0])
    r = await client.post(
        f"/api/v1/contests/{contest_id}/questions", json=items, headers=w.org_auth
    )
    assert r.status_code == 422
    assert [(e["row"], e["field"], e["message"]) for e in r.json()["errors"]] == [
        (1, "text", "Trường «Câu hỏi» (text): Ít nhất 1 ký tự."),
        (1, "difficulty", "Trường «Độ khó» (difficulty): Phải nhỏ hơn hoặc bằng 5."),
        (2, None, "Có hai phương án trùng nhau."),
        (2, None, "Một đáp án đúng bị ghi hai lần."),
    ]
    assert await Question.filter(contest_id=contest_id).count() == 1


async def test_a_problem_of_the_file_is_no_row(client: httpx2.AsyncClient) -> None:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=1)
    url = f"/api/v1/contests/{contest_id}/questions"
    r = await client.post(
        url, content="câu".encode("utf-16"), headers={**w.org_auth, "Content-Type": "text/csv"}
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"row": 0, "message": "Tệp không phải văn bản UTF-8.", "scope": "file", "field": None}
    ]
    assert r.json()["error"]["fields"] == {"file": "Tệp không phải văn bản UTF-8."}

    r = await client.post(url, json={"text": "một câu"}, headers={**w.org_auth, **EN})
    assert r.json()["errors"] == [
        {
            "row": 0,
            "message": "Expected a JSON list of questions.",
            "scope": "file",
            "field": None,
        }
    ]
    broken = HEADER + "Câu một,A,B,C,A,,1,\n" + '"Câu hai,A,B,C,A,,1,\n'
    r = await _post_csv(client, contest_id, w.org_auth, broken, **EN)
    assert r.json()["errors"] == [
        {
            "row": 3,
            "message": "Broken CSV at line 3: unbalanced quotes or a cell too large; "
            "the rest of the file was not read.",
            "scope": "file",
            "field": None,
        }
    ]
    r = await _post_csv(client, contest_id, w.org_auth, "question,answer\nA,B\n", **EN)
    [wrong] = r.json()["errors"]
    assert wrong["scope"] == "file" and wrong["message"].startswith("Wrong columns")

    # the import page: the file's problems under their own heading, no row "0"
    csrf = await login(client, w.organiser.email)
    r = await client.post(
        f"/contests/{contest_id}/questions",
        data={"csrf_token": csrf},
        files={"file": ("cau-hoi.csv", "câu".encode("utf-16"), "text/csv")},
    )
    assert r.status_code == 422
    assert "Lỗi của cả tệp:" in r.text and "<li>Tệp không phải văn bản UTF-8.</li>" in r.text
    assert "<td>0</td>" not in r.text and "Các dòng bị lỗi" not in r.text
    bad_row = HEADER + "Câu một,A,B,C,,,abc,\n"
    r = await client.post(
        f"/contests/{contest_id}/questions?lang=en",
        data={"csrf_token": csrf},
        files={"file": ("cau-hoi.csv", bad_row.encode(), "text/csv")},
    )
    assert r.status_code == 422 and "Problems with the file" not in r.text
    assert "<td>2</td><td>Column correct: Give at least one correct option" in r.text
    assert "<td>2</td><td>Column difficulty: Must be a whole number from 1 to 5.</td>" in r.text
