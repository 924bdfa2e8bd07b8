"""End-to-end journeys of a complainant through the public portal, in a real browser.

A complainant finds how to complain, sends a complaint with a photo, receives the acknowledgement
by email (a real SMTP server on 127.0.0.1), follows the link, answers the organisation's question,
accepts or rejects the decision and answers the survey; staff act through the real services.
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from sori.complaints.models import Complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.core.models import ExternalDisputeBody, Organisation
from tests.e2e.browser import axe_violations, browser_page, needs_chromium
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, response
from tests.integration.messaging.conftest import Inbox, SmtpServer, free_port

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ko", "en"]
EMAIL_WAIT_SECONDS = 10.0


def tiny_png() -> bytes:
    """A valid 1×1 PNG, built here so the attachment check sees real PNG content."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def configured(db) -> Organisation:
    # Transactional tests flush the database between tests, seeded rows included: make sure the
    # installation looks like a real one (ISO 10002 7.9: the external body is seeded by 0002).
    ExternalDisputeBody.objects.get_or_create(
        name_ko="한국소비자원",
        defaults={
            "name_en": "Korea Consumer Agency",
            "phone": "1372",
            "url": "https://www.kca.go.kr",
            "description_ko": "소비자 상담과 분쟁조정",
            "description_en": "Consumer counselling and mediation",
        },
    )
    organisation = Organisation.objects.first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name_ko="소리전자",
            name_en="Sori Electronics",
            complaints_email="voc@sori.example",
            complaints_phone="02-1234-5678",
            postal_address="서울특별시 중구 세종대로 1",
            office_hours_ko="평일 09:00–18:00",
            office_hours_en="Weekdays 09:00–18:00",
        )
    return organisation


@pytest.fixture
def inbox(settings, live_server) -> Iterator[Inbox]:
    """A running SMTP server on a loopback port; Sori mails it, with links to the live server."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "complaints@sori.test"
    settings.SORI_BASE_URL = live_server.url
    received = server.start()
    try:
        yield received
    finally:
        server.stop()


def wait_for_email(inbox: Inbox, recipient: str, subject_part: str) -> EmailMessage:
    """The first message to ``recipient`` whose subject contains ``subject_part`` (bounded wait)."""
    deadline = time.monotonic() + EMAIL_WAIT_SECONDS
    while True:
        for recipients, message in list(inbox.received):
            if recipient in recipients and subject_part in str(message["Subject"]):
                return message
        if time.monotonic() > deadline:
            seen = [(r, str(m["Subject"])) for r, m in inbox.received]
            raise AssertionError(f"no email to {recipient} about {subject_part!r}; got {seen}")
        time.sleep(0.05)


def fire(actor, reference: str, event: str, **data: Any) -> None:
    transition_complaint(actor=actor, reference=reference, event=event, data=EventData(**data))


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def status_link_in(body: str, base: str, language: str) -> str:
    prefix = f"{base}/{language}/complaints/status/t/"
    for word in body.split():
        if word.startswith(prefix):
            return word
    raise AssertionError(f"no status link starting {prefix} in:\n{body}")


def fill_complaint(page, base: str, language: str, description: str) -> None:
    """From the information page to the filled form, the way a complainant gets there (7.1)."""
    page.goto(f"{base}/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    page.locator(f"main a.button[href='/{language}/complaints/new/']").click()
    page.wait_for_url(f"{base}/{language}/complaints/new/")
    page.fill("#id_description", description)


def send_complaint(page) -> tuple[str, str]:
    page.check("#id_consent")
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("#access-code")
    return page.inner_text("#reference").strip(), page.inner_text("#access-code").strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_complainant_goes_from_the_information_page_to_the_survey(
    live_server, browser_page, configured, inbox, handler, language
):
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url
    address = f"journey-{language}@example.kr"
    fill_complaint(page, base, language, "택배가 2주째 오지 않았습니다. The parcel never came.")
    page.fill("#id_desired_remedy", "A refund.")
    page.fill("#id_name", "김민지")
    page.fill("#id_email", address)
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": tiny_png()}],
    )
    reference, access_code = send_complaint(page)
    assert reference.startswith("C-")
    assert access_code

    # ISO 10002 7.4: the acknowledgement, in the complainant's language, with a status link
    # and never the access code.
    subject_part = "접수번호" if language == "ko" else "We have received your complaint"
    acknowledgement = wait_for_email(inbox, address, subject_part)
    assert reference in str(acknowledgement["Subject"])
    body = acknowledgement.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert reference in text
    assert access_code not in text
    link = status_link_in(text, base, language)

    page.goto(link)
    expect(page.locator("h1")).to_contain_text(reference)
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("ul.files")).to_contain_text("photo.png")

    # ISO 10002 7.6: staff assess, investigate and ask the complainant for more information.
    fire(handler, reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, reference, "start_investigation")
    fire(handler, reference, "request_information", note="Please send the delivery receipt.")
    page.reload()
    expect(page.locator("#requests")).to_be_visible()
    expect(page.locator("section:has(#requests)")).to_contain_text("delivery receipt")
    reply = page.locator("form:has(input[name=action][value=reply])")
    reply.locator("textarea[name=note]").fill("The receipt number is 12345.")
    reply.locator("button[type=submit]").click()
    expect(page.locator(".notices")).to_contain_text(
        translated(language, "Thank you: we have received your answer.")
    )
    assert page.locator("form:has(input[name=action][value=reply])").count() == 0
    assert Complaint.objects.get(reference=reference).status == "investigating"

    # ISO 10002 7.8: the decision is communicated, and the complainant accepts it.
    fire(handler, reference, "propose_response", **response())
    fire(handler, reference, "communicate_decision", method="email")
    page.reload()
    expect(page.locator("#decision")).to_be_visible()
    page.locator("form:has(input[name=action][value=accept]) button[type=submit]").click()
    expect(page.locator(".notices")).to_contain_text(
        translated(language, "Thank you: you accepted the decision.")
    )
    expect(page.locator("section:has(#decision)")).to_contain_text(
        translated(language, "You accepted this decision.")
    )

    # ISO 10002 7.10 / 8.3: closed, then the satisfaction survey.
    fire(handler, reference, "close")
    page.reload()
    expect(page.locator("#survey")).to_be_visible()
    survey = page.locator("form:has(input[name=action][value=survey])")
    survey.locator("input[name=process][value='5']").check()
    survey.locator("input[name=outcome][value='4']").check()
    survey.locator("input[name=ease][value='5']").check()
    survey.locator("textarea[name=comment]").fill("Quick and clear.")
    survey.locator("button[type=submit]").click()
    thanks = translated(language, "Thank you for answering the survey.")
    expect(page.locator("section:has(#survey)")).to_contain_text(thanks)
    assert page.locator("form:has(input[name=action][value=survey])").count() == 0

    violations = axe_violations(page)
    assert violations == [], violations


def test_an_anonymous_complainant_rejects_the_decision_and_sees_the_routes_left(
    live_server, browser_page, configured, handler
):
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url
    fill_complaint(page, base, "ko", "익명으로 불만을 제기합니다. 매장 직원이 불친절했습니다.")
    page.check("#id_anonymous")
    reference, access_code = send_complaint(page)
    assert Complaint.objects.get(reference=reference).complainant is None

    # ISO 10002 7.3: the reference and access code are all an anonymous complainant has.
    page.goto(f"{base}/ko/complaints/status/")
    page.fill("#id_reference", reference)
    page.fill("#id_access_code", access_code)
    page.click("form:has(input[name=action][value=lookup]) button[type=submit]")
    expect(page.locator("h1")).to_contain_text(reference)

    fire(handler, reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, reference, "start_investigation")
    fire(handler, reference, "propose_response", **response())
    fire(handler, reference, "communicate_decision", method="letter")
    page.reload()
    expect(page.locator("#decision")).to_be_visible()
    assert page.locator("#recourse").count() == 0

    reject = page.locator("form:has(input[name=action][value=reject])")
    reject.locator("textarea[name=note]").fill("환불 금액이 너무 적습니다.")
    reject.locator("button[type=submit]").click()

    # ISO 10002 7.9: after a rejection, the internal review and the external bodies.
    recourse = page.locator("section:has(#recourse)")
    expect(recourse).to_be_visible()
    expect(recourse.locator("form:has(input[name=action][value=review])")).to_have_count(1)
    expect(recourse).to_contain_text(translated("ko", "Internal review"))
    expect(recourse).to_contain_text("한국소비자원")
    expect(page.locator("section:has(#decision)")).to_contain_text(
        translated("ko", "You did not accept this decision.")
    )
