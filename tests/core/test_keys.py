"""Ids from outside are held to their key column's range (core.keys): past it an id names no
row, and the answer is a 404 (paths) or a 422 naming the field (bodies, query strings), in
API.md's shape — it used to reach the database, which failed the query (a 500): SQLite past
2**63 - 1, PostgreSQL past 2**31 - 1 for accounts' INTEGER keys."""

from __future__ import annotations

import re
from typing import Any

import httpx2

from accounts.models import Role
from contests.judging.models import Judge
from contests.models import Contest
from core.keys import BIGINT_MAX, INTEGER_MAX
from ideas.models import Merge
from tests.contests.world import contest_body
from tests.contests.world import world as contest_world
from tests.ideas.world import new_idea, world
from web.routing import decimal_at_most

TOO_BIG = [INTEGER_MAX + 1, BIGINT_MAX + 1, 10**30]


def test_the_path_regex_matches_exactly_the_numbers_up_to_the_limit() -> None:
    for limit in (BIGINT_MAX, INTEGER_MAX, 100, 7):
        pattern = re.compile(f"^{decimal_at_most(limit)}$")
        for n in (0, 1, 9, 10, limit - 1, limit, limit + 1, limit * 10, 2**64):
            assert bool(pattern.match(str(n))) == (n <= limit), (limit, n)


def _refused(r: httpx2.Response, status: int, field: str | None = None) -> None:
    assert r.status_code == status, (r.request.url, r.status_code, r.text[:300])
    if not r.request.url.path.startswith("/api/"):
        return  # a page: the error page
    error: dict[str, Any] = r.json()["error"]
    assert set(r.json()) == {"error"} and error["message"], r.text
    if field:
        assert field in error["fields"], (r.request.url, error)


async def test_path_ids_past_their_key_name_nothing(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    roles = await Role.all().count()
    for n in (BIGINT_MAX + 1, 10**30):
        for method, path in [
            ("GET", f"/api/v1/ideas/{n}"),
            ("POST", f"/api/v1/ideas/{idea['id']}/attachments/{n}"),
            ("GET", f"/api/v1/contests/{n}"),
            ("PUT", f"/api/v1/attempts/{n}/answers"),
            ("GET", f"/ideas/{n}"),
        ]:
            _refused(await client.request(method, path, headers=w.h_org), 404)
    # accounts' keys are INTEGER: past 2**31 - 1, and on a BIGINT route up to its end
    for n in (INTEGER_MAX + 1, BIGINT_MAX):
        for method, path in [
            ("GET", f"/api/v1/units/{n}"),
            ("POST", f"/api/v1/members/{n}/deactivate"),
            ("DELETE", f"/api/v1/roles/{n}"),
            ("GET", f"/api/v1/ideas/{BIGINT_MAX}"),
            ("DELETE", f"/api/v1/contests/{BIGINT_MAX}/judges/{n}"),
        ]:
            _refused(await client.request(method, path, headers=w.h_org), 404)
    assert await Role.all().count() == roles


async def test_body_and_query_ids_past_their_key_are_422(client: httpx2.AsyncClient) -> None:
    w = await contest_world()
    r = await client.post(
        "/api/v1/contests", json=contest_body(w, kind="ideas"), headers=w.org_auth
    )
    contest_id = r.json()["id"]
    idea = await new_idea(client, w.alice_auth)
    h = w.org_auth
    for n in TOO_BIG:
        small = n > INTEGER_MAX and n <= BIGINT_MAX  # in range for a BIGINT key
        cases: list[tuple[str, str, dict[str, Any], str]] = [
            ("POST", "/api/v1/contests", contest_body(w, unit_id=n), "unit_id"),
            (
                "POST",
                "/api/v1/roles",
                {"member_id": n, "role": "judge", "unit_id": w.tree.hanoi.id},
                "member_id",
            ),
            ("POST", "/api/v1/units", {"parent_id": n, "name": "Chi đoàn"}, "parent_id"),
            ("POST", f"/api/v1/contests/{contest_id}/judges", {"member_id": n}, "member_id"),
            ("GET", f"/api/v1/ideas?unit_id={n}", {}, "unit_id"),
            ("GET", f"/api/v1/units?parent_id={n}", {}, "parent_id"),
            ("GET", f"/api/v1/search?unit_id={n}", {}, "unit_id"),
        ]
        if not small:
            cases += [
                ("POST", f"/api/v1/ideas/{idea['id']}/merge", {"into_id": n}, "into_id"),
                ("POST", f"/api/v1/contests/{contest_id}/entries", {"idea_id": n}, "idea_id"),
            ]
        for method, path, body, field in cases:
            kwargs: dict[str, Any] = {"json": body} if method == "POST" else {}
            _refused(await client.request(method, path, headers=h, **kwargs), 422, field)
    r = await client.get(
        f"/api/v1/contests/{contest_id}/questions?page={BIGINT_MAX + 1}", headers=h
    )
    _refused(r, 422, "page")
    assert await Contest.all().count() == 1
    assert await Judge.all().count() == 0 and await Merge.all().count() == 0
