"""The status page tells the complainant when to expect the decision (ISO 10002 7.3): the date the
SLA clock promises, marked when it was extended and why, and no date while we wait for them."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.complaints.services.transitions import EventData, transition_complaint
from sori.core import clock
from sori.sla.services.extension import extend_deadline
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, response
from tests.support.sla import RECEIVED, sla_policy

pytestmark = pytest.mark.django_db

LATER = RECEIVED + dt.timedelta(days=2)
REASON = "제조사의 검사 결과를 기다리고 있습니다."


@pytest.fixture
def receipt(submit):
    sla_policy()
    with clock.frozen_at(RECEIVED):
        return submit()


def page(client, receipt, language: str = "en") -> str:
    path = f"/{language}/complaints/status/"
    entered = client.post(
        path,
        {"action": "lookup", "reference": receipt.reference, "access_code": receipt.access_code},
    )
    assert entered.status_code == 302
    with clock.frozen_at(LATER):
        answer = client.get(path)
    assert answer.status_code == 200
    return answer.content.decode()


def fire(actor, reference: str, event: str, **data) -> None:
    with clock.frozen_at(LATER):
        transition_complaint(actor=actor, reference=reference, event=event, data=EventData(**data))


@pytest.mark.parametrize(
    ("language", "label", "date"),
    [
        ("en", "Decision expected by", "Monday 24 March 2025"),
        ("ko", "결정", "2025년 3월 24일(월)"),
    ],
)
def test_the_page_gives_the_decision_date_of_the_sla_clock(client, receipt, language, label, date):
    html = page(client, receipt, language)

    assert label in html
    assert f'<time datetime="2025-03-24">{date}</time>' in html
    # One date, from the clock, instead of the organisation's general "within 14 days".
    assert html.count('class="expected-date"') == 1
    assert ">2025-03-24</time>" not in html


def test_an_extended_date_is_marked_with_its_reason(client, receipt, handler):
    with clock.frozen_at(LATER):
        extend_deadline(
            actor=handler,
            reference=receipt.reference,
            stage="decision",
            new_date=dt.date(2025, 4, 4),
            reason=REASON,
        )

    html = page(client, receipt)

    assert (
        '<time datetime="2025-04-04">Friday 4 April 2025</time> <strong>(extended)</strong>' in html
    )
    assert f"Reason for the extension: {REASON}" in html
    # The timeline says it too, with the reason.
    assert "We extended the expected date and told you why." in html


def test_while_we_wait_for_the_complainant_no_date_is_promised(client, receipt, handler):
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "request_information", note="영수증을 보내 주십시오.")

    html = page(client, receipt)

    assert "Waiting for your information" in html
    assert "We will set the date again when we receive your answer." in html
    assert "2025-03-24" not in html


def test_once_the_decision_is_communicated_no_date_is_shown(client, receipt, handler):
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "propose_response", **response())
    fire(handler, receipt.reference, "communicate_decision", method="email")

    html = page(client, receipt)

    assert "Decision expected by" not in html


def test_an_internal_review_has_its_own_expected_date(client, receipt, handler):
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "propose_response", **response())
    fire(handler, receipt.reference, "communicate_decision", method="email")
    fire(handler, receipt.reference, "reject", note="환불 금액이 너무 적습니다.")
    fire(handler, receipt.reference, "escalate")

    html = page(client, receipt)

    # Ten business days from Wednesday 12 March: Wednesday 26 March 2025.
    assert "Review decision expected by" in html
    assert '<time datetime="2025-03-26">Wednesday 26 March 2025</time>' in html
