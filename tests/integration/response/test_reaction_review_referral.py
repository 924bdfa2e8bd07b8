"""After the decision: the complainant's answer recorded by staff, the internal review by someone
independent of the first decision, and external dispute resolution to closure (ISO 10002 7.9,
4.7; ISO 10003)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, ContactRecord, ExternalReferral, LetterTemplate
from sori.complaints.services.letters import communicate_decision, render_letter, today
from sori.complaints.services.referrals import record_referral_outcome
from sori.complaints.services.response import (
    RemedyInput,
    propose_response,
    record_reaction,
    start_internal_review,
)
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core.errors import Forbidden, GuardFailed, InvalidInput
from sori.core.models import ExternalDisputeBody
from sori.messaging.models import Audience, OutboundMessage

REASONS = "확인 결과 배송 지연은 택배사 사정이었습니다."


def communicated(investigating, actor, *, reference: str | None = None) -> str:
    reference = reference or investigating()
    propose_response(
        actor=actor, reference=reference, outcome="not_upheld", reasons=REASONS,
        remedies=[RemedyInput("explanation")],
    )  # fmt: skip
    complaint = Complaint.objects.get(reference=reference)
    template = LetterTemplate.objects.get(
        language="ko", for_review=complaint.review_round > 0, active=True
    )
    subject, body = render_letter(complaint, template)
    communicate_decision(
        actor=actor, reference=reference, template_id=template.pk, subject=subject, body=body,
        method="letter", sent_on=today(),
    )  # fmt: skip
    return reference


@pytest.mark.parametrize(("reaction", "via"), [("accepted", "phone"), ("rejected", "in_person")])
def test_staff_record_the_complainants_answer_with_how_it_reached_them(
    investigating, handler, reaction, via
):
    reference = communicated(investigating, handler)

    complaint = record_reaction(
        actor=handler, reference=reference, reaction=reaction, received_via=via,
        comment="전화로 말씀하셨습니다.",
    )  # fmt: skip

    assert complaint.status == Status.DECISION_COMMUNICATED
    assert complaint.reaction == reaction
    assert complaint.reaction_comment == "전화로 말씀하셨습니다."
    contact = ContactRecord.objects.get(complaint=complaint)
    assert (contact.method, contact.summary) == (via, "전화로 말씀하셨습니다.")
    entry = AuditEntry.objects.get(action="sori.complaint.reaction_recorded")
    assert entry.data["received_via"] == via and entry.iso_clause == "7.9"


def test_an_answer_is_recorded_once_and_only_with_a_known_channel(investigating, handler):
    reference = communicated(investigating, handler)

    with pytest.raises(InvalidInput) as channel:
        record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="fax")
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="letter")
    with pytest.raises(GuardFailed) as again:
        record_reaction(
            actor=handler, reference=reference, reaction="rejected", received_via="phone"
        )

    assert (channel.value.code, again.value.code) == ("invalid_choice", "already_rejected")
    assert ContactRecord.objects.count() == 1


def test_an_investigator_may_not_record_the_answer(investigating, handler, staff):
    investigator = staff(Role.INVESTIGATOR, "investigator")
    reference = communicated(investigating, handler)

    with pytest.raises(Forbidden):
        record_reaction(
            actor=investigator, reference=reference, reaction="accepted", received_via="phone"
        )


def test_starting_the_internal_review_tells_the_complaints_managers(
    investigating, handler, manager, staff
):
    other = staff(Role.COMPLAINTS_MANAGER, "manager2")
    reference = communicated(investigating, handler)
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")

    complaint = start_internal_review(actor=other, reference=reference, note="재검토 요청")

    assert complaint.status == Status.ESCALATED and complaint.review_round == 1
    # Every other complaints manager; the one who started it knows.
    assert list(
        OutboundMessage.objects.filter(template="review_requested").values_list(
            "recipient", flat=True
        )
    ) == ["manager@sori.test"]
    # The complainant hears that the review started (the workflow's own message).
    assert OutboundMessage.objects.filter(
        audience=Audience.COMPLAINANT, template="internal_review_started"
    ).exists()


def test_the_first_handler_cannot_decide_the_review_and_someone_independent_can(
    investigating, handler, manager
):
    reference = communicated(investigating, handler)
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")
    start_internal_review(actor=handler, reference=reference)

    with pytest.raises(GuardFailed) as refused:
        propose_response(
            actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
            remedies=[RemedyInput("apology")],
        )  # fmt: skip
    assert refused.value.code == "reviewer_not_independent"

    complaint = propose_response(
        actor=manager, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("apology")],
    )  # fmt: skip
    assert complaint.status == Status.RESPONSE_PROPOSED
    assert complaint.first_stage_handler_id == handler.user_id


def test_a_referral_with_its_outcome_closes_as_an_external_decision(
    investigating, handler, manager
):
    reference = communicated(investigating, handler)
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")
    start_internal_review(actor=handler, reference=reference)
    communicated(investigating, manager, reference=reference)
    record_reaction(actor=manager, reference=reference, reaction="rejected", received_via="email")
    body = ExternalDisputeBody.objects.get(name_en="Korea Consumer Agency")

    transition_complaint(
        actor=manager, reference=reference, event=Event.REFER_EXTERNALLY,
        data=EventData(body_id=body.pk, referred_on=today(), their_reference="KCA-2026-1",
                       organisation_position="배송 지연은 택배사 사정"),
    )  # fmt: skip
    with pytest.raises(GuardFailed) as early:
        transition_complaint(actor=manager, reference=reference, event=Event.CLOSE)
    assert early.value.code == "referral_open"

    record_referral_outcome(
        actor=manager, reference=reference, outcome="partly", outcome_on=today(),
        action_required=True, implementation="배송비 환불", implemented_on=today(),
    )  # fmt: skip
    complaint = transition_complaint(actor=manager, reference=reference, event=Event.CLOSE)

    assert complaint.status == Status.CLOSED
    assert complaint.closure_code == "external_decision"
    referral = ExternalReferral.objects.get(complaint=complaint)
    assert (referral.their_reference, referral.concluded) == ("KCA-2026-1", True)
