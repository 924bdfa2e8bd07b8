"""Proposing a response with its remedies, and approving it (ISO 10002 7.7, 4.12, 4.7).

The total of the remedies is what the approval rule weighs: above the proposer's authority limit
an approver must approve, never the proposer, and only someone whose limit covers the total.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, ComplaintEvent, LetterTemplate, Remedy
from sori.complaints.services.letters import communicate_decision, render_letter, today
from sori.complaints.services.response import (
    RemedyInput,
    approve_response,
    decline_approval,
    propose_response,
    record_reaction,
    start_internal_review,
)
from sori.complaints.workflow import Status
from sori.core.errors import GuardFailed, InvalidInput
from sori.messaging.models import Audience, OutboundMessage

REASONS = "배송이 2주 늦었음을 확인했습니다. The parcel was two weeks late."


def propose(actor, reference, *remedies: RemedyInput, outcome: str = "upheld") -> Complaint:
    return propose_response(
        actor=actor,
        reference=reference,
        outcome=outcome,
        reasons=REASONS,
        remedies=list(remedies) or [RemedyInput("apology")],
    )


def staff_mail(key: str) -> list[str]:
    return sorted(
        OutboundMessage.objects.filter(audience=Audience.STAFF, template=key).values_list(
            "recipient", flat=True
        )
    )


def test_the_remedies_are_kept_and_their_total_is_the_remedy_amount(investigating, handler):
    reference = investigating()

    complaint = propose(
        handler,
        reference,
        RemedyInput("apology", description="서면 사과"),
        RemedyInput("refund", "30000", "배송비"),
        RemedyInput("compensation", Decimal("20000.50")),
    )

    assert complaint.status == Status.RESPONSE_PROPOSED
    # The first remedy is the main one; the amount is the total the approval rule reads.
    assert complaint.remedy_type == "apology"
    assert complaint.remedy_amount == Decimal("50000.50")
    rows = list(
        Remedy.objects.filter(complaint=complaint).values_list("kind", "amount", "position")
    )
    assert rows == [
        ("apology", None, 0),
        ("refund", Decimal("30000.00"), 1),
        ("compensation", Decimal("20000.50"), 2),
    ]
    entry = AuditEntry.objects.get(action="sori.complaint.remedies_recorded")
    assert entry.iso_clause == "7.7" and entry.data["total"] == "50000.50"
    # Within the handler's limit (100,000): nobody is asked to approve.
    assert staff_mail("approval_requested") == []


def test_remedies_that_together_exceed_the_limit_need_an_approver_who_is_told(
    investigating, handler, approver, junior_approver, manager, staff
):
    staff(Role.TOP_MANAGEMENT, "ceo", authority_limit=Decimal("100000000"))
    reference = investigating()

    # Each remedy alone is within the handler's 100,000; together they are not.
    complaint = propose(
        handler, reference, RemedyInput("refund", 60000), RemedyInput("compensation", 60000)
    )

    assert complaint.remedy_amount == Decimal("120000.00")
    # Those whose role approves and whose limit covers 120,000 (not the proposer, never a handler).
    assert staff_mail("approval_requested") == [
        "approver@sori.test",
        "ceo@sori.test",
        "junior@sori.test",
        "manager@sori.test",
    ]


def test_approval_goes_only_to_those_whose_limit_covers_the_total(
    investigating, handler, approver, junior_approver, manager
):
    reference = investigating()
    propose(handler, reference, RemedyInput("compensation", 3_000_000))

    assert staff_mail("approval_requested") == ["approver@sori.test"]


def test_the_proposer_cannot_approve_their_own_response(investigating, manager, approver):
    reference = investigating()
    propose(manager, reference, RemedyInput("refund", 2_000_000))

    with pytest.raises(GuardFailed) as refused:
        approve_response(actor=manager, reference=reference)

    assert refused.value.code == "approver_is_proposer"
    assert Complaint.objects.get(reference=reference).status == Status.RESPONSE_PROPOSED


def test_an_approver_whose_limit_is_below_the_total_is_refused_and_one_whose_limit_covers_it_approves(
    investigating, handler, junior_approver, approver
):
    reference = investigating()
    propose(handler, reference, RemedyInput("refund", 150_000), RemedyInput("repair", 100_000))

    with pytest.raises(GuardFailed) as refused:
        approve_response(actor=junior_approver, reference=reference)
    assert refused.value.code == "above_authority_limit"

    complaint = approve_response(actor=approver, reference=reference, note="타당함")
    assert complaint.status == Status.APPROVED
    assert complaint.approved_by_id == approver.user_id


def test_an_approver_may_send_the_proposal_back_with_a_reason_and_the_proposer_is_told(
    investigating, handler, approver
):
    reference = investigating()
    propose(handler, reference, RemedyInput("compensation", 500_000))
    version = Complaint.objects.get(reference=reference).version

    decline_approval(
        actor=approver, reference=reference, reason="금액 근거 부족", expected_version=version
    )

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == Status.RESPONSE_PROPOSED and complaint.approved_at is None
    assert complaint.version == version + 1
    note = ComplaintEvent.objects.get(complaint=complaint, kind="approval_declined")
    assert (note.public, note.note) == (False, "금액 근거 부족")
    assert AuditEntry.objects.get(action="sori.complaint.approval_declined").iso_clause == "4.12"
    assert staff_mail("approval_declined") == ["handler@sori.test"]
    message = OutboundMessage.objects.get(template="approval_declined")
    assert "금액 근거 부족" in message.body


def test_nobody_sends_back_their_own_proposal_or_one_above_their_limit(
    investigating, manager, junior_approver
):
    reference = investigating()
    propose(manager, reference, RemedyInput("compensation", 500_000))

    with pytest.raises(GuardFailed) as own:
        decline_approval(actor=manager, reference=reference, reason="x")
    with pytest.raises(GuardFailed) as above:
        decline_approval(actor=junior_approver, reference=reference, reason="x")

    assert (own.value.code, above.value.code) == ("approver_is_proposer", "above_authority_limit")
    assert not ComplaintEvent.objects.filter(kind="approval_declined").exists()


@pytest.mark.parametrize(
    ("remedies", "code", "field", "index"),
    [
        ([], "remedy_missing", "remedies", None),
        ([RemedyInput("voucher")], "invalid_choice", "kind", 0),
        ([RemedyInput("apology"), RemedyInput("refund", "-1")], "invalid_amount", "amount", 1),
        ([RemedyInput("refund", "lots")], "invalid_amount", "amount", 0),
        ([RemedyInput("none"), RemedyInput("apology")], "invalid_choice", "kind", 0),
        ([RemedyInput("apology", description="x" * 501)], "too_long", "description", 0),
    ],
)
def test_a_bad_remedy_is_refused_naming_the_row_and_nothing_is_written(
    investigating, handler, remedies, code, field, index
):
    reference = investigating()
    before = Complaint.objects.get(reference=reference)

    with pytest.raises(InvalidInput) as refused:
        propose_response(
            actor=handler, reference=reference, outcome="upheld", reasons=REASONS, remedies=remedies
        )

    assert refused.value.code == code
    assert refused.value.params.get("field") == field
    assert refused.value.params.get("index") == index
    after = Complaint.objects.get(reference=reference)
    assert (after.status, after.version) == (before.status, before.version)
    assert not Remedy.objects.exists()


def test_a_review_proposal_keeps_the_first_rounds_remedies_apart(investigating, handler, manager):
    reference = investigating()
    propose(handler, reference, RemedyInput("apology"))
    template = LetterTemplate.objects.get(language="ko", for_review=False)
    subject, body = render_letter(Complaint.objects.get(reference=reference), template)
    communicate_decision(
        actor=handler,
        reference=reference,
        template_id=template.pk,
        subject=subject,
        body=body,
        method="phone",
        sent_on=today(),
    )
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")
    start_internal_review(actor=handler, reference=reference)

    propose(manager, reference, RemedyInput("refund", 40000), outcome="partly_upheld")

    assert sorted(Remedy.objects.values_list("review_round", "kind")) == [
        (0, "apology"),
        (1, "refund"),
    ]
