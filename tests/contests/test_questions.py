from __future__ import annotations

import httpx2

from contests.models import Question
from tests.contests.world import questions, world


async def _contest(client: httpx2.AsyncClient) -> tuple[int, dict[str, str], object]:
    from tests.contests.world import contest_body

    w = await world()
    r = await client.post("/api/v1/contests", json=contest_body(w), headers=w.org_auth)
    return int(r.json()["id"]), w.org_auth, w


async def test_json_import_takes_option_indexes_only_as_numbers(
    client: httpx2.AsyncClient,
) -> None:
    """`true` is no option index (it used to become option B), nor is "0"."""
    contest_id, auth, _ = await _contest(client)
    items = questions(3)
    items[0]["correct"] = [True, False]
    items[2]["correct"] = ["0"]
    r = await client.post(f"/api/v1/contests/{contest_id}/questions", json=items, headers=auth)
    assert r.status_code == 422
    assert [e["row"] for e in r.json()["errors"]] == [1, 1, 3]  # each of row 1's two
    assert [e["field"] for e in r.json()["errors"]] == ["correct.0", "correct.1", "correct.0"]
    assert await Question.filter(contest_id=contest_id).count() == 0


HEADER = "text,option_a,option_b,option_c,option_d,correct,tags,difficulty,explanation\n"


async def test_json_import_reports_every_bad_row_and_imports_none(
    client: httpx2.AsyncClient,
) -> None:
    contest_id, auth, _ = await _contest(client)
    items = questions(4)
    items[1]["correct"] = [7]
    items[3]["options"] = ["chỉ một"]
    r = await client.post(f"/api/v1/contests/{contest_id}/questions", json=items, headers=auth)
    assert r.status_code == 422
    body = r.json()
    assert [e["row"] for e in body["errors"]] == [2, 4]
    assert "rows.2" in body["error"]["fields"] and body["created"] == 0
    assert await Question.filter(contest_id=contest_id).count() == 0
    r = await client.post(
        f"/api/v1/contests/{contest_id}/questions?partial=true", json=items, headers=auth
    )
    assert r.status_code == 201
    assert r.json()["created"] == 2 and len(r.json()["errors"]) == 2
    assert await Question.filter(contest_id=contest_id).count() == 2


async def test_csv_import_good_file(client: httpx2.AsyncClient) -> None:
    contest_id, auth, _ = await _contest(client)
    csv_text = HEADER + (
        '"Đoàn TNCS Hồ Chí Minh thành lập ngày nào?",26/3/1931,2/9/1945,19/5/1890,,A,'
        'lich-su;doan,2,"Ngày 26 tháng 3 năm 1931"\n'
        'Chọn các màu của cờ Đoàn,Xanh,Đỏ,Vàng,Tím,"A,B,C",,1,\n'
    )
    r = await client.post(
        f"/api/v1/contests/{contest_id}/questions",
        content=csv_text.encode(),
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"created": 2, "errors": []}
    multi = await Question.get(contest_id=contest_id, text="Chọn các màu của cờ Đoàn")
    assert multi.correct == [0, 1, 2] and multi.options == ["Xanh", "Đỏ", "Vàng", "Tím"]


async def test_csv_broken_quoting_wrong_columns_and_huge_cell(client: httpx2.AsyncClient) -> None:
    contest_id, auth, _ = await _contest(client)
    url = f"/api/v1/contests/{contest_id}/questions"
    headers = {**auth, "Content-Type": "text/csv", "Accept-Language": "en"}
    broken = HEADER + 'Câu một,A,B,C,D,A,,1,\n"Câu hai chưa đóng ngoặc,A,B,C,D,A,,1,\n'
    r = await client.post(url, content=broken.encode(), headers=headers)
    assert r.status_code == 422
    assert any("Broken CSV" in e["message"] for e in r.json()["errors"])
    wrong = "question,answer\nA,B\n"
    r = await client.post(url, content=wrong.encode(), headers=headers)
    assert r.status_code == 422
    assert "Wrong columns" in r.json()["errors"][0]["message"]
    short = HEADER + "Câu một,A,B\n"
    r = await client.post(url, content=short.encode(), headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["row"] == 2
    huge = HEADER + "Câu,A,B,C,D,A,,1," + "x" * 6_000_000 + "\n"
    r = await client.post(url, content=huge.encode(), headers=headers)
    assert r.status_code == 413
    big_cell = HEADER + "Câu,A,B,C,D,A,,1," + "x" * 200_000 + "\n"
    r = await client.post(url, content=big_cell.encode(), headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["row"] == 2
    # U+0000 in a cell: PostgreSQL's text refuses it (the import answered 500 there)
    nul = HEADER + "Câu một,A,B,C,D,A,,1,\nCâu\x00 hai,A,B,C,D,A,,1,\n"
    r = await client.post(url, content=nul.encode(), headers=headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [  # the whole file is refused, naming the line
        {
            "row": 3,
            "message": "Line 3 holds a character that is not allowed.",
            "scope": "file",
            "field": None,
        }
    ]
    # digits that str.isdigit accepts and int() refuses ("²"), or far too many of them
    odd = HEADER + "Câu một,A,B,C,D,A,,²,\nCâu hai,A,B,C,D,A,,1" + "0" * 5000 + ",\n"
    r = await client.post(url, content=odd.encode(), headers=headers)
    assert r.status_code == 422
    assert [e["row"] for e in r.json()["errors"]] == [2, 3]
    assert (
        r.json()["errors"][0]["message"] == "Column difficulty: Must be a whole number from 1 to 5."
    )
    assert await Question.filter(contest_id=contest_id).count() == 0


async def test_only_its_organisers_import(client: httpx2.AsyncClient) -> None:
    contest_id, _, w = await _contest(client)
    r = await client.post(
        f"/api/v1/contests/{contest_id}/questions",
        json=questions(2),
        headers=w.alice_auth,  # type: ignore[attr-defined]
    )
    assert r.status_code == 403
    r = await client.post(f"/api/v1/contests/{contest_id}/questions", json=questions(2))
    assert r.status_code == 401
    r = await client.get(f"/api/v1/contests/{contest_id}/questions", headers=w.alice_auth)  # type: ignore[attr-defined]
    assert r.status_code == 403


async def test_row_errors_speak_the_request_language(client: httpx2.AsyncClient) -> None:
    contest_id, auth, _ = await _contest(client)
    url = f"/api/v1/contests/{contest_id}/questions"
    items = questions(3)
    items[0]["correct"] = [7]
    items[2]["options"] = ["chỉ một"]
    r = await client.post(url, json=items, headers=auth)  # Vietnamese by default
    body = r.json()
    assert r.status_code == 422
    assert body["errors"][0] == {
        "row": 1,
        "message": "Một đáp án đúng trỏ ra ngoài các phương án.",
        "scope": "row",
        "field": None,
    }
    assert body["error"]["fields"]["rows.1"] == body["errors"][0]["message"]
    assert body["errors"][1]["row"] == 3
    assert body["errors"][1]["message"] == "Trường «Các phương án» (options): Ít nhất 2 mục."
    assert "should" not in body["errors"][1]["message"]  # not pydantic's English
    r = await client.post(url, json=items, headers={**auth, "Accept-Language": "en"})
    assert r.json()["errors"][0]["message"] == "A correct option points past the options."
    assert r.json()["errors"][1]["message"] == "Field options: At least 2 items."

    csv_headers = {**auth, "Content-Type": "text/csv"}
    r = await client.post(url, content=b"question,answer\nA,B\n", headers=csv_headers)
    assert r.json()["errors"][0]["message"] == (
        "Sai cột (thiếu: correct, option_a, option_b, text; không nhận ra: question, answer)."
    )
    short = HEADER + "Câu một,A,B\n" + "Câu hai,A,B,C,D,Z,,1,\n"
    r = await client.post(url, content=short.encode(), headers=csv_headers)
    assert [e["message"] for e in r.json()["errors"]] == [
        "Cần 9 ô, nhưng có 3.",
        "Đáp án đúng “Z” không hợp lệ: dùng các chữ cái A–F.",
    ]
    broken = HEADER + '"Câu chưa đóng ngoặc,A,B,C,D,A,,1,\n'
    r = await client.post(url, content=broken.encode(), headers=csv_headers)
    assert r.json()["errors"][0]["message"].startswith("CSV bị lỗi")
    assert await Question.filter(contest_id=contest_id).count() == 0
