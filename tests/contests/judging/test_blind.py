"""Blind judging: nothing a judge can reach names an entry's authors, their unit or co-authors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from accounts.models import Member, Unit, UnitLevel
from core import clock
from tests.contests.judging.world import (
    CRITERIA,
    ENTRY_DAYS,
    JUDGING_DAYS,
    World,
    build,
    ready,
)
from tests.factories import PASSWORD, bearer, member
from tests.support import run_worker

# tests.support.run_worker closes arq's pool with redis' deprecated close() (foundation file).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def test_no_judge_facing_response_carries_author_identity(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await build()
    await ready(w)
    await client.put(
        f"/api/v1/contests/{w.contest.id}/judging/settings",
        json={"judges_see_ranking": True},
        headers=w.h(w.organiser),
    )
    judge = w.judges[0]
    h = w.h(judge)
    queue = (await client.get("/api/v1/judging/assignments", headers=h)).json()["items"]
    item = queue[0]
    await client.put(
        f"/api/v1/judging/assignments/{item['id']}",
        json={"scores": {str(c["id"]): 5 for c in item["criteria"]}},
        headers=h,
    )
    await run_worker(app)
    # Log the judge in for the pages.
    login = await client.post(
        "/login", data={"email": judge.email, "password": "correct horse 42", "next": "/judging"}
    )
    assert login.status_code in (200, 303), login.text
    base = f"/api/v1/contests/{w.contest.id}"
    api_paths = [
        "/api/v1/judging/assignments",
        *[f"/api/v1/judging/assignments/{i['id']}" for i in queue],
        f"{base}/entries",
        f"{base}/criteria",
        f"{base}/ranking",
        "/api/v1/judging/notifications",
        f"{base}/judging/progress",
        f"{base}/scores.csv",
        f"{base}/ranking.csv",
        "/api/v1/judging/assignments/999999",
        f"/api/v1/judging/assignments/{item['id']}/history",
    ]
    page_paths = [
        "/judging",
        *[f"/judging/assignments/{i['id']}" for i in queue],
        f"/contests/{w.contest.id}/entries",
        f"/contests/{w.contest.id}/ranking",
        f"/contests/{w.contest.id}/judging/manage",
    ]
    author_ids = [a.id for a in w.authors]
    names = [m.display_name for m in await Member.filter(id__in=author_ids)]
    units = [u.name for u in await Unit.filter(id__in=[a.unit_id for a in w.authors])]
    seen = 0
    for path in api_paths:
        r = await client.get(path, headers=h)
        assert r.status_code < 500, path
        seen += 1
        for secret in [*names, *units, "Tác Giả"]:
            assert secret not in r.text, (path, secret)
        if (
            r.headers.get("content-type", "").startswith("application/json")
            and r.status_code == 200
        ):
            assert '"author' not in r.text, path
    for path in page_paths:
        r = await client.get(path)
        assert r.status_code < 500, path
        for secret in [*names, *units, "Tác Giả"]:
            assert secret not in r.text, (path, secret)
        seen += 1
    assert seen == len(api_paths) + len(page_paths)
    # The judge's own pages do work and show the idea (just not who wrote it).
    own = await client.get(f"/judging/assignments/{item['id']}")
    assert own.status_code == 200
    assert item["entry"]["idea"]["title"] in own.text
    assert (await client.get("/judging")).status_code == 200
    assert (await client.get(f"/contests/{w.contest.id}/ranking")).status_code == 200
    assert any(i["entry"]["idea"]["body"] for i in queue)  # the judge does get the idea's text


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TITLE_WORD = "Hoacanh"  # in every entry's title, so searches and lists find them all


@dataclass
class Blind:
    w: World
    idea_ids: list[int]
    attachments: dict[int, int]  # idea id -> its attachment's id
    assignments: list[int]  # the judge's
    others: list[int]  # another judge's
    secrets: list[str]  # what must never reach the judge


async def _blind_contest(client: httpx2.AsyncClient, app: Starlette) -> Blind:
    """Entries made through the API as members make them: a co-author, a comment by the
    author, an attachment named after the author; indexed; assigned; judging open."""
    w = await build()
    co_author = await member(w.tree.chapter, name="Đồng Tác Giả Kín", email="dong@example.vn")
    commenter = await member(w.tree.ben_thanh, name="Người Bình Luận Công Khai")
    org = w.h(w.organiser)
    idea_ids: list[int] = []
    attachments: dict[int, int] = {}
    for n, author in enumerate(w.authors):
        h = w.h(author)
        r = await client.post(
            "/api/v1/ideas",
            json={
                "title": f"{TITLE_WORD} xanh số {n + 1}",
                "summary": "Trồng cây xanh trên mọi tuyến phố của phường.",
                "body": "Kế hoạch trồng cây, tưới nước và chăm sóc cùng đoàn viên.",
                "field": "environment",
                "co_author_ids": [co_author.id] if n == 0 else [],
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        idea_id = r.json()["id"]
        idea_ids.append(idea_id)
        r = await client.post(
            f"/api/v1/ideas/{idea_id}/comments", json={"body": "Cảm ơn mọi người!"}, headers=h
        )
        assert r.status_code == 201, r.text
        r = await client.post(
            f"/api/v1/ideas/{idea_id}/attachments",
            files={"file": (f"{author.display_name} - ke hoach.pdf", PDF, "application/pdf")},
            headers=h,
        )
        assert r.status_code == 201, r.text
        attachments[idea_id] = r.json()["id"]
        r = await client.post(
            f"/api/v1/contests/{w.contest.id}/entries", json={"idea_id": idea_id}, headers=h
        )
        assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/ideas/{idea_ids[0]}/comments",
        json={"body": "Ý tưởng hay."},
        headers=await bearer(commenter),
    )
    assert r.status_code == 201, r.text
    base = f"/api/v1/contests/{w.contest.id}"
    assert (await client.post(f"{base}/criteria", json=CRITERIA, headers=org)).status_code == 201
    for j in w.judges:
        r = await client.post(f"{base}/judges", json={"member_id": j.id}, headers=org)
        assert r.status_code == 201, r.text
    r = await client.post(f"{base}/assignments", json={"reviews_per_entry": 2}, headers=org)
    assert r.status_code == 201, r.text
    pairs = r.json()["assignments"]
    r = await client.put(f"{base}/judging/settings", json={"judges_see_ranking": True}, headers=org)
    assert r.status_code == 200, r.text
    clock.travel(timedelta(days=ENTRY_DAYS, hours=1))
    judge = w.judges[0]
    mine = [a["id"] for a in pairs if a["judge_id"] == judge.id]
    item = (await client.get(f"/api/v1/judging/assignments/{mine[0]}", headers=w.h(judge))).json()
    r = await client.put(
        f"/api/v1/judging/assignments/{mine[0]}",
        json={"scores": {str(c["id"]): 7 for c in item["criteria"]}},
        headers=w.h(judge),
    )
    assert r.status_code == 200, r.text
    await run_worker(app)  # index the ideas, aggregate the review
    people = [*w.authors, co_author]
    units = await Unit.filter(id__in=[p.unit_id for p in people], level__in=LOCAL_LEVELS)
    return Blind(
        w,
        idea_ids,
        attachments,
        mine,
        [a["id"] for a in pairs if a["judge_id"] != judge.id],
        [
            *[p.display_name for p in people],
            *[p.email for p in people],
            *[u.name for u in units],
            "ke hoach",
        ],
    )


# Province and national names also show in every unit filter of the lists: only the ward
# and chapter names of the authors are telling as text. The idea's own unit is checked as
# data (`unit`, `unit_path`, `unit_name` empty) below.
LOCAL_LEVELS = [UnitLevel.WARD, UnitLevel.CHAPTER]
# The member finder lists members by name for choosing co-authors: it names nobody as an
# author of anything, so it is not a response about entries.
NOT_ABOUT_ENTRIES = {"/api/v1/members"}


def _urls(route_path: str, b: Blind, contest_id: int) -> list[str]:
    """Concrete URLs for a route of the app: every id the judge could try."""
    idea_paths = {
        "/api/v1/ideas/{id:int}",
        "/api/v1/ideas/{id:int}/comments",
        "/ideas/{id:int}",
        "/ideas/{id:int}/edit",
    }
    if route_path in idea_paths:
        return [route_path.replace("{id:int}", str(i)) for i in b.idea_ids]
    if route_path == "/api/v1/ideas/{id:int}/attachments/{aid:int}":
        return [f"/api/v1/ideas/{i}/attachments/{aid}" for i, aid in b.attachments.items()]
    if route_path.startswith(("/api/v1/judging/assignments/{id", "/judging/assignments/{id")):
        urls = [route_path.replace("{id:int}", str(a)) for a in [*b.assignments, b.others[0]]]
        if "{aid:int}" not in route_path:
            return urls
        return [u.replace("{aid:int}", str(aid)) for u in urls for aid in b.attachments.values()]
    if "/contests/{id:int}" in route_path:
        return [route_path.replace("{id:int}", str(contest_id))]
    if "{" in route_path:  # rounds, attempts, units: nothing of the entries, still crawled
        return [route_path.replace("{id:int}", "1")]
    searches = {"/api/v1/ideas", "/ideas", "/api/v1/search", "/search"}
    if route_path in searches:
        return [
            route_path,
            f"{route_path}?q={TITLE_WORD}",
            f"{route_path}?q={TITLE_WORD}&sort=newest&field=environment",
        ]
    if route_path == "/api/v1/ideas/similar":
        return [f"{route_path}?text={TITLE_WORD}+xanh+trồng+cây"]
    return [route_path]


def _check_idea_json(data: Any, hidden: set[int]) -> None:
    """Structured check of idea shapes: a hidden idea carries no author, unit or file name."""
    if isinstance(data, list):
        for value in data:
            _check_idea_json(value, hidden)
        return
    if not isinstance(data, dict):
        return
    idea_id = data.get("id") if isinstance(data.get("id"), int) else None
    if idea_id in hidden and "co_authors" in data:  # an idea
        assert data["author"] == {"id": 0, "display_name": ""}
        assert data["co_authors"] == [] and data["unit"] == {"id": 0, "name": ""}
        assert data["authors_hidden"] is True
        assert all(a["filename"].startswith("attachment-") for a in data["attachments"])
    if idea_id in hidden and "author_name" in data and data.get("type", "idea") == "idea":
        assert not data["author_name"] and not data.get("unit_name")
        assert not data.get("unit_path")
    for value in data.values():
        _check_idea_json(value, hidden)


async def test_a_judge_of_a_blind_contest_never_sees_who_wrote_an_entry_anywhere(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    b = await _blind_contest(client, app)
    w, judge = b.w, b.w.judges[0]
    login = await client.post(
        "/login", data={"email": judge.email, "password": PASSWORD, "next": "/judging"}
    )
    assert login.status_code in (200, 303), login.text
    h = w.h(judge)
    seen: dict[str, int] = {}
    hidden = set(b.idea_ids)
    for route in app.routes:
        if not isinstance(route, Route) or "GET" not in (route.methods or set()):
            continue
        if route.path in NOT_ABOUT_ENTRIES:
            continue
        for url in _urls(route.path, b, w.contest.id):
            # API routes with the judge's token, pages with the judge's session cookie.
            r = await client.get(url, headers=h if url.startswith("/api/") else {})
            assert r.status_code < 500, url
            text = r.text if "pdf" not in r.headers.get("content-type", "") else ""
            shown = text + " ".join(f"{k}: {v}" for k, v in r.headers.items())
            for secret in b.secrets:
                assert secret not in shown, (url, secret)
            if r.headers.get("content-type", "").startswith("application/json"):
                _check_idea_json(r.json(), hidden)
            seen[route.path] = max(seen.get(route.path, 0), 200 if r.status_code == 200 else 0)
    # The judge really reached every kind of response that can show an entry.
    must_answer = [
        "/api/v1/ideas/{id:int}",
        "/ideas/{id:int}",
        "/api/v1/ideas",
        "/ideas",
        "/api/v1/search",
        "/search",
        "/api/v1/ideas/{id:int}/comments",
        "/api/v1/ideas/similar",
        "/api/v1/ideas/{id:int}/attachments/{aid:int}",
        "/api/v1/judging/assignments",
        "/api/v1/judging/assignments/{id:int}",
        "/api/v1/judging/assignments/{id:int}/attachments/{aid:int}",
        "/judging",
        "/judging/assignments/{id:int}",
        "/api/v1/contests/{id:int}/entries",
        "/api/v1/contests/{id:int}/ranking",
        "/contests/{id:int}/ranking",
        "/contests/{id:int}/entries",
    ]
    assert [p for p in must_answer if seen.get(p) != 200] == []
    for export in ("/api/v1/contests/{id:int}/ranking.csv", "/api/v1/contests/{id:int}/scores.csv"):
        assert export in seen  # crawled (organisers only: the judge is refused)
    # Error messages: entering an entry again, as the judge, names nobody.
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/entries", json={"idea_id": b.idea_ids[0]}, headers=h
    )
    assert r.status_code in (403, 409)
    assert not any(secret in r.text for secret in b.secrets)
    # What the judge does get: the idea's text, its file under a neutral name, the comments.
    idea = (await client.get(f"/api/v1/ideas/{b.idea_ids[0]}", headers=h)).json()
    assert idea["title"].startswith(TITLE_WORD) and idea["attachments"]
    comments = (await client.get(f"/api/v1/ideas/{b.idea_ids[0]}/comments", headers=h)).json()
    names = [c["author"]["display_name"] for c in comments["items"]]
    assert names == ["", "Người Bình Luận Công Khai"]
    queue = (await client.get("/api/v1/judging/assignments", headers=h)).json()["items"]
    files = [f for i in queue for f in i["attachments"]]
    assert len(files) == len(queue)
    for f in files:
        assert f["filename"] == f"attachment-{f['id']}.pdf"
        download = await client.get(f["url"], headers=h)
        assert download.status_code == 200 and download.content == PDF
        assert f"attachment-{f['id']}.pdf" in download.headers["content-disposition"]
    # Only through the judge's own assignment, and only that entry's files.
    foreign = [aid for i, aid in b.attachments.items() if aid not in {f["id"] for f in files}]
    r = await client.get(
        f"/api/v1/judging/assignments/{b.assignments[0]}/attachments/{foreign[0]}", headers=h
    )
    assert r.status_code == 404
    r = await client.get(
        f"/api/v1/judging/assignments/{b.others[0]}/attachments/{files[0]['id']}", headers=h
    )
    assert r.status_code == 403


async def test_authors_show_to_others_and_again_once_results_are_published(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    b = await _blind_contest(client, app)
    w = b.w
    author = w.authors[0]
    stranger = await member(w.tree.ba_dinh, name="Người Xem")
    for who in (stranger, w.organiser):
        r = await client.get(f"/api/v1/ideas/{b.idea_ids[0]}", headers=await bearer(who))
        assert r.json()["author"]["display_name"] == author.display_name
        assert r.json()["authors_hidden"] is False
    # Another judge of the contest is blind too; a judge with no blind contest is not.
    other = w.h(w.judges[1])
    r = await client.get(f"/api/v1/ideas?q={TITLE_WORD}", headers=other)
    assert r.json()["items"] and all(i["author_name"] == "" for i in r.json()["items"])
    r = await client.put(
        f"/api/v1/contests/{w.contest.id}/judging/settings",
        json={"blind": False},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 200
    r = await client.get(f"/api/v1/ideas/{b.idea_ids[0]}", headers=other)
    assert r.json()["author"]["display_name"] == author.display_name
    await client.put(
        f"/api/v1/contests/{w.contest.id}/judging/settings",
        json={"blind": True},
        headers=w.h(w.organiser),
    )
    r = await client.get(f"/api/v1/ideas/{b.idea_ids[0]}", headers=other)
    assert r.json()["authors_hidden"] is True
    clock.travel(timedelta(days=JUDGING_DAYS))
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/results/publish", headers=w.h(w.organiser)
    )
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/ideas/{b.idea_ids[0]}", headers=other)
    assert r.json()["author"]["display_name"] == author.display_name


async def test_an_organiser_who_judges_exports_no_authors_of_the_entries(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    b = await _blind_contest(client, app)
    w = b.w
    org = w.h(w.organiser)
    # An idea of the organiser's units that is not entered keeps its author in the export.
    outsider = await member(w.tree.hanoi, name="Tác Giả Ngoài Cuộc Thi")
    r = await client.post(
        "/api/v1/ideas",
        json={
            "title": "Thư viện sách cũ",
            "summary": "Gom sách cũ về một thư viện của phường.",
            "body": "Nội dung.",
            "field": "education",
        },
        headers=await bearer(outsider),
    )
    assert r.status_code == 201, r.text
    before = await client.get("/api/v1/ideas/export.csv", headers=org)
    assert w.authors[0].display_name in before.text  # an organiser who does not judge
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/judges", json={"member_id": w.organiser.id}, headers=org
    )
    assert r.status_code == 201, r.text
    after = await client.get("/api/v1/ideas/export.csv", headers=org)
    assert after.status_code == 200
    assert "Tác Giả Ngoài Cuộc Thi" in after.text
    for secret in b.secrets:
        assert secret not in after.text, secret
    assert all(f"{TITLE_WORD} xanh số {n + 1}" in after.text for n in range(len(b.idea_ids)))


async def test_a_judge_narrowing_by_unit_does_not_learn_where_an_entry_comes_from(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    b = await _blind_contest(client, app)
    w, judge = b.w, b.w.judges[0]
    entries = set(b.idea_ids)
    stranger = await bearer(await member(w.tree.ba_dinh, name="Người Xem"))
    unit_ids = {a.unit_id for a in w.authors}
    apis = [
        "/api/v1/ideas?unit_id={u}",
        f"/api/v1/ideas?unit_id={{u}}&q={TITLE_WORD}",
        f"/api/v1/search?q={TITLE_WORD}&unit_id={{u}}",
    ]

    def found(body: dict[str, Any]) -> set[int]:
        return {int(i["id"]) for i in body.get("items", body.get("hits", []))} & entries

    for url in apis:
        # Everybody else finds the entries under their units ...
        by_stranger = set().union(
            *[found((await client.get(url.format(u=u), headers=stranger)).json()) for u in unit_ids]
        )
        assert by_stranger == entries, url
        # ... the judge finds none of them there, though they are all there without a unit.
        for u in unit_ids:
            r = await client.get(url.format(u=u), headers=w.h(judge))
            assert r.status_code == 200 and not found(r.json()), url
        plain = url.replace("unit_id={u}", "").replace("?&", "?")
        assert found((await client.get(plain, headers=w.h(judge))).json()) == entries, plain

    # The pages follow the same rule.
    def linked(html: str) -> set[int]:
        return {i for i in entries if f'href="/ideas/{i}"' in html}

    login = await client.post("/login", data={"email": judge.email, "password": PASSWORD})
    assert login.status_code in (200, 303), login.text
    for u in unit_ids:
        for page in (f"/ideas?unit_id={u}", f"/search?type=ideas&q={TITLE_WORD}&unit_id={u}"):
            r = await client.get(page)
            assert r.status_code == 200 and not linked(r.text), page
    for page in ("/ideas", f"/search?type=ideas&q={TITLE_WORD}"):
        assert linked((await client.get(page)).text) == entries, page
    # An organiser who judges: a unit-filtered export leaves the entries out as well.
    org = w.h(w.organiser)
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/judges", json={"member_id": w.organiser.id}, headers=org
    )
    assert r.status_code == 201, r.text
    for u in unit_ids:
        for words in ("", f"&q={TITLE_WORD}"):
            r = await client.get(f"/api/v1/ideas/export.csv?unit_id={u}{words}", headers=org)
            assert r.status_code == 200 and f"{TITLE_WORD} xanh" not in r.text, (u, words)
    r = await client.get("/api/v1/ideas/export.csv", headers=org)
    assert all(f"{TITLE_WORD} xanh số {n + 1}" in r.text for n in range(len(b.idea_ids)))


async def test_a_score_of_another_json_type_is_refused_not_stored(
    client: httpx2.AsyncClient,
) -> None:
    """`true` is no score of 1, nor "7" one of 7 (web.parsing.parse_json)."""
    w = await build()
    await ready(w)
    h = w.h(w.judges[0])
    item = (await client.get("/api/v1/judging/assignments", headers=h)).json()["items"][0]
    first = str(item["criteria"][0]["id"])
    for bad in (True, "7"):
        scores: dict[str, object] = {str(c["id"]): 5 for c in item["criteria"]}
        scores[first] = bad
        r = await client.put(
            f"/api/v1/judging/assignments/{item['id']}", json={"scores": scores}, headers=h
        )
        assert r.status_code == 422 and f"scores.{first}" in r.json()["error"]["fields"], r.text
    again = (await client.get(f"/api/v1/judging/assignments/{item['id']}", headers=h)).json()
    assert again["status"] == "pending" and again["scores"] is None, again
