"""The queue page in Debian's Chromium: no WCAG 2.2 AA violation found by axe-core in Korean and
English, filters refreshing the table through htmx with the address following, and the same
filters without JavaScript (ISO 10002 7.3; the accessibility the design asks of every page)."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from sori.accounts.models import Role
from sori.complaints.services.saved_filters import save_filter
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, browser_page, needs_chromium
from tests.integration.queue.builders import Casebook, at

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def arrange() -> str:
    """A handler's queue with overdue, urgent, unassigned and searchable complaints."""
    book = Casebook()
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    book.complaint(
        "제품이 고장 나서 환불을 요청합니다.", subject="환불 요청", unit="north", due_at=at(1)
    )
    book.complaint("배송이 늦었습니다.", subject="배송 지연", unit="north", priority="high")
    book.complaint("The parcel never arrived.", language="en", unit="north", assignee=handler)
    book.complaint("다른 팀의 불만", subject="다른 팀", unit="south")
    save_filter(actor=handler, name="급한 것", query="priority=urgent")
    return "minji"


def session_cookie(username: str, url: str) -> dict[str, str]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


def assert_accessible(page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert violations == [], violations


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_queue_has_no_violations_and_htmx_filters_update_the_table_and_address(
    live_server, browser_page, language
):
    username = arrange()
    page = browser_page
    page.context.add_cookies(
        [
            {"name": "django_language", "value": language, "url": live_server.url},
            session_cookie(username, live_server.url),
        ]
    )
    page.goto(f"{live_server.url}/staff/queue/")
    assert page.locator("h1").count() == 1
    assert page.locator("#queue-results tbody tr").count() == 3
    assert "다른 팀" not in page.content()
    assert_accessible(page, language)

    # A change refreshes only the results; the address names the filter (back, bookmark, share).
    page.select_option("#id_priority", "high")
    page.wait_for_function("document.querySelectorAll('#queue-results tbody tr').length === 1")
    assert parse_qs(urlsplit(page.url).query)["priority"] == ["high"]
    assert "배송 지연" in page.locator("#queue-results").inner_text()
    assert page.input_value("#save-filter-query") == "view=all&state=open&priority=high"
    assert_accessible(page, language)

    # A keyword, by keyboard: Enter submits through htmx as well.
    page.select_option("#id_priority", "")
    page.wait_for_function("document.querySelectorAll('#queue-results tbody tr').length === 3")
    page.fill("#id_q", "환불")
    page.press("#id_q", "Enter")
    page.wait_for_function("document.querySelectorAll('#queue-results tbody tr').length === 1")
    assert "환불 요청" in page.locator("#queue-results").inner_text()

    # Nothing found: the empty state, still without violations.
    page.fill("#id_q", "없는말")
    page.press("#id_q", "Enter")
    page.wait_for_selector("#queue-results .notice")
    assert_accessible(page, language)

    # A saved filter applies in one click.
    page.click(".saved-filters a")
    page.wait_for_url("**/staff/queue/?priority=urgent")
    assert page.locator("#queue-results .notice").count() == 1
    assert_accessible(page, language)


def test_the_filters_work_without_javascript(live_server):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    username = arrange()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            context.add_cookies([session_cookie(username, live_server.url)])
            page = context.new_page()
            page.goto(f"{live_server.url}/staff/queue/")
            page.select_option("#id_due", "overdue")
            page.click("form.queue-filters button[type=submit]")
            page.wait_for_url("**/staff/queue/?*due=overdue*")
            assert page.locator("#queue-results tbody tr").count() == 1
            assert "환불 요청" in page.locator("#queue-results").inner_text()
            # Saving the filter is a plain POST that comes back to it.
            page.fill("#id_name", "기한 지남")
            page.click(".workspace-side form:not(.inline) button[type=submit]")
            page.wait_for_url("**/staff/queue/?*due=overdue*")
            assert page.locator(".saved-filters a", has_text="기한 지남").count() == 1
        finally:
            browser.close()
