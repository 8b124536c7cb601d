"""Reading requests (web.parsing): a body or a query string that cannot be stored gets
API.md's error shape, in the request's language, and nothing is stored — never a 500."""

from __future__ import annotations

from typing import Any

import httpx2

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
