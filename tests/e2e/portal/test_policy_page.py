"""The published complaints-handling policy on the portal meets WCAG 2.2 AA in Korean and English
(ISO 10002 5.2; checked in Debian's Chromium with axe-core), and reflows at 320 px."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.core.models import Organisation
from sori.governance.policy import today
from tests.e2e.browser import axe_violations, browser_page, needs_chromium
from tests.integration.governance.policy.support import TEXT, published

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ko", "en"]


@pytest.fixture
def policy(make_staff):
    Organisation.objects.create(name_ko="소리전자", name_en="Sori Electronics")
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    return published(manager, make_staff(Role.TOP_MANAGEMENT), today())


def assert_accessible(page, language: str) -> None:
    violations = axe_violations(page)
    assert violations == [], violations
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_policy_page_and_its_summary_have_no_violations(
    live_server, browser_page, policy, language
):
    page = browser_page
    title = TEXT.title_ko if language == "ko" else TEXT.title_en
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("section.policy-summary h2").inner_text() == title
    assert_accessible(page, language)
    page.click(f"section.policy-summary a[href='/{language}/policy/']")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == title
    assert_accessible(page, language)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_policy_page_without_a_published_policy_has_no_violations(
    live_server, browser_page, language
):
    Organisation.objects.create(name_ko="소리전자", name_en="Sori Electronics")
    page = browser_page
    response = page.goto(f"{live_server.url}/{language}/policy/")
    assert response is not None and response.status == 404
    assert_accessible(page, language)
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("section.policy-summary").count() == 0
