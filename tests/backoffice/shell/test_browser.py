"""The sign-in page and the audit trail in Debian's Chromium: signing in by keyboard alone, and
no WCAG 2.2 AA violation found by axe-core, in Korean and English."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from tests.conftest import PASSWORD
from tests.e2e.browser import axe_violations, browser_page, needs_chromium

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 25) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_accessible(page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert violations == [], violations


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_auditor_signs_in_by_keyboard_and_reads_the_trail_without_violations(
    live_server, browser_page, make_staff, submit, language
):
    submit()
    make_staff(Role.AUDITOR, username="auditor")
    page = browser_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/staff/audit/")
    assert page.url == f"{live_server.url}/staff/login/?next=/staff/audit/"
    assert_accessible(page, language)

    # The first Tab reaches the skip link; then on to the form, by keyboard alone.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    tab_to(page, "#id_username")
    page.keyboard.type("auditor")
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.input_value("#id_username") == "auditor"
    assert_accessible(page, language)  # the error state too

    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/staff/audit/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, language)

    # The chain check, with htmx: the result appears in place.
    tab_to(page, "form[hx-post] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#verify-result .result.intact")
    assert page.url == f"{live_server.url}/staff/audit/"
    assert_accessible(page, language)

    page.goto(f"{live_server.url}/staff/audit/personal-data/")
    assert_accessible(page, language)


def test_the_chain_check_works_without_javascript(live_server, make_staff, submit):
    # htmx is an enhancement: with scripts off the button posts and a page shows the result.
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS

    submit()
    make_staff(Role.AUDITOR, username="auditor")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{live_server.url}/staff/login/?next=/staff/audit/")
            page.fill("#id_username", "auditor")
            page.fill("#id_password", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url(f"{live_server.url}/staff/audit/")
            page.click("form[hx-post] button[type=submit]")
            page.wait_for_url(f"{live_server.url}/staff/audit/verify/")
            assert page.locator(".result.intact").count() == 1

        finally:
            browser.close()
