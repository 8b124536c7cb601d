"""A new member registers, logs out, logs back in and sees the home page."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import login


def test_register_log_in_and_see_home(page: Page) -> None:
    email = f"journey-{uuid.uuid4().hex[:8]}@example.vn"
    page.goto("/register")
    page.select_option("select[name=province]", label="Thành phố Hà Nội")  # submits by itself
    page.wait_for_selector("select[name=unit_id]")
    page.select_option("select[name=unit_id]", index=1)
    page.fill("input[name=display_name]", "Đặng Minh Khoa")
    page.fill("input[name=email]", email)
    page.fill("input[name=birth_year]", "2004")
    page.fill("input[name=password]", "mật khẩu thật dài")
    page.click("form[action='/register'] button[type=submit]")
    expect(page.locator(".welcome")).to_contain_text("Đặng Minh Khoa")

    page.click("form[action='/logout'] button")
    expect(page.locator("nav")).to_contain_text("Đăng nhập")

    login(page, email, "mật khẩu thật dài")
    page.goto("/")
    expect(page.locator(".welcome")).to_contain_text("Chào mừng, Đặng Minh Khoa!")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
