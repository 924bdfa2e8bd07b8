"""Public pages meet WCAG 2.2 AA in Korean and English, checked by axe-core in a real browser."""

from __future__ import annotations

import pytest

from tests.e2e.browser import axe_violations, browser_page, needs_chromium

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_home_page_has_no_accessibility_violations(live_server, browser_page, language):
    browser_page.goto(f"{live_server.url}/{language}/")
    assert browser_page.locator("html").get_attribute("lang") == language
    assert axe_violations(browser_page) == []


def test_the_home_page_works_by_keyboard(live_server, browser_page):
    browser_page.goto(f"{live_server.url}/ko/")
    # The first Tab reaches the skip link, which takes focus to the main content.
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    browser_page.keyboard.press("Enter")
    # Following the link changes the address a moment later: wait for it rather than race it.
    browser_page.wait_for_url("**/ko/#main")
    assert browser_page.url.endswith("#main")
    # Tabbing on reaches the language switch; following it keeps the visitor on the same page.
    for _ in range(10):
        browser_page.keyboard.press("Tab")
        if browser_page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url(f"{live_server.url}/en/")
    assert browser_page.locator("h1").inner_text().startswith("Complaints to")
