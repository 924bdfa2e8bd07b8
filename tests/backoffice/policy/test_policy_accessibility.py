"""The policy pages of the back office meet WCAG 2.2 AA in Debian's Chromium (axe-core): the
manager drafts with an error, top management approves, the manager publishes, a handler follows
the notice and acknowledges (ISO 10002 5.1, 5.2)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.core.models import Organisation
from sori.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from sori.governance.policy import today
from tests.conftest import PASSWORD
from tests.e2e.browser import axe_violations, browser_page, needs_chromium
from tests.integration.governance.policy.support import TEXT

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def assert_accessible(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], (where, violations)


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/staff/login/?next=/staff/policy/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/staff/policy/")


def test_the_policy_pages_are_accessible_from_draft_to_acknowledgement(
    live_server, browser_page, make_staff
):
    Organisation.objects.create(name_ko="소리 시험", name_en="Sori Test")
    make_staff(Role.COMPLAINTS_MANAGER, username="manager")
    make_staff(Role.TOP_MANAGEMENT, username="ceo")
    make_staff(Role.HANDLER, username="handler")
    base, page = live_server.url, browser_page

    sign_in(page, base, "manager")
    assert_accessible(page, "empty overview")
    page.click("a[href='/staff/policy/new/']")
    assert_accessible(page, "new")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/staff/policy/1/")
    page.fill("#id_draft_title_ko", TEXT.title_ko)
    page.fill("#id_draft_body_ko", TEXT.body_ko)
    page.click("form[action$='/edit/'] button[type=submit]")
    page.wait_for_selector(".message.success")
    assert_accessible(page, "draft saved")

    # Top management cannot approve a draft without its English text: the error is announced.
    sign_in(page, base, "ceo")
    page.goto(f"{base}/staff/policy/1/")
    page.fill("#id_approve_note", "Board meeting")
    page.click("form[action$='/approve/'] button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.input_value("#id_approve_note") == "Board meeting"
    assert_accessible(page, "approval refused")
    page.fill("#id_draft_title_en", TEXT.title_en)
    page.fill("#id_draft_body_en", TEXT.body_en)
    page.click("form[action$='/edit/'] button[type=submit]")
    page.wait_for_selector(".message.success")
    page.click("form[action$='/approve/'] button[type=submit]")
    page.wait_for_selector("#id_publish_effective_from")
    assert_accessible(page, "approved")
    page.fill("#id_publish_effective_from", today().isoformat())
    page.click("form[action$='/publish/'] button[type=submit]")
    page.wait_for_selector("#ack-title")
    assert PolicyVersion.objects.get(number=1).status == PolicyStatus.PUBLISHED
    assert_accessible(page, "published with acknowledgements")

    sign_in(page, base, "handler")
    page.goto(f"{base}/staff/queue/")
    notice = page.locator(".policy-notice a")
    assert "version 1 is in force: read and acknowledge it" in notice.inner_text()
    assert_accessible(page, "queue with the notice")
    notice.click()
    page.wait_for_selector("#acknowledge")
    assert_accessible(page, "overview for a handler")
    page.click("#acknowledge button[type=submit]")
    page.wait_for_selector("#acknowledge p")
    assert PolicyAcknowledgement.objects.filter(policy__number=1).count() == 1
    page.goto(f"{base}/staff/queue/")
    assert page.locator(".policy-notice").count() == 0
