"""Reading requests (web.parsing): a body or a query string that cannot be stored gets
API.md's error shape, in the request's language, and nothing is stored — never a 500."""

from __future__ import annotations

from typing import Any

import httpx2

from core.numbers import number_between
from ideas.models import Comment, Idea
from tests.ideas.world import idea_body, new_idea, world


async def test_json_nested_deeper_than_the_parser_goes_is_malformed(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/api/v1/ideas", "/api/v1/auth/token"):
        r = await client.post(
            path, content=deep, headers={**w.h_author, "content-type": "application/json"}
        )
        assert r.status_code == 400, (path, r.status_code, r.text[:200])
        assert r.json()["error"]["code"] == "malformed"
    assert await Idea.all().count() == 0


async def test_a_nul_character_is_refused_in_bodies_and_query_strings(
    client: httpx2.AsyncClient,
) -> None:
    """PostgreSQL's text cannot hold U+0000: it used to fail the query (500) there."""
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/api/v1/ideas/{idea['id']}"
    en = {"Accept-Language": "en"}
    cases: list[tuple[str, str, dict[str, Any], dict[str, str], str]] = [
        ("POST", "/api/v1/ideas", {"json": idea_body(body="a\x00b")}, w.h_author, "body"),
        ("POST", url + "/comments", {"json": {"body": "\x00"}}, w.h_other, "body"),
        ("PATCH", url, {"json": {"tags": ["ok", "x\x00"]}}, w.h_author, "tags.1"),
        ("GET", "/api/v1/units?q=a%00b", {}, {}, "q"),
        ("GET", "/api/v1/search?status=%00", {}, {}, "status"),
    ]
    for method, path, kwargs, headers, field in cases:
        r = await client.request(method, path, headers={**headers, **en}, **kwargs)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:300])
        assert r.json()["error"]["fields"] == {field: "Contains a character that is not allowed."}
    r = await client.post(url + "/comments", json={"body": "\x00"}, headers=w.h_other)
    assert r.json()["error"]["fields"] == {"body": "Có ký tự không được phép."}
    assert await Idea.all().count() == 1 and await Comment.all().count() == 0
    assert (await Idea.get(id=idea["id"])).tags == idea["tags"]


def test_pages_read_only_plain_numbers_in_range() -> None:
    assert number_between("42", 1, 100) == 42 and number_between("0042", 1, 100) == 42
    for raw in (None, "", "0", "101", "-1", "4 2", "²", "١", "9" * 5000, ["1"]):
        assert number_between(raw, 1, 100) is None, raw


async def test_pages_ignore_numbers_they_cannot_use(client: httpx2.AsyncClient) -> None:
    """ "²" passes `str.isdigit` but not `int()`, 5,000 digits pass neither `int()` nor the
    database, 2**63 overflows SQLite: each answered 500 on these pages."""
    w = await world()
    idea = await new_idea(client, w.h_author)
    pages = [
        ("/contests?unit_id={}", {}),
        ("/register?province={}", {}),
        ("/units?id={}", {}),
        (f"/ideas/{idea['id']}?cpage={{}}", {}),
        ("/organise/stats?unit_id={}", w.h_org),
    ]
    for page, headers in pages:
        for raw in ("²", "9" * 5000, str(2**63), str(2**31)):
            r = await client.get(page.format(raw), headers=headers)
            assert r.status_code == 200, (page, raw[:20], r.status_code)


async def test_page_forms_refuse_numbers_they_cannot_use(client: httpx2.AsyncClient) -> None:
    """The same numbers typed into forms (a comment to report, a co-author, an idea to
    moderate) answered 500 too; now the form is refused or the number ignored."""
    w = await world()
    idea = await new_idea(client, w.h_author)
    url = f"/ideas/{idea['id']}"
    for raw in ("²", "9" * 5000, str(2**63), str(2**31)):
        forms = [
            (url + "/reports", {"reason": "Spam", "comment_id": raw}, w.h_other),
            ("/ideas/new", {"title": "Một ý tưởng mới", "co_author_id": raw}, w.h_author),
            ("/organise/moderation", {"decision": "hide", "idea_id": raw}, w.h_org),
            (
                "/organise/moderation",
                {"decision": "hide", "idea_id": "1", "comment_id": raw},
                w.h_org,
            ),
        ]
        for path, form, headers in forms:
            r = await client.post(path, data=form, headers=headers)
            assert r.status_code < 500, (path, form, r.status_code)
    assert await Comment.all().count() == 0


async def test_page_forms_and_searches_refuse_a_nul_character(client: httpx2.AsyncClient) -> None:
    """Forms read field by field (a comment, a new idea) stored a NUL, which PostgreSQL
    refuses (500): every form is checked where it is read; the members search drops it."""
    w = await world()
    idea = await new_idea(client, w.h_author)
    forms = [
        (f"/ideas/{idea['id']}/comments", {"body": "a\x00b"}, w.h_other),
        (f"/ideas/{idea['id']}/reports", {"reason": "a\x00b"}, w.h_other),
        ("/ideas/new", {"title": "Ý tưởng\x00 mới", "field": "education"}, w.h_author),
    ]
    for path, form, headers in forms:
        r = await client.post(path, data=form, headers={**headers, "Accept-Language": "en"})
        assert r.status_code == 422, (path, r.status_code)
        assert "Contains a character that is not allowed." in r.text
    assert await Idea.all().count() == 1 and await Comment.all().count() == 0
    r = await client.get(f"/units?id={w.tree.hanoi.id}&q=a%00b", headers=w.h_org)
    assert r.status_code == 200


async def test_json_values_must_have_their_fields_type_nothing_is_converted(
    client: httpx2.AsyncClient,
) -> None:
    """A number is not taken from a string or from `true` (web.parsing.parse_json): the
    client's mistake is named, never stored as something else."""
    w = await world()
    en = {**w.h_author, "Accept-Language": "en"}
    for bad, field in (
        ({"co_author_ids": ["5"]}, "co_author_ids.0"),
        ({"co_author_ids": [True]}, "co_author_ids.0"),
        ({"title": 123}, "title"),
    ):
        r = await client.post("/api/v1/ideas", json=idea_body(**bad), headers=en)
        assert r.status_code == 422, (bad, r.text)
        assert field in r.json()["error"]["fields"], (bad, r.text)
    r = await client.post("/api/v1/ideas", json=idea_body(co_author_ids=["5"]), headers=w.h_author)
    assert r.json()["error"]["fields"]["co_author_ids.0"] == "Phải là số nguyên."
    assert await Idea.all().count() == 0


async def test_a_wrong_choice_lists_the_values_without_english_words(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    r = await client.post("/api/v1/ideas", json=idea_body(status="published"), headers=w.h_author)
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["status"] == "Phải là một trong: draft, submitted."


async def test_count_messages_agree_with_their_number(client: httpx2.AsyncClient) -> None:
    w = await world()
    en = {**w.h_author, "Accept-Language": "en"}
    r = await client.post("/api/v1/ideas", json=idea_body(title=""), headers=en)
    assert r.json()["error"]["fields"]["title"] == "At least 5 characters."
    idea = await new_idea(client, w.h_author)
    r = await client.post(f"/api/v1/ideas/{idea['id']}/comments", json={"body": ""}, headers=en)
    assert r.json()["error"]["fields"]["body"] == "At least 1 character."
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/comments", json={"body": ""}, headers=w.h_author
    )
    assert r.json()["error"]["fields"]["body"] == "Ít nhất 1 ký tự."
