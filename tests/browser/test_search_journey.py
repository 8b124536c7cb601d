"""A visitor on a phone searches without tone marks, filters, and opens an idea."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_search_without_tone_marks_then_filter_and_open(page: Page) -> None:
    page.goto("/search")
    page.fill("input[name=q]", "cay xanh da nang")
    page.click("form[role=search] button[type=submit]")
    first = page.locator(".search-results > li").first
    expect(first.locator(".hit-title")).to_contain_text("Trồng cây xanh trên các tuyến phố Đà Nẵng")
    expect(first.locator(".hit-title mark").first).to_have_text("cây")
    expect(page.locator("p[role=status]")).to_contain_text("kết quả")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"

    page.select_option("select[name=field]", value="health")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("Không tìm thấy kết quả")

    page.select_option("select[name=field]", value="")
    page.click("form[role=search] button[type=submit]")
    page.locator(".search-results .hit-title a").first.click()
    expect(page).to_have_url(re.compile(r"/ideas/\d+$"))
