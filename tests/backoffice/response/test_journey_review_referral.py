"""Journey: a rejected decision goes through an independent internal review to an external body,
and the file closes on that body's decision (ISO 10002 7.9, 4.7; ISO 10003), in Debian's
Chromium with axe-core on every page of the stage.

The complainant rejects the first decision by phone and the handler records it; the handler starts
the internal review and the complaints manager is told; the handler may not decide the review; the
manager proposes the review's decision and emails the letter naming the external body; the
complainant rejects it on the status page reached from that email; the manager records the
referral and its outcome and closes the complaint as concluded by external dispute resolution.
"""

from __future__ import annotations

import re

import pytest

from sori.complaints.models import Complaint, DecisionLetter, ExternalReferral, LetterTemplate
from sori.complaints.services.letters import communicate_decision, render_letter, today
from sori.complaints.services.response import RemedyInput, propose_response
from sori.complaints.workflow import Status
from sori.core.models import ExternalDisputeBody
from tests.e2e.browser import browser_page, needs_chromium

from .journey import (
    another_session,
    assert_accessible,
    body_of,
    follow,
    sign_in,
    submit_main_form,
    wait_for_email,
    wait_for_status,
    wait_until,
)

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

FIRST_REASONS = "조사 결과 배송 지연은 천재지변에 따른 것으로 회사의 귀책이 아닙니다."
REVIEW_REASONS = "재검토 결과 지연 안내가 늦었던 점은 회사의 책임으로 판단하였습니다."
LINK = re.compile(r"https?://\S+/complaints/status/t/[^/\s]+/")


def first_decision(reference: str, handler) -> None:
    """The handler's first decision, by the services (the journey starts after it)."""
    propose_response(
        actor=handler, reference=reference, outcome="not_upheld", reasons=FIRST_REASONS,
        remedies=[RemedyInput("explanation")],
    )  # fmt: skip
    complaint = Complaint.objects.get(reference=reference)
    template = LetterTemplate.objects.get(language="ko", for_review=False, active=True)
    subject, body = render_letter(complaint, template)
    communicate_decision(
        actor=handler, reference=reference, template_id=template.pk, subject=subject,
        body=body, method="email",
    )  # fmt: skip


def test_a_rejected_decision_is_reviewed_independently_referred_and_closed_on_the_bodys_decision(
    live_server, browser_page, live_inbox, investigating, handler, manager
):
    base = live_server.url
    reference = investigating()
    first_decision(reference, handler)
    workspace = f"/staff/complaints/{reference}/"
    page = browser_page

    # The complainant phones to say no; the handler records it.
    sign_in(page, base, "handler", workspace)
    follow(page, base, reference, "decision/answer/")
    assert_accessible(page)
    page.check("input[name=reaction][value=rejected]")
    page.select_option("#id_received_via", "phone")
    page.fill("#id_comment", "회사의 안내가 늦어 손해를 봤습니다.")
    submit_main_form(page)
    page.wait_for_url(f"{base}{workspace}")
    assert Complaint.objects.get(reference=reference).reaction == "rejected"

    # The internal review starts; the complaints manager is told.
    follow(page, base, reference, "review/start/")
    assert_accessible(page)
    page.fill("#id_note", "안내 지연 부분을 다시 봐 주십시오.")
    submit_main_form(page)
    page.wait_for_url(f"{base}{workspace}")
    wait_for_status(reference, Status.ESCALATED)
    wait_for_email(live_inbox, "manager@sori.test", reference)

    # The first handler may not decide the review (ISO 10002 4.7): the page says so.
    page.goto(f"{base}{workspace}response/propose/")
    assert page.locator("#step-blocker").is_visible()
    assert page.locator("#id_reasons").count() == 0
    assert_accessible(page)

    # The complaints manager proposes the review's decision and emails the letter.
    desk = another_session(page)
    sign_in(desk, base, "manager", workspace)
    follow(desk, base, reference, "response/propose/")
    desk.check("input[name=outcome][value=partly_upheld]")
    desk.fill("#id_reasons", REVIEW_REASONS)
    desk.select_option("#id_remedies-0-kind", "compensation")
    desk.fill("#id_remedies-0-amount", "50000")
    submit_main_form(desk)
    desk.wait_for_url(f"{base}{workspace}")
    follow(desk, base, reference, "decision/")
    assert_accessible(desk)
    letter = desk.input_value("textarea[name=body]")
    assert REVIEW_REASONS in letter and "한국소비자원" in letter
    assert desk.is_checked("input[name=method][value=email]")
    submit_main_form(desk)
    desk.wait_for_url(f"{base}{workspace}")
    complaint = wait_for_status(reference, Status.DECISION_COMMUNICATED)
    assert complaint.review_round == 1 and complaint.external_routes_given

    # The complainant receives the letter itself and rejects it on the status page.
    mail = wait_for_email(live_inbox, "minji@example.kr", "내부 재검토 결과")
    text = body_of(mail)
    assert REVIEW_REASONS in text and "한국소비자원" in text and "50,000원" in text
    assert DecisionLetter.objects.get(review_round=1).message is not None
    complainant = another_session(page)
    found = LINK.search(text)
    assert found is not None
    complainant.goto(found.group(0))
    reject = complainant.locator("form:has(input[name=action][value=reject])")
    reject.locator("textarea[name=note]").fill(
        "보상 금액이 부족합니다. 소비자원에 조정을 신청했습니다."
    )
    reject.locator("button[type=submit]").click()
    wait_until(reference, lambda complaint: complaint.reaction == "rejected", "a rejection")

    # The manager records the referral to the external body...
    body = ExternalDisputeBody.objects.get(name_en="Korea Consumer Agency")
    desk.goto(f"{base}{workspace}")
    follow(desk, base, reference, "referral/")
    assert_accessible(desk)
    desk.select_option("#id_body", str(body.pk))
    desk.fill("#id_referred_on", today().isoformat())
    desk.fill("#id_their_reference", "KCA-2026-0042")
    desk.fill("#id_organisation_position", "지연 안내 책임은 인정하며 5만원 보상을 제안함")
    submit_main_form(desk)
    desk.wait_for_url(f"{base}{workspace}")
    wait_for_status(reference, Status.REFERRED)

    # ...and its outcome, with what the organisation did about it.
    follow(desk, base, reference, "referral/outcome/")
    assert_accessible(desk)
    desk.select_option("#id_outcome", "partly")
    desk.fill("#id_outcome_on", today().isoformat())
    desk.check("input[name=action_required][value=yes]")
    desk.fill("#id_implementation", "조정 결정에 따라 보상금 8만원 지급")
    desk.fill("#id_implemented_on", today().isoformat())
    submit_main_form(desk)
    desk.wait_for_url(f"{base}{workspace}")
    assert ExternalReferral.objects.get(complaint__reference=reference).concluded

    # The workspace's close step ends the file as concluded by external dispute resolution.
    close = desk.locator("li[data-event=close]")
    close.locator("summary").click()
    close.locator("form button[type=submit]").click()
    complaint = wait_for_status(reference, Status.CLOSED)
    assert complaint.closure_code == "external_decision"
    desk.wait_for_load_state("networkidle")  # the workspace redraws itself after a status change

    desk.goto(f"{base}{workspace}response/")
    assert_accessible(desk)
    assert "KCA-2026-0042" in desk.locator("main").inner_text()
