"""Journey: a remedy above the handler's authority limit is approved before the decision goes out
(ISO 10002 7.7, 4.12, 7.8), in Debian's Chromium with axe-core on every page of the stage.

A handler proposes two remedies whose total is above their limit; the communicate step is
refused; the approver, told by email, signs in from the link in that email and approves; the
handler sends the decision letter by post and records the date.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sori.complaints.models import Complaint, DecisionLetter, Remedy
from sori.complaints.services.letters import today
from sori.complaints.workflow import Status
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
)

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

REASONS = "택배사 확인 결과 배송이 12일 늦었습니다. 지연에 따른 비용을 보상합니다."


def test_a_remedy_above_the_handlers_limit_is_approved_before_the_letter_is_sent(
    live_server, browser_page, live_inbox, investigating, handler, approver
):
    base = live_server.url
    reference = investigating()
    workspace = f"/staff/complaints/{reference}/"
    page = browser_page

    # The handler proposes the response from the complaint's workspace.
    sign_in(page, base, "handler", workspace)
    follow(page, base, reference, "response/propose/")
    assert_accessible(page)
    page.check("input[name=outcome][value=upheld]")
    page.fill("#id_reasons", REASONS)
    page.select_option("#id_remedies-0-kind", "refund")
    page.fill("#id_remedies-0-amount", "80000")
    page.fill("#id_remedies-0-description", "배송비와 포장비")
    page.select_option("#id_remedies-1-kind", "compensation")
    page.fill("#id_remedies-1-amount", "70000")
    submit_main_form(page)
    page.wait_for_url(f"{base}{workspace}")
    assert page.locator(".message.success").count() == 1

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == Status.RESPONSE_PROPOSED
    assert complaint.remedy_amount == Decimal("150000.00")  # above the handler's 100,000
    assert Remedy.objects.filter(complaint=complaint).count() == 2

    # Communicating is refused until someone whose limit covers 150,000 approves.
    follow(page, base, reference, "decision/")
    assert page.locator("#step-blocker").is_visible()
    assert page.locator("textarea[name=body]").count() == 0
    assert_accessible(page)

    # The approver is told by email and signs in from its link.
    request = wait_for_email(live_inbox, "approver@sori.test", reference)
    assert f"{base}{workspace}" in body_of(request)
    approver_page = another_session(page)
    sign_in(approver_page, base, "approver", workspace)
    follow(approver_page, base, reference, "response/approve/")
    assert_accessible(approver_page)
    assert "150,000" in approver_page.locator("main").inner_text()
    approver_page.locator("form:has(input[name=action][value=approve]) button").click()
    approver_page.wait_for_url(f"{base}{workspace}")
    assert wait_for_status(reference, Status.APPROVED).approved_by_id == approver.user_id

    # The handler sends the letter by post: the draft is filled in, the date is recorded.
    page.goto(f"{base}{workspace}")
    follow(page, base, reference, "decision/")
    assert page.locator("#step-blocker").count() == 0
    letter = page.input_value("textarea[name=body]")
    assert REASONS in letter and "/complaints/status/t/" in letter and "150,000원" in letter
    assert_accessible(page)
    page.check("input[name=method][value=letter]")
    page.fill("#id_sent_on", today().isoformat())
    submit_main_form(page)
    page.wait_for_url(f"{base}{workspace}")

    complaint = wait_for_status(reference, Status.DECISION_COMMUNICATED)
    sent = DecisionLetter.objects.get(complaint=complaint)
    assert (sent.method, sent.sent_on, sent.message) == ("letter", today(), None)
    assert complaint.decision_method == "letter"
    # The approver hears that the decision went out; the complainant gets no email (a letter).
    wait_for_email(live_inbox, "approver@sori.test", "통보")
    assert not [m for rcpt, m in live_inbox.received if "minji@example.kr" in rcpt
                and "결과" in str(m["Subject"])]  # fmt: skip

    # The response page of the workspace tells the story.
    page.goto(f"{base}/staff/complaints/{reference}/response/")
    assert_accessible(page)
    assert "approver" in page.locator("main").inner_text()
