"""Every portal page meets WCAG 2.2 AA in Korean and English, error and decision states included,
works by keyboard alone and reflows at 320 px (checked in Debian's Chromium with axe-core)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sori.complaints.models import Complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.core import clock
from sori.core.models import ExternalDisputeBody, Organisation
from sori.sla.services.extension import extend_deadline
from tests.e2e.browser import axe_violations, browser_page, needs_chromium
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, response
from tests.support.sla import RECEIVED, sla_policy

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ko", "en"]


@pytest.fixture
def configured(db) -> Organisation:
    # Transactional tests start from an empty database: configure what a real installation has.
    ExternalDisputeBody.objects.create(
        name_ko="한국소비자원",
        name_en="Korea Consumer Agency",
        phone="1372",
        url="https://www.kca.go.kr",
        description_ko="소비자 상담과 분쟁조정",
        description_en="Consumer counselling and mediation",
    )
    return Organisation.objects.create(
        name_ko="소리전자",
        name_en="Sori Electronics",
        complaints_email="voc@sori.example",
        complaints_phone="02-1234-5678",
        postal_address="서울특별시 중구 세종대로 1",
        visiting_address="서울특별시 중구 세종대로 1, 1층",
        office_hours_ko="평일 09:00–18:00",
        office_hours_en="Weekdays 09:00–18:00",
    )


def fire(actor, reference: str, event: str, **data: Any) -> None:
    transition_complaint(actor=actor, reference=reference, event=event, data=EventData(**data))


def open_status(page, base: str, language: str, receipt) -> None:
    page.goto(f"{base}/{language}/complaints/status/")
    page.fill("#id_reference", receipt.reference)
    page.fill("#id_access_code", receipt.access_code)
    page.click("form button[type=submit]")
    page.wait_for_selector("h1:has-text('" + receipt.reference + "')")


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], violations
    assert page.locator("html").get_attribute("lang") in LANGUAGES


def assert_reflows(page) -> None:
    """WCAG 1.4.10: at 320 CSS pixels nothing scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_information_form_and_look_up_pages_have_no_violations(
    live_server, browser_page, configured, language
):
    for path in ("", "complaints/new/", "complaints/status/"):
        browser_page.goto(f"{live_server.url}/{language}/{path}")
        assert browser_page.locator("html").get_attribute("lang") == language
        assert_accessible(browser_page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_with_errors_and_the_confirmation_have_no_violations(
    live_server, browser_page, configured, language
):
    page = browser_page
    page.goto(f"{live_server.url}/{language}/complaints/new/")
    page.fill("#id_email", "not-an-address")
    page.click("form button[type=submit]")
    page.wait_for_selector("#error-summary")
    # Focus moves to the summary, which links to each field in error.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary a[href='#id_description']").count() == 1
    assert page.input_value("#id_email") == "not-an-address"
    assert_accessible(page)
    page.fill("#id_description", "The parcel never arrived. 택배가 오지 않았습니다.")
    page.fill("#id_email", "minji@example.kr")
    page.check("#id_consent")
    page.click("form button[type=submit]")
    page.wait_for_selector("#access-code")
    assert_accessible(page)
    page.reload()
    assert page.locator("#access-code").count() == 0
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_status_page_with_a_decision_and_after_a_rejection_has_no_violations(
    live_server, browser_page, configured, submit, handler, language
):
    receipt = submit()
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "request_information", note="Please send the receipt.")
    page = browser_page
    open_status(page, live_server.url, language, receipt)
    assert page.locator("#id_note").count() == 1
    assert_accessible(page)
    fire(handler, receipt.reference, "receive_information", note="By phone.")
    fire(handler, receipt.reference, "propose_response", **response())
    fire(handler, receipt.reference, "communicate_decision", method="email")
    page.reload()
    assert page.locator("#decision").count() == 1
    assert_accessible(page)
    # Reject without a reason: the error state is accessible too.
    page.click("form:has(input[value=reject]) button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.fill("form:has(input[value=reject]) textarea", "The refund is too small.")
    page.click("form:has(input[value=reject]) button[type=submit]")
    page.wait_for_selector("#recourse")
    assert "1372" in page.locator("section:has(#recourse)").inner_text()
    assert_accessible(page)
    page.click("form:has(input[value=withdraw]) button[type=submit]")
    page.wait_for_selector("#withdraw-confirm")
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_expected_dates_extended_and_while_waiting_have_no_violations(
    live_server, browser_page, configured, submit, handler, language
):
    """ISO 10002 7.3: the date the SLA clock promises, its extension and its pause (WCAG 2.2 AA)."""
    sla_policy()
    with clock.frozen_at(RECEIVED):
        receipt = submit()
    with clock.frozen_at(RECEIVED + dt.timedelta(days=2)):
        extend_deadline(
            actor=handler,
            reference=receipt.reference,
            stage="decision",
            new_date=dt.date(2025, 4, 4),
            reason="제조사의 검사 결과를 기다리고 있습니다. We are waiting for the maker's test.",
        )
    page = browser_page
    open_status(page, live_server.url, language, receipt)
    block = page.locator("dd.expected-date")
    assert block.count() == 1
    assert "2025" in block.inner_text() and "제조사의 검사 결과" in block.inner_text()
    assert page.locator("dd.expected-date time[datetime='2025-04-04']").count() == 1
    assert_accessible(page)
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "request_information", note="Please send the receipt.")
    page.reload()
    assert page.locator("dd.expected-date time").count() == 0
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_reflows(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_survey_after_closure_has_no_violations(
    live_server, browser_page, configured, submit, handler, language
):
    receipt = submit()
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "propose_response", **response())
    fire(handler, receipt.reference, "communicate_decision", method="email")
    fire(handler, receipt.reference, "accept")
    fire(handler, receipt.reference, "close")
    page = browser_page
    open_status(page, live_server.url, language, receipt)
    assert page.locator("#survey").count() == 1
    assert_accessible(page)
    page.check("#id_process_3")
    page.click("form:has(input[value=survey]) button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_accessible(page)


def test_a_complaint_can_be_made_with_the_keyboard_alone(live_server, browser_page, configured):
    """Tab, Shift+Tab, Enter and Space only (typing the text aside): WCAG 2.1.1."""
    page = browser_page
    page.goto(f"{live_server.url}/en/complaints/new/")
    keys = page.keyboard

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))

    def tab_to(target: str, key: str = "Tab", limit: int = 80) -> None:
        for _ in range(limit):
            if focused() == target:
                return
            keys.press(key)
        raise AssertionError(f"{target} never received focus (last: {focused()})")

    tab_to("id_description")
    keys.type("Keyboard only: the parcel never arrived.")
    tab_to("id_email")
    keys.type("keyboard@example.kr")
    # Back up to the remedy field with Shift+Tab, then on to the consent box.
    tab_to("id_desired_remedy", key="Shift+Tab")
    keys.type("A refund.")
    tab_to("id_consent")
    keys.press("Space")
    assert page.is_checked("#id_consent")
    # The honeypot is never reached by Tab.
    for _ in range(40):
        keys.press("Tab")
        assert focused() != "id_website"
        if page.evaluate("document.activeElement.type") == "submit":
            break
    keys.press("Enter")
    page.wait_for_selector("#access-code")
    reference = page.inner_text("#reference")
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.desired_remedy == "A refund."
    assert complaint.description == "Keyboard only: the parcel never arrived."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reflows_at_320_pixels(
    live_server, browser_page, configured, submit, handler, language
):
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("", "complaints/new/", "complaints/status/"):
        page.goto(f"{live_server.url}/{language}/{path}")
        assert_reflows(page)
    page.goto(f"{live_server.url}/{language}/complaints/new/")
    page.click("form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert_reflows(page)
    receipt = submit()
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "propose_response", **response())
    fire(handler, receipt.reference, "communicate_decision", method="email")
    open_status(page, live_server.url, language, receipt)
    assert_reflows(page)
