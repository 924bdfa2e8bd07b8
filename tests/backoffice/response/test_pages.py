"""The response stage's pages with the test client: plain forms that POST and go back to the
workspace, refusals shown with what was typed, and scope and role respected (ISO 10002 7.7–7.9,
4.7, 4.12, 4.10; ISO 10003)."""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from sori.accounts.models import Role, StaffProfile, Unit
from sori.complaints.models import (
    Complaint,
    DecisionLetter,
    ExternalReferral,
    LetterTemplate,
    Remedy,
)
from sori.complaints.services.letters import communicate_decision, render_letter, today
from sori.complaints.services.response import (
    RemedyInput,
    approve_response,
    propose_response,
    record_reaction,
    start_internal_review,
)
from sori.complaints.services.transitions import transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core.models import ExternalDisputeBody

REASONS = "배송 지연이 확인되었습니다."


def url(reference: str, page: str) -> str:
    return f"/staff/complaints/{reference}/{page}"


def version(reference: str) -> int:
    return Complaint.objects.get(reference=reference).version


def proposal_data(reference: str, **changes) -> dict[str, str]:
    data = {
        "expected_version": str(version(reference)),
        "outcome": "upheld",
        "reasons": REASONS,
        "note": "",
        "remedies-TOTAL_FORMS": "2",
        "remedies-INITIAL_FORMS": "2",
        "remedies-MIN_NUM_FORMS": "1",
        "remedies-MAX_NUM_FORMS": "20",
        "remedies-0-kind": "refund",
        "remedies-0-amount": "30000",
        "remedies-0-description": "배송비",
        "remedies-1-kind": "apology",
        "remedies-1-amount": "",
        "remedies-1-description": "",
    }
    return {**data, **changes}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_handler_proposes_a_response_with_two_remedies(as_staff, investigating, handler):
    reference = investigating()
    client = as_staff(handler)

    page = client.get(url(reference, "response/propose/"))
    assert page.status_code == 200
    assert 'name="remedies-0-kind"' in page.content.decode()

    answer = client.post(url(reference, "response/propose/"), proposal_data(reference))

    assert answer.status_code == 302
    assert answer["Location"] == f"/staff/complaints/{reference}/"
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == Status.RESPONSE_PROPOSED
    assert complaint.remedy_amount == Decimal("30000.00")
    assert list(Remedy.objects.values_list("kind", flat=True)) == ["refund", "apology"]


def test_a_refused_proposal_shows_every_problem_and_keeps_what_was_typed(
    as_staff, investigating, handler
):
    reference = investigating()
    client = as_staff(handler)

    answer = client.post(
        url(reference, "response/propose/"),
        proposal_data(
            reference,
            reasons="",
            note="메모는 남아야 합니다",
            **{"remedies-0-kind": "", "remedies-0-amount": "-5", "remedies-1-kind": ""},
        ),
    )

    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'id="error-summary"' in html
    assert "Give the reasons for the decision." in html or "reasons" in html
    assert "메모는 남아야 합니다" in html
    assert 'value="-5"' in html and 'value="배송비"' in html
    assert Complaint.objects.get(reference=reference).status == Status.INVESTIGATING


def test_another_remedy_row_is_added_without_javascript_keeping_what_was_typed(
    as_staff, investigating, handler
):
    reference = investigating()
    client = as_staff(handler)

    answer = client.post(
        url(reference, "response/propose/"), {**proposal_data(reference), "add_remedy": "1"}
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'name="remedies-2-kind"' in html and 'value="배송비"' in html
    assert 'id="error-summary"' not in html
    assert Complaint.objects.get(reference=reference).status == Status.INVESTIGATING


def test_an_approver_whose_limit_is_too_low_sees_why_and_cannot_approve(
    as_staff, investigating, handler, junior_approver, approver
):
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", 300000)],
    )  # fmt: skip
    client = as_staff(junior_approver)

    page = client.get(url(reference, "response/approve/"))
    assert page.status_code == 200
    assert 'id="step-blocker"' in page.content.decode()
    assert "approve-note" not in page.content.decode()  # no form to fill in for nothing
    refused = client.post(
        url(reference, "response/approve/"),
        {"action": "approve", "approve-expected_version": version(reference), "approve-note": "ok"},
    )
    assert refused.status_code == 422
    assert Complaint.objects.get(reference=reference).status == Status.RESPONSE_PROPOSED

    client = as_staff(approver)
    answer = client.post(
        url(reference, "response/approve/"),
        {"action": "approve", "approve-expected_version": version(reference), "approve-note": ""},
    )
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=reference).status == Status.APPROVED


def test_the_proposer_sees_that_someone_else_must_approve(as_staff, investigating, manager):
    reference = investigating()
    propose_response(
        actor=manager, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", 2_000_000)],
    )  # fmt: skip

    page = as_staff(manager).get(url(reference, "response/approve/"))

    assert page.status_code == 200
    blocker = re.search(r'id="step-blocker">(.*?)</p>', page.content.decode(), re.S)
    assert blocker is not None and "approve-note" not in page.content.decode()


def test_sending_a_proposal_back_needs_a_reason(as_staff, investigating, handler, approver):
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", 300000)],
    )  # fmt: skip
    client = as_staff(approver)

    empty = client.post(
        url(reference, "response/approve/"),
        {"action": "decline", "decline-expected_version": version(reference), "decline-reason": ""},
    )
    assert empty.status_code == 400
    answer = client.post(
        url(reference, "response/approve/"),
        {"action": "decline", "decline-expected_version": version(reference),
         "decline-reason": "근거 자료를 첨부해 주세요"},
    )  # fmt: skip
    assert answer.status_code == 302
    panel = as_staff(handler).get(url(reference, "response/"))
    assert "근거 자료를 첨부해 주세요" in panel.content.decode()


def letter_data(reference: str, page_html: str, **changes) -> dict[str, str]:
    subject = re.search(r'name="subject"[^>]*value="([^"]*)"', page_html)
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page_html, re.S)
    template = re.search(r'name="template" value="(\d+)"', page_html)
    assert subject and body and template
    data = {
        "expected_version": str(version(reference)),
        "template": template.group(1),
        "subject": html_lib.unescape(subject.group(1)),
        "body": html_lib.unescape(body.group(1)),
        "method": "letter",
        "sent_on": today().isoformat(),
    }
    return {**data, **changes}


def test_the_communicate_page_fills_the_letter_in_and_refuses_one_without_recourse(
    as_staff, investigating, handler
):
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="partly_upheld", reasons=REASONS,
        remedies=[RemedyInput("refund", 30000)],
    )  # fmt: skip
    client = as_staff(handler)

    page = client.get(url(reference, "decision/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert REASONS in html and "/complaints/status/t/" in html and "30,000원" in html

    data = letter_data(reference, html)
    recourse_cut = re.sub(
        r"■ 결정에 동의하지 않으시는 경우.*?(?=불편을)", "", data["body"], flags=re.S
    )
    refused = client.post(url(reference, "decision/"), {**data, "body": recourse_cut})

    assert refused.status_code == 422
    refused_html = refused.content.decode()
    assert 'id="error-summary"' in refused_html
    assert REASONS in refused_html  # the letter as typed is still there
    assert not DecisionLetter.objects.exists()

    answer = client.post(url(reference, "decision/"), data)
    assert answer.status_code == 302
    letter = DecisionLetter.objects.get()
    assert (letter.method, letter.sent_on) == ("letter", today())
    assert Complaint.objects.get(reference=reference).status == Status.DECISION_COMMUNICATED


def test_the_communicate_page_says_when_approval_is_still_needed(as_staff, investigating, handler):
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", 500000)],
    )  # fmt: skip

    page = as_staff(handler).get(url(reference, "decision/"))

    assert page.status_code == 200
    assert 'id="step-blocker"' in page.content.decode()
    assert 'name="body"' not in page.content.decode()


def communicated(reference: str, handler) -> None:
    complaint = Complaint.objects.get(reference=reference)
    template = LetterTemplate.objects.get(
        language="ko", for_review=complaint.review_round > 0, active=True
    )
    subject, body = render_letter(complaint, template)
    communicate_decision(
        actor=handler, reference=reference, template_id=template.pk, subject=subject,
        body=body, method="phone", sent_on=today(),
    )  # fmt: skip


def decided(investigating, handler) -> str:
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="not_upheld", reasons=REASONS,
        remedies=[RemedyInput("explanation")],
    )  # fmt: skip
    communicated(reference, handler)
    return reference


def test_staff_record_a_rejection_and_start_the_internal_review(as_staff, investigating, handler):
    reference = decided(investigating, handler)
    client = as_staff(handler)

    missing = client.post(
        url(reference, "decision/answer/"),
        {"expected_version": version(reference), "reaction": "", "received_via": "phone",
         "comment": "다시 봐 주세요"},
    )  # fmt: skip
    assert missing.status_code == 400 and "다시 봐 주세요" in missing.content.decode()
    answer = client.post(
        url(reference, "decision/answer/"),
        {"expected_version": version(reference), "reaction": "rejected", "received_via": "phone",
         "comment": "다시 봐 주세요"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=reference).reaction == "rejected"

    started = client.post(
        url(reference, "review/start/"), {"expected_version": version(reference), "note": ""}
    )
    assert started.status_code == 302
    assert Complaint.objects.get(reference=reference).status == Status.ESCALATED


def test_the_first_handler_is_shown_that_the_review_must_be_decided_by_someone_else(
    as_staff, investigating, handler, manager
):
    reference = decided(investigating, handler)
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")
    start_internal_review(actor=handler, reference=reference)
    client = as_staff(handler)

    page = client.get(url(reference, "response/propose/"))
    assert page.status_code == 200
    assert 'id="step-blocker"' in page.content.decode()
    assert 'name="reasons"' not in page.content.decode()
    refused = client.post(url(reference, "response/propose/"), proposal_data(reference))
    assert refused.status_code == 422
    assert Complaint.objects.get(reference=reference).status == Status.ESCALATED

    answer = as_staff(manager).post(url(reference, "response/propose/"), proposal_data(reference))
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=reference).proposed_by_id == manager.user_id


def test_a_referral_and_its_outcome_are_recorded_and_the_complaint_closes_as_external_decision(
    as_staff, investigating, handler, manager
):
    reference = decided(investigating, handler)
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")
    start_internal_review(actor=handler, reference=reference)
    propose_response(
        actor=manager, reference=reference, outcome="not_upheld", reasons=REASONS,
        remedies=[RemedyInput("explanation")],
    )  # fmt: skip
    communicated(reference, manager)
    record_reaction(actor=manager, reference=reference, reaction="rejected", received_via="email")
    body = ExternalDisputeBody.objects.get(name_en="Korea Consumer Agency")
    client = as_staff(manager)

    bad = client.post(
        url(reference, "referral/"),
        {"expected_version": version(reference), "body": str(body.pk), "referred_on": "어제",
         "their_reference": "KCA-1", "organisation_position": "입장 그대로"},
    )  # fmt: skip
    assert bad.status_code == 400 and "입장 그대로" in bad.content.decode()
    answer = client.post(
        url(reference, "referral/"),
        {"expected_version": version(reference), "body": str(body.pk),
         "referred_on": today().isoformat(), "their_reference": "KCA-1",
         "organisation_position": "입장 그대로"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=reference).status == Status.REFERRED

    undated = client.post(
        url(reference, "referral/outcome/"),
        {"outcome": "partly", "outcome_on": "", "action_required": "yes",
         "implementation": "배송비 환불", "implemented_on": ""},
    )  # fmt: skip
    assert undated.status_code == 422 and "배송비 환불" in undated.content.decode()
    done = client.post(
        url(reference, "referral/outcome/"),
        {"outcome": "partly", "outcome_on": today().isoformat(), "action_required": "yes",
         "implementation": "배송비 환불", "implemented_on": today().isoformat()},
    )  # fmt: skip
    assert done.status_code == 302
    assert ExternalReferral.objects.get().concluded

    complaint = transition_complaint(actor=manager, reference=reference, event=Event.CLOSE)
    assert complaint.closure_code == "external_decision"


@pytest.mark.parametrize(
    "page",
    [
        "response/",
        "response/propose/",
        "response/approve/",
        "decision/",
        "decision/answer/",
        "review/start/",
        "referral/",
        "referral/outcome/",
    ],
)
def test_a_handler_outside_the_complaints_scope_gets_not_found(
    as_staff, investigating, staff, page
):
    reference = investigating()
    outsider = staff(Role.HANDLER, "outsider")
    unit = Unit.objects.create(code="billing", name_ko="요금", name_en="Billing")
    StaffProfile.objects.filter(user_id=outsider.user_id).update(unit=unit)
    client = as_staff(outsider)

    assert client.get(url(reference, page)).status_code == 404
    if page != "response/":  # the overview only reads
        assert client.post(url(reference, page), {}).status_code == 404


@pytest.mark.parametrize(
    ("role", "page", "status"),
    [
        (Role.AUDITOR, "response/", 200),
        (Role.AUDITOR, "response/propose/", 403),
        (Role.AUDITOR, "decision/", 403),
        (Role.APPROVER, "response/propose/", 403),
        (Role.APPROVER, "response/approve/", 200),
        (Role.INVESTIGATOR, "response/propose/", 200),
        (Role.INVESTIGATOR, "decision/", 403),
        (Role.HANDLER, "response/approve/", 403),
    ],
)
def test_each_page_is_open_only_to_the_roles_that_take_its_step(
    as_staff, investigating, staff, role, page, status
):
    reference = investigating()
    client = as_staff(staff(role, f"someone-{role}"))

    assert client.get(url(reference, page)).status_code == status


def test_the_overview_is_where_the_pages_go_back_to_and_it_lists_the_next_steps(
    as_staff, investigating, handler, approver
):
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", 300000)],
    )  # fmt: skip
    approve_response(actor=approver, reference=reference)

    html = as_staff(handler).get(url(reference, "response/")).content.decode()

    assert f'href="/staff/complaints/{reference}/decision/"' in html
    assert "300,000" in html


def test_the_workspace_shows_the_response_and_links_the_approvers_next_step(
    as_staff, investigating, handler, approver, staff
):
    reference = investigating()
    auditor = staff(Role.AUDITOR, "auditor")
    before = as_staff(auditor).get(f"/staff/complaints/{reference}/").content.decode()
    assert 'id="response-panel-title"' not in before  # nothing proposed, nothing to do

    propose_response(
        actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", 300000)],
    )  # fmt: skip
    html = as_staff(approver).get(f"/staff/complaints/{reference}/").content.decode()

    assert 'id="response-panel-title"' in html
    assert f'href="/staff/complaints/{reference}/response/approve/"' in html


def test_a_stale_page_is_refused_keeping_what_was_typed_and_a_second_submit_goes_through(
    as_staff, investigating, handler
):
    reference = decided(investigating, handler)
    stale = version(reference) - 1
    client = as_staff(handler)
    data = {"reaction": "accepted", "received_via": "letter", "comment": "편지로 수락함"}

    refused = client.post(url(reference, "decision/answer/"), {**data, "expected_version": stale})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "편지로 수락함" in html
    assert f'name="expected_version" value="{version(reference)}"' in html
    answer = client.post(
        url(reference, "decision/answer/"), {**data, "expected_version": version(reference)}
    )
    assert answer.status_code == 302
