"""A member names a co-author by typing part of her name without accents, picks her from
the suggestions, and submits: the idea lists her as a co-author."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import login


def test_co_author_found_by_name_while_typing(page: Page, live_server: str) -> None:
    login(page, "member1@demo.ideabank.vn")
    page.goto("/ideas/new")
    lookup = page.locator("[data-member-lookup] input")
    expect(lookup).to_be_visible()  # shown only when JavaScript runs
    lookup.fill("ph")
    expect(page.locator("#member-results")).to_contain_text("ít nhất 3 ký tự")
    lookup.fill("pham thi")
    page.locator("#member-results button", has_text="Phạm Thị Bình").click()
    chosen = page.locator("[data-co-author-list] input[name=co_author_id]")
    expect(chosen).to_have_count(1)
    expect(chosen).to_be_checked()
    title = f"Góc đọc sách cộng đồng {uuid.uuid4().hex[:6]}"
    page.fill("input[name=title]", title)
    page.fill("input[name=summary]", "Mỗi khu phố một góc đọc sách do đoàn viên quản lý.")
    page.select_option("select[name=field]", "culture")
    page.fill("textarea[name=body]", "Góp sách cũ, mở cửa cuối tuần.")
    page.click("button[name=action][value=submitted]")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text("Phạm Thị Bình")
