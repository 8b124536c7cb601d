"""A member takes this week's round of the demo quiz on a phone and sees the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_member_takes_a_timed_round_and_sees_the_result(page: Page) -> None:
    login(page, "member1@demo.ideabank.vn")
    page.goto("/contests")
    page.get_by_role("link", name="Tuần lễ tìm hiểu lịch sử Đoàn 2026").click()
    # Last week's round: results are published, the leaderboard shows.
    page.get_by_role("link", name="Tuần 1").click()
    expect(page.get_by_role("table").first).to_contain_text("Lê Văn An")
    page.go_back()
    page.get_by_role("link", name="Tuần 2").click()
    page.locator("#start-attempt").click()
    expect(page.locator("#remaining")).to_have_text(re.compile(r"^\d+:\d\d$"))
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(10)
    for i in range(10):
        questions.nth(i).locator("input").first.check()
    page.fill("input[name=prediction]", "3")
    expect(page.locator("#autosave-status")).to_have_text("✓", timeout=10_000)
    page.locator("#submit-attempt").click()
    # The in-process worker scores it; the result page looks again until it is there.
    expect(page.locator("#score")).to_have_text(re.compile(r"^\d+/10$"), timeout=20_000)
    expect(page.locator("#attempt-result")).to_contain_text("Thứ hạng của bạn sẽ hiện")
    page.goto("/contests/mine")
    expect(page.get_by_role("table")).to_contain_text("Tuần 2")
