"""An idea entered in an idea contest stays as it was entered once the contest's entries
close (`ideas.rules.frozen`): judges score what was entered."""

from __future__ import annotations

from datetime import timedelta

import httpx2

from core import clock
from ideas.models import Idea
from tests.contests.judging.pages import login
from tests.contests.judging.world import ENTRY_DAYS, build, make_contest, make_idea

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_authors_change_an_entered_idea_until_entries_close_then_not(
    client: httpx2.AsyncClient,
) -> None:
    w = await build()
    author, co_author = w.authors[0], w.authors[1]
    idea = await make_idea(author, w.tree.hoan_kiem, "Đèn đường năng lượng mặt trời")
    url = f"/api/v1/ideas/{idea.id}"
    r = await client.patch(url, json={"co_author_ids": [co_author.id]}, headers=w.h(author))
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/contests/{w.contest.id}/entries", json={"idea_id": idea.id}, headers=w.h(author)
    )
    assert r.status_code == 201, r.text
    # entries still open: the authors improve their entry
    r = await client.patch(url, json={"summary": "Bản tốt hơn"}, headers=w.h(co_author))
    assert r.status_code == 200, r.text

    clock.travel(timedelta(days=ENTRY_DAYS, minutes=1))  # entries closed
    en = {"Accept-Language": "en"}
    for who in (author, co_author):
        r = await client.patch(url, json={"summary": "Sửa sau hạn"}, headers=w.h(who) | en)
        assert r.status_code == 409 and r.json()["error"]["code"] == "entry_frozen", r.text
        assert "entries have closed" in r.json()["error"]["message"]
    r = await client.delete(url, headers=w.h(author))
    assert r.status_code == 409 and r.json()["error"]["code"] == "entry_frozen"
    r = await client.post(
        url + "/attachments",
        files={"file": ("them.pdf", PDF, "application/pdf")},
        headers=w.h(author),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "entry_frozen"
    stored = await Idea.get(id=idea.id)
    assert stored.summary == "Bản tốt hơn" and stored.status == "submitted"

    # the page offers no edit and no withdraw, and says why; the edit form is refused
    await login(client, author)
    page = await client.get(f"/ideas/{idea.id}")
    assert f'href="/ideas/{idea.id}/edit"' not in page.text
    assert f'action="/ideas/{idea.id}/withdraw"' not in page.text
    assert "nguyên như khi dự thi" in page.text
    assert (await client.get(f"/ideas/{idea.id}/edit")).status_code == 409


async def test_the_freeze_follows_entries_and_the_contests_closing_time(
    client: httpx2.AsyncClient,
) -> None:
    w = await build()
    author = w.authors[0]
    idea = await make_idea(author, w.tree.hoan_kiem, "Thư viện sách cũ")
    entries_url = f"/api/v1/contests/{w.contest.id}/entries"
    r = await client.post(entries_url, json={"idea_id": idea.id}, headers=w.h(author))
    entry_id = r.json()["id"]
    assert (await Idea.get(id=idea.id)).frozen_from == w.contest.closes_at

    # leaving the contest while entries are open lifts the freeze
    r = await client.delete(f"/api/v1/judging/entries/{entry_id}", headers=w.h(author))
    assert r.status_code == 204, r.text
    assert (await Idea.get(id=idea.id)).frozen_from is None

    # entered in two contests: frozen when the first one's entries close
    sooner = await make_contest(
        w.tree,
        w.organiser,
        title="Sáng kiến mùa hè",
        closes_at=clock.now() + timedelta(days=2),
        judging_opens_at=None,
        judging_closes_at=None,
    )
    for contest_id in (w.contest.id, sooner.id):
        r = await client.post(
            f"/api/v1/contests/{contest_id}/entries", json={"idea_id": idea.id}, headers=w.h(author)
        )
        assert r.status_code == 201, r.text
    assert (await Idea.get(id=idea.id)).frozen_from == sooner.closes_at

    # the organiser extends the sooner contest: its entries, and the freeze, close later
    later = clock.now() + timedelta(days=10)
    r = await client.patch(
        f"/api/v1/contests/{sooner.id}",
        json={"closes_at": later.isoformat().replace("+00:00", "Z")},
        headers=w.h(w.organiser),
    )
    assert r.status_code == 200, r.text
    assert (await Idea.get(id=idea.id)).frozen_from == w.contest.closes_at  # now the earliest
