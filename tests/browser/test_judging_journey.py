"""Idea contest end to end: the Hà Nội organiser creates the contest and its criteria, two
members enter their ideas, judges are assigned automatically, the judge scores an entry
(blind, also on the idea bank's pages), and the ranking shows the score."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import APIRequestContext, Page, expect

from tests.browser.conftest import login


def _token(request: APIRequestContext, email: str) -> dict[str, str]:
    r = request.post("/api/v1/auth/token", data={"email": email, "password": "ideabank-demo"})
    assert r.ok, r.text()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_idea_contest_from_criteria_to_ranking(page: Page, live_server: str) -> None:
    api = page.request
    org = _token(api, "organiser@demo.ideabank.vn")
    unit_id = api.get("/api/v1/me", headers=org).json()["unit_id"]
    now = datetime.now(UTC)
    created = api.post(
        "/api/v1/contests",
        headers=org,
        data={
            "title": "Sáng kiến xanh cho Thủ đô",
            "description": "Cuộc thi ý tưởng bảo vệ môi trường.",
            "kind": "ideas",
            "unit_id": unit_id,
            "opens_at": _iso(now - timedelta(minutes=5)),
            "closes_at": _iso(now + timedelta(days=1)),
            "eligibility": {"unit_id": unit_id},
        },
    )
    assert created.status == 201, created.text()
    contest_id = created.json()["id"]
    assert api.post(f"/api/v1/contests/{contest_id}/publish", headers=org).ok

    # The organiser sets weighted criteria and invites the demo judge, on the page.
    login(page, "organiser@demo.ideabank.vn")
    page.goto(f"/contests/{contest_id}/judging/manage")
    names = page.locator("#criteria input[name=name]")
    weights = page.locator("#criteria input[name=weight]")
    for n, (name, weight) in enumerate([("Tính mới", "30"), ("Khả thi", "30"), ("Tác động", "40")]):
        names.nth(n).fill(name)
        weights.nth(n).fill(weight)
    page.click("#criteria button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    page.fill("#judge input[name=member]", "judge@demo.ideabank.vn")
    page.click("#judge form[action$='/judge'] button[type=submit]")
    expect(page.locator("#judge table")).to_contain_text("Trần Minh Quân")

    # Two members enter one of their ideas each.
    titles = []
    for email in ("member1@demo.ideabank.vn", "member2@demo.ideabank.vn"):
        login(page, email)
        page.goto(f"/contests/{contest_id}/entries")
        option = page.locator("select[name=idea_id] option").first
        titles.append(option.inner_text().strip())
        page.click("#enter button[type=submit]")
        expect(page.locator(".notice")).to_be_visible()
    expect(page.locator(".list")).to_contain_text(titles[0])

    # The organiser assigns judges automatically, then closes entries (judging opens).
    login(page, "organiser@demo.ideabank.vn")
    page.goto(f"/contests/{contest_id}/judging/manage")
    page.fill("#assign input[name=reviews_per_entry]", "1")
    page.click("#assign form[action$='/assign'] button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator("#assign table")).to_contain_text("Trần Minh Quân")
    closed = api.patch(
        f"/api/v1/contests/{contest_id}",
        headers=org,
        data={"closes_at": _iso(datetime.now(UTC))},
    )
    assert closed.ok, closed.text()

    # The judge scores an entry: no author names anywhere on the form.
    login(page, "judge@demo.ideabank.vn")
    page.goto("/judging")
    page.locator("a", has_text=titles[0]).first.click()
    expect(page.locator("h1")).to_have_text(titles[0])
    body = page.content()
    for author in ("Lê Văn An", "Phạm Thị Bình"):
        assert author not in body
    for field in page.locator("input[type=number]").all():
        field.fill("8")
    page.fill("textarea[name=comment]", "Ý tưởng thiết thực.")
    page.click("form button[type=submit]:has-text('Lưu')")
    expect(page.locator(".notice")).to_contain_text("đã được lưu")

    # Outside the judging pages too: in the idea bank the entry shows no author to this judge.
    page.goto("/ideas")
    item = page.locator(".list.ideas li", has_text=titles[0])
    expect(item).to_contain_text("Tác giả được ẩn")
    item.locator("h2 a").click()
    expect(page.locator("h1")).to_have_text(titles[0])
    expect(page.locator("article.idea")).to_contain_text("Tác giả được ẩn")
    for author in ("Lê Văn An", "Phạm Thị Bình"):
        assert author not in page.content()

    # The ranking shows the scored entry once the in-process worker has aggregated.
    login(page, "organiser@demo.ideabank.vn")
    row = page.locator("tr", has_text=titles[0])
    for _ in range(20):
        page.goto(f"/contests/{contest_id}/ranking")
        if re.search(r"80[.,]00", row.inner_text()):
            break
        page.wait_for_timeout(250)  # the worker runs in the server process; poll its result
    expect(row).to_contain_text("80,00")  # Vietnamese decimal comma
