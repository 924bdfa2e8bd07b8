"""The complaint lifecycle through the real services and database (ISO 10002 7.2–7.9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sori.audit.selectors import entries_for, verify_trail
from sori.complaints.models import ClosureCode, Complaint, ComplaintEvent
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core.actors import SYSTEM, complainant_actor
from sori.core.clock import frozen_at
from sori.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    InvalidInput,
    NotFound,
    TransitionNotAllowed,
)

from .flow import COMPLETE_ASSESSMENT, fire, refused, response, row

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)


def to_decision(reference, handler, *, amount=None, approver=None, **communicate):
    """Assess, investigate, propose and communicate a first decision."""
    fire(handler, reference, Event.ASSESS, **COMPLETE_ASSESSMENT)
    fire(handler, reference, Event.START_INVESTIGATION)
    fire(handler, reference, Event.PROPOSE_RESPONSE, **response(amount))
    if approver is not None:
        fire(approver, reference, Event.APPROVE)
    return fire(handler, reference, Event.COMMUNICATE_DECISION, method="email", **communicate)


def test_a_submission_is_acknowledged_at_once(submit):
    # ISO 10002 7.2 receipt and 7.4 acknowledgement, in the same transaction, by the system.
    with frozen_at(T0):
        receipt = submit()
    assert receipt.status == Status.ACKNOWLEDGED
    assert receipt.acknowledged_at == T0.isoformat() == receipt.received_at
    complaint = Complaint.objects.get(reference=receipt.reference)
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at == T0
    assert complaint.version == 2
    trail = entries_for("complaint", receipt.reference)
    assert [(e.action, e.iso_clause, e.actor) for e in trail] == [
        ("sori.complaint.received", "7.2", "system"),
        ("sori.complaint.acknowledged", "7.4", "system"),
    ]
    timeline = list(ComplaintEvent.objects.filter(complaint=complaint))
    assert [(e.kind, e.from_status, e.to_status, e.public) for e in timeline] == [
        ("received", "", "received", True),
        ("acknowledge", "received", "acknowledged", True),
    ]
    assert verify_trail() == []


def test_the_happy_path_closes_with_the_decision_accepted(submit, handler):
    receipt = submit()
    ref = receipt.reference
    with frozen_at(T0):
        complaint = to_decision(ref, handler, amount=50000)
    assert complaint.decision_issued_at == T0
    assert complaint.remedy_amount == Decimal("50000.00")
    assert complaint.closed_at is None
    fire(complainant_actor(ref), ref, Event.ACCEPT, note="감사합니다")
    with frozen_at(T0 + dt.timedelta(days=1)):
        complaint = fire(handler, ref, Event.CLOSE)
    assert complaint.status == Status.CLOSED
    assert complaint.closure_code == ClosureCode.RESOLVED_ACCEPTED
    # Regulators measure the decision, ISO closes on the answer: the two times are kept apart.
    assert complaint.decision_issued_at == T0
    assert complaint.closed_at == T0 + dt.timedelta(days=1)
    assert complaint.reaction == "accepted" and complaint.reaction_comment == "감사합니다"
    assert [e.action.removeprefix("sori.complaint.") for e in entries_for("complaint", ref)] == [
        "received",
        "acknowledged",
        "assessed",
        "investigation_started",
        "response_proposed",
        "decision_communicated",
        "decision_accepted",
        "closed",
    ]
    assert verify_trail() == []


def test_a_remedy_above_the_handlers_limit_is_approved_before_it_is_communicated(
    submit, handler, approver, manager
):
    # ISO 10002 4.12: the handler may grant 100,000; this remedy is 300,000.
    ref = submit().reference
    fire(handler, ref, Event.ASSESS, **COMPLETE_ASSESSMENT)
    fire(handler, ref, Event.START_INVESTIGATION)
    fire(handler, ref, Event.PROPOSE_RESPONSE, **response(300000))
    error = refused(handler, ref, Event.COMMUNICATE_DECISION, method="email")
    assert isinstance(error, GuardFailed) and error.code == "approval_required"
    # A handler has no approving role at all.
    assert isinstance(refused(handler, ref, Event.APPROVE), Forbidden)
    fire(approver, ref, Event.APPROVE)
    complaint = fire(handler, ref, Event.COMMUNICATE_DECISION, method="letter")
    assert complaint.approved_by_id == approver.user_id
    assert complaint.status == Status.DECISION_COMMUNICATED


def test_an_approver_cannot_approve_above_their_own_limit(submit, handler, approver):
    ref = submit().reference
    fire(handler, ref, Event.ASSESS, **COMPLETE_ASSESSMENT)
    fire(handler, ref, Event.START_INVESTIGATION)
    fire(handler, ref, Event.PROPOSE_RESPONSE, **response("5000000.01"))
    error = refused(approver, ref, Event.APPROVE)
    assert isinstance(error, GuardFailed) and error.code == "above_authority_limit"


def test_nobody_approves_their_own_proposal(submit, manager, approver):
    # ISO 10002 4.7: a complaints manager may both propose and approve, but not the same response.
    ref = submit().reference
    fire(manager, ref, Event.ASSESS, **COMPLETE_ASSESSMENT)
    fire(manager, ref, Event.START_INVESTIGATION)
    fire(manager, ref, Event.PROPOSE_RESPONSE, **response(2000000))
    error = refused(manager, ref, Event.APPROVE)
    assert isinstance(error, GuardFailed) and error.code == "approver_is_proposer"
    fire(approver, ref, Event.APPROVE)


def test_a_partial_assessment_is_refused_and_nothing_of_it_is_kept(submit, handler):
    ref = submit().reference
    error = refused(handler, ref, Event.ASSESS, severity="high", impact="high")
    assert isinstance(error, GuardFailed) and error.code == "assessment_incomplete"
    complaint = Complaint.objects.get(reference=ref)
    assert complaint.severity == "" and complaint.assessed_at is None
    error = refused(handler, ref, Event.START_INVESTIGATION)
    assert isinstance(error, TransitionNotAllowed) and error.code == "transition_not_allowed"


def test_a_rejection_leads_through_an_independent_review_to_closure_with_recourse_exhausted(
    submit, handler, handler2
):
    # ISO 10002 7.9: a rejection keeps the complaint open; the internal review is held by
    # someone else; its decision names the external routes; a second rejection may then close.
    ref = submit().reference
    complainant = complainant_actor(ref)
    to_decision(ref, handler)
    complaint = fire(complainant, ref, Event.REJECT, note="납득할 수 없습니다")
    assert complaint.status == Status.DECISION_COMMUNICATED
    assert complaint.reaction == "rejected"
    error = refused(handler, ref, Event.CLOSE)
    assert isinstance(error, GuardFailed) and error.code == "internal_review_pending"
    error = refused(complainant, ref, Event.REJECT)
    assert isinstance(error, GuardFailed) and error.code == "already_rejected"

    complaint = fire(complainant, ref, Event.ESCALATE)
    assert complaint.status == Status.ESCALATED and complaint.review_round == 1
    error = refused(handler, ref, Event.PROPOSE_RESPONSE, **response())
    assert isinstance(error, GuardFailed) and error.code == "reviewer_not_independent"
    fire(handler2, ref, Event.PROPOSE_RESPONSE, **response(20000, outcome="partly_upheld"))
    error = refused(handler2, ref, Event.COMMUNICATE_DECISION, method="email")
    assert isinstance(error, GuardFailed) and error.code == "external_routes_missing"
    complaint = fire(
        handler2, ref, Event.COMMUNICATE_DECISION, method="email", external_routes_given=True
    )
    # The new decision needs a new answer.
    assert complaint.reaction == "" and complaint.external_routes_given

    fire(complainant, ref, Event.REJECT)
    error = refused(complainant, ref, Event.ESCALATE)
    assert isinstance(error, GuardFailed) and error.code == "review_already_done"
    complaint = fire(handler2, ref, Event.CLOSE)
    assert complaint.status == Status.CLOSED
    assert complaint.closure_code == ClosureCode.RECOURSE_EXHAUSTED
    assert complaint.first_stage_handler_id == handler.user_id
    assert verify_trail() == []


def test_silence_past_the_waiting_period_closes_with_no_reply(submit, handler, organisation):
    # ISO 10002 7.9: the organisation waits ``reaction_wait_days`` (here 7) for an answer.
    ref = submit().reference
    with frozen_at(T0):
        to_decision(ref, handler)
    with frozen_at(T0 + dt.timedelta(days=7) - dt.timedelta(seconds=1)):
        error = refused(SYSTEM, ref, Event.CLOSE)
    assert isinstance(error, GuardFailed) and error.code == "awaiting_reaction"
    with frozen_at(T0 + dt.timedelta(days=7)):
        complaint = fire(SYSTEM, ref, Event.CLOSE)
    assert complaint.closure_code == ClosureCode.NO_REPLY
    assert complaint.closed_at == T0 + dt.timedelta(days=7)
    assert complaint.decision_issued_at == T0


def test_the_waiting_period_restarts_with_a_new_decision(submit, handler, handler2, organisation):
    ref = submit().reference
    with frozen_at(T0):
        to_decision(ref, handler)
        fire(complainant_actor(ref), ref, Event.REJECT)
        fire(handler, ref, Event.ESCALATE)
    later = T0 + dt.timedelta(days=5)
    with frozen_at(later):
        fire(handler2, ref, Event.PROPOSE_RESPONSE, **response())
        fire(handler2, ref, Event.COMMUNICATE_DECISION, method="phone", external_routes_given=True)
    with frozen_at(T0 + dt.timedelta(days=8)):
        error = refused(handler2, ref, Event.CLOSE)
    assert error.code == "awaiting_reaction"
    with frozen_at(later + dt.timedelta(days=7)):
        assert fire(handler2, ref, Event.CLOSE).closure_code == ClosureCode.NO_REPLY


def test_the_complainant_answers_only_for_their_own_complaint(submit, handler):
    mine, theirs = submit().reference, submit(anonymous=True).reference
    for ref in (mine, theirs):
        to_decision(ref, handler)
    me = complainant_actor(mine)
    fire(me, mine, Event.ACCEPT)
    fire(me, mine, Event.REJECT)
    for event in (Event.ACCEPT, Event.REJECT, Event.WITHDRAW):
        # Someone else's complaint looks exactly like one that does not exist.
        error = refused(me, theirs, event)
        assert isinstance(error, NotFound) and error.code == "not_found"
    # The complainant answers; staff run the case.
    for event in (Event.CLOSE, Event.MERGE):
        data = {"into_reference": theirs} if event is Event.MERGE else {}
        assert isinstance(refused(me, mine, event, **data), Forbidden)
    complaint = fire(me, mine, Event.WITHDRAW, note="더 이상 필요 없습니다")
    assert complaint.status == Status.WITHDRAWN
    assert row(theirs)["status"] == Status.DECISION_COMMUNICATED


@pytest.mark.parametrize("event", list(Event))
def test_an_auditor_reads_but_cannot_fire_any_event(submit, auditor, event):
    # ISO 10002 8.4: the auditor is independent of the process it audits.
    ref, other = submit().reference, submit().reference
    data = {
        Event.REQUEST_INFORMATION: {"note": "?"},
        Event.COMMUNICATE_DECISION: {"method": "email"},
        Event.MERGE: {"into_reference": other},
        Event.REFER_EXTERNALLY: {"body_id": 1, "referred_on": dt.date(2026, 1, 5)},
        Event.REOPEN: {"note": "?"},
    }.get(event, {})
    error = refused(auditor, ref, event, **data)
    assert isinstance(error, Forbidden) and error.code == "forbidden"


def test_fields_that_do_not_belong_to_an_event_are_refused(submit, handler):
    ref = submit().reference
    error = refused(handler, ref, Event.WITHDRAW, remedy_amount=1000)
    assert isinstance(error, InvalidInput) and error.code == "unexpected_fields"
    assert error.params["fields"] == ["remedy_amount"]
    error = refused(handler, ref, Event.ASSESS, **COMPLETE_ASSESSMENT, method="email")
    assert error.code == "unexpected_fields"
    error = refused(handler, ref, "dance")
    assert isinstance(error, InvalidInput) and error.code == "unknown_event"
    error = refused(handler, ref, Event.ASSESS, **{**COMPLETE_ASSESSMENT, "severity": "huge"})
    assert error.code == "invalid_choice"
    assert refused(handler, ref, Event.MERGE).code == "required"


def test_an_unknown_reference_is_not_found(handler, db):
    with pytest.raises(NotFound):
        transition_complaint(actor=handler, reference="C-2026-999999", event=Event.WITHDRAW)


def test_a_duplicate_is_merged_into_another_open_complaint(submit, handler):
    # ISO 10002 7.3: duplicates stay traceable to the complaint that carries on.
    first, duplicate, withdrawn = (submit().reference for _ in range(3))
    fire(handler, withdrawn, Event.WITHDRAW)
    for target in (duplicate, withdrawn, "C-2026-999999"):
        error = refused(handler, duplicate, Event.MERGE, into_reference=target)
        assert isinstance(error, InvalidInput) and error.code == "invalid_merge_target"
    complaint = fire(handler, duplicate, Event.MERGE, into_reference=first, note="같은 건")
    assert complaint.status == Status.MERGED
    assert complaint.merged_into is not None and complaint.merged_into.reference == first
    assert row(first)["status"] == Status.ACKNOWLEDGED
    # The merged complaint is final; the one it went into is not.
    error = refused(handler, first, Event.MERGE, into_reference=duplicate)
    assert error.code == "invalid_merge_target"
    assert refused(handler, duplicate, Event.WITHDRAW).code == "transition_not_allowed"


def test_a_stale_version_is_a_conflict(submit, handler):
    ref = submit().reference
    version = row(ref)["version"]
    fire(handler, ref, Event.ASSESS, **COMPLETE_ASSESSMENT)
    with pytest.raises(Conflict) as caught:
        transition_complaint(
            actor=handler, reference=ref, event=Event.WITHDRAW, expected_version=version
        )
    assert caught.value.code == "conflict"
    assert caught.value.params["current_version"] == version + 1
    complaint = transition_complaint(
        actor=handler, reference=ref, event=Event.WITHDRAW, expected_version=version + 1
    )
    assert complaint.version == version + 2


@pytest.mark.parametrize("final", [Event.WITHDRAW, Event.MERGE, Event.CLOSE])
def test_nothing_happens_after_a_final_status(submit, manager, final):
    # A complaints manager holds every staff permission, so only the status can refuse.
    handler = manager
    ref, other = submit().reference, submit().reference
    if final is Event.CLOSE:
        to_decision(ref, handler)
        fire(complainant_actor(ref), ref, Event.ACCEPT)
    fire(handler, ref, final, **({"into_reference": other} if final is Event.MERGE else {}))
    for event in Event:
        if (final, event) == (Event.CLOSE, Event.REOPEN):
            continue  # ISO 10002 7.9: a closed complaint may be reopened (tested elsewhere).
        data = {
            Event.REQUEST_INFORMATION: {"note": "?"},
            Event.COMMUNICATE_DECISION: {"method": "email"},
            Event.MERGE: {"into_reference": other},
            Event.REFER_EXTERNALLY: {"body_id": 1, "referred_on": dt.date(2026, 1, 5)},
            Event.REOPEN: {"note": "?"},
        }.get(event, {})
        error = refused(handler, ref, event, **data)
        assert isinstance(error, TransitionNotAllowed), (event, error)


def test_every_accepted_transition_writes_one_audit_entry_and_one_timeline_event(
    submit, handler, approver
):
    # ``fire`` checks this for each step; here it walks every event of the table at least once.
    ref = submit().reference
    fire(handler, ref, Event.ASSESS, **COMPLETE_ASSESSMENT)
    fire(handler, ref, Event.REQUEST_INFORMATION, note="주문번호를 알려주세요")
    fire(complainant_actor(ref), ref, Event.RECEIVE_INFORMATION, note="A-123")
    fire(handler, ref, Event.PROPOSE_RESPONSE, **response(150000))
    fire(approver, ref, Event.APPROVE)
    fire(handler, ref, Event.COMMUNICATE_DECISION, method="email")
    fire(complainant_actor(ref), ref, Event.ACCEPT)
    fire(handler, ref, Event.CLOSE)
    total = Complaint.objects.get(reference=ref).events.count()
    assert total == len(entries_for("complaint", ref)) == 10
    # The public timeline hides the internal steps (assessment, proposal, approval).
    public = [e.kind for e in ComplaintEvent.objects.filter(complaint__reference=ref, public=True)]
    assert "assess" not in public and "approve" not in public
    assert "communicate_decision" in public and "close" in public
    # A staff-only field never leaks through EventData to a complainant event.
    with pytest.raises(InvalidInput):
        transition_complaint(
            actor=complainant_actor(ref),
            reference=ref,
            event=Event.ACCEPT,
            data=EventData(outcome="upheld"),
        )
