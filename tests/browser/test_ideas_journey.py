"""A member submits an idea (seeing a similar one suggested), finds it without accents,
votes; the Hà Nội organiser accepts it with an answer; the author sees the answer."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import login

ANSWER = "Thành đoàn chấp nhận ý tưởng và sẽ thí điểm tại phường của bạn."


def test_idea_from_submission_to_official_answer(page: Page, live_server: str) -> None:
    email = f"ideas-{uuid.uuid4().hex[:8]}@example.vn"
    page.goto("/register")
    page.select_option("select[name=province]", label="Thành phố Hà Nội")
    page.wait_for_selector("select[name=unit_id]")
    page.select_option("select[name=unit_id]", index=1)
    page.fill("input[name=display_name]", "Trịnh Bảo Ngọc")
    page.fill("input[name=email]", email)
    page.fill("input[name=birth_year]", "2003")
    page.fill("input[name=password]", "mật khẩu thật dài")
    page.click("form[action='/register'] button[type=submit]")
    expect(page.locator(".welcome")).to_contain_text("Trịnh Bảo Ngọc")

    # Typing shows the similar demo idea, live (JavaScript, debounced).
    page.goto("/ideas/new")
    page.fill("input[name=title]", "Sổ tay đoàn viên điện tử cho khu phố")
    page.fill("input[name=summary]", "Ứng dụng quản lý đoàn viên và sinh hoạt chi đoàn khu phố.")
    expect(page.locator("#similar")).to_contain_text(
        "Sổ tay đoàn viên điện tử cho chi đoàn phường", timeout=10_000
    )
    page.select_option("select[name=field]", "digital_transformation")
    page.fill("textarea[name=body]", "Mỗi khu phố có **mã QR** điểm danh sinh hoạt.")
    page.fill("input[name=tags]", "quản lý đoàn viên, mã QR")
    page.click("button[name=action][value=submitted]")
    expect(page.locator("h1")).to_have_text("Sổ tay đoàn viên điện tử cho khu phố")
    match = re.search(r"/ideas/(\d+)", page.url)
    assert match
    idea_url = f"/ideas/{match.group(1)}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the idea page scrolls sideways on a phone ({width}px)"

    # Found by searching without accents, once the worker has indexed it: the index may
    # lag a moment, so reload the results, each time waiting up to a second for the link.
    found = page.locator(f"ul.ideas a[href='{idea_url}']")
    for _ in range(15):
        page.goto("/ideas?q=so tay doan vien khu pho")
        try:
            expect(found).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            continue
    expect(found).to_be_visible()

    page.click(f"ul.ideas a[href='{idea_url}']")
    page.click("form[action$='/vote'] button")
    expect(page.locator("#vote-count")).to_have_text("1")

    # The organiser of Hà Nội accepts it with an official answer.
    page.click("form[action='/logout'] button")
    login(page, "organiser@demo.ideabank.vn")
    page.goto(idea_url)
    page.select_option("form[action$='/review'] select[name=status]", "accepted")
    page.fill("form[action$='/review'] textarea[name=note]", ANSWER)
    page.click("form[action$='/review'] button")
    expect(page.locator(".official-answer")).to_contain_text(ANSWER)

    # The author sees the answer on "My ideas".
    page.click("form[action='/logout'] button")
    login(page, email, "mật khẩu thật dài")
    page.goto("/ideas/mine")
    expect(page.locator(".official-answer")).to_contain_text(ANSWER)
    expect(page.locator("ul.list")).to_contain_text("Được chấp nhận")
