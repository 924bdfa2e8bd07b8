"""Stage clocks through the real services: receipt, pause, extension, reassessment, withdrawal.

Every expected instant is worked out by hand in Korean working time (Mon–Fri 09:00–18:00,
Asia/Seoul). 9 March 2026 is a Monday with no public holiday near it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.complaints.services.escalation import assess_complaint, reassess_complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.errors import DomainError
from sori.messaging.models import OutboundMessage
from sori.sla.models import Stage, Timer, TimerState
from sori.sla.services.extension import extend_deadline
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT

from .conftest import seoul, timer

pytestmark = pytest.mark.django_db

RECEIVED = seoul(2026, 3, 9, 10, 0)  # Monday


def _assess(handler, reference, at, **changes):
    with clock.frozen_at(at):
        return assess_complaint(
            actor=handler,
            reference=reference,
            data=EventData(**{**COMPLETE_ASSESSMENT, **changes}),
        )


def _fire(actor, reference, event, at, **data):
    with clock.frozen_at(at):
        return transition_complaint(
            actor=actor, reference=reference, event=event, data=EventData(**data)
        )


def _due(reference: str) -> dt.datetime | None:
    return Complaint.objects.values_list("due_at", flat=True).get(reference=reference)


def test_receipt_starts_each_stage_clock_and_the_acknowledgement_meets_its_target(
    standard_policy, submit
):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference

    acknowledge = timer(reference, Stage.ACKNOWLEDGE)
    assert acknowledge.state == TimerState.MET
    assert acknowledge.stopped_at == RECEIVED
    # 2 business days after the day of receipt, at close of business: Wednesday 18:00.
    assert timer(reference, Stage.ASSESS).due_at == seoul(2026, 3, 11, 18, 0)
    # 5 business days after Monday: the next Monday, 18:00.
    assert timer(reference, Stage.DECISION).due_at == seoul(2026, 3, 16, 18, 0)
    # 30 calendar days after 9 March end with 8 April, at midnight.
    assert timer(reference, Stage.CLOSE).due_at == seoul(2026, 4, 9, 0, 0)
    # The queue's due time is the first deadline still running.
    assert _due(reference) == seoul(2026, 3, 11, 18, 0)
    assert {t.policy.code for t in Timer.objects.all()} == {"standard"}


def test_time_spent_awaiting_the_complainant_does_not_count(standard_policy, submit, handler):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    _assess(handler, reference, seoul(2026, 3, 10, 10, 0))
    assert timer(reference, Stage.ASSESS).state == TimerState.MET

    _fire(handler, reference, Event.REQUEST_INFORMATION, seoul(2026, 3, 10, 11, 0), note="영수증?")
    decision = timer(reference, Stage.DECISION)
    assert decision.state == TimerState.PAUSED
    assert _due(reference) is None  # nothing runs while the complainant is asked

    _fire(handler, reference, Event.RECEIVE_INFORMATION, seoul(2026, 3, 12, 11, 0))
    decision = timer(reference, Stage.DECISION)
    assert decision.state == TimerState.RUNNING
    # Paused Tue 11:00 → Thu 11:00: 48 hours by the clock, 7 + 9 + 2 = 18 working hours.
    assert decision.paused_seconds == 48 * 3600
    assert decision.paused_business_seconds == 18 * 3600
    # The deadline moves by two working days: Monday 16th 18:00 → Wednesday 18th 18:00.
    assert decision.due_at == seoul(2026, 3, 18, 18, 0)
    assert decision.original_due_at == seoul(2026, 3, 16, 18, 0)
    # Calendar days move by the 48 hours.
    assert timer(reference, Stage.CLOSE).due_at == seoul(2026, 4, 11, 0, 0)
    assert _due(reference) == seoul(2026, 3, 18, 18, 0)


def _refusal(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_a_deadline_is_extended_once_with_a_reason_and_the_complainant_is_told(
    standard_policy, submit, handler
):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    at = seoul(2026, 3, 12, 15, 0)

    def extend(day: dt.date, reason: str = "현장 확인이 필요합니다."):
        with clock.frozen_at(at):
            return extend_deadline(
                actor=handler,
                reference=reference,
                stage=Stage.DECISION,
                new_date=day,
                reason=reason,
            )

    assert _refusal(lambda: extend(dt.date(2026, 3, 20), reason="  ")).code == "required"
    assert _refusal(lambda: extend(dt.date(2026, 3, 21))).code == "not_a_working_day"  # Saturday
    assert _refusal(lambda: extend(dt.date(2026, 3, 13))).code == "not_later"
    # At most 5 more business days after Monday 16th: Monday 23rd is the latest.
    assert _refusal(lambda: extend(dt.date(2026, 3, 24))).code == "extension_too_long"
    sent_before = OutboundMessage.objects.filter(template="deadline_extended").count()

    extended = extend(dt.date(2026, 3, 20))

    assert extended.due_at == seoul(2026, 3, 20, 18, 0)
    assert extended.original_due_at == seoul(2026, 3, 16, 18, 0)
    assert extended.extension_reason == "현장 확인이 필요합니다."
    message = OutboundMessage.objects.filter(template="deadline_extended").get()
    assert sent_before == 0 and message.recipient == "minji@example.kr"
    entry = AuditEntry.objects.filter(action="sori.sla.extended").get()
    assert entry.iso_clause == "7.3" and entry.data["to"] == extended.due_at.isoformat()
    assert _refusal(lambda: extend(dt.date(2026, 3, 23))).code == "extension_used"


def test_a_stage_whose_policy_allows_no_extension_cannot_be_extended(make_policy, submit, handler):
    make_policy({Stage.DECISION: (10, "calendar_days", {"extension_allowed": False})})
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    refusal = _refusal(
        lambda: extend_deadline(
            actor=handler,
            reference=reference,
            stage=Stage.DECISION,
            new_date=dt.date(2026, 3, 25),
            reason="more time",
        )
    )
    assert refusal.code == "extension_not_allowed"


def test_an_investigator_may_not_extend_a_deadline(standard_policy, submit, make_staff):
    investigator = make_staff("investigator")
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    refusal = _refusal(
        lambda: extend_deadline(
            actor=investigator,
            reference=reference,
            stage=Stage.DECISION,
            new_date=dt.date(2026, 3, 20),
            reason="more time",
        )
    )
    assert refusal.code in ("forbidden", "not_found")
    assert timer(reference, Stage.DECISION).extended_at is None


def test_a_reassessment_that_makes_it_urgent_chooses_the_urgent_policy_again(
    standard_policy, make_policy, submit, handler
):
    make_policy({Stage.DECISION: (1, "business_days")}, code="urgent", priority="urgent")
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    _assess(handler, reference, seoul(2026, 3, 9, 11, 0))
    assert timer(reference, Stage.DECISION).policy.code == "standard"

    complaint = reassess_complaint(
        actor=handler,
        reference=reference,
        data=EventData(**{**COMPLETE_ASSESSMENT, "safety_risk": True}),
    )

    assert complaint.priority == "urgent"
    decision = timer(reference, Stage.DECISION)
    assert decision.policy.code == "urgent"
    # Counted again from receipt: 1 business day after Monday = Tuesday 18:00.
    assert decision.due_at == seoul(2026, 3, 10, 18, 0)
    # The closure clock has no urgent target: the standard policy keeps it.
    assert timer(reference, Stage.CLOSE).policy.code == "standard"
    entry = AuditEntry.objects.filter(action="sori.complaint.reassessed").get()
    assert entry.data["sla_policy_rechosen"] == [
        {"stage": "decision", "from": "standard", "to": "urgent"}
    ]


def test_of_equally_specific_policies_the_strictest_deadline_applies(make_policy, submit):
    make_policy({Stage.DECISION: (8, "calendar_days")}, code="loose")
    make_policy({Stage.DECISION: (3, "business_days")}, code="strict")
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    decision = timer(reference, Stage.DECISION)
    assert decision.policy.code == "strict"
    assert decision.due_at == seoul(2026, 3, 12, 18, 0)


def test_a_more_specific_policy_wins_over_a_stricter_general_one(make_policy, submit):
    make_policy({Stage.DECISION: (1, "business_days")}, code="general")
    make_policy({Stage.DECISION: (10, "business_days")}, code="by-phone", channel="phone")
    with clock.frozen_at(RECEIVED):
        reference = submit(channel="phone").reference
    assert timer(reference, Stage.DECISION).policy.code == "by-phone"


def test_withdrawing_cancels_every_running_clock(standard_policy, submit, handler):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    _fire(handler, reference, Event.WITHDRAW, seoul(2026, 3, 10, 9, 30), note="해결됨")
    states = set(
        Timer.objects.filter(complaint__reference=reference)
        .exclude(stage=Stage.ACKNOWLEDGE)
        .values_list("state", flat=True)
    )
    assert states == {TimerState.CANCELLED}
    assert _due(reference) is None


def test_a_complaint_without_any_policy_in_use_has_no_clock(calendar, submit):
    from sori.sla.models import SlaPolicy

    SlaPolicy.objects.update(active=False)
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    assert not Timer.objects.filter(complaint__reference=reference).exists()
    assert _due(reference) is None


def test_a_policy_edit_changes_no_running_clock(standard_policy, submit):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    standard_policy.targets.filter(stage=Stage.DECISION).update(amount=Decimal("1"))
    assert timer(reference, Stage.DECISION).amount == Decimal("5")


def test_a_policy_chosen_by_the_complaint_type_starts_its_clock_counted_from_receipt(
    make_policy, submit, handler
):
    from sori.complaints.models import ComplaintType

    ComplaintType.objects.create(code="grievance", label_ko="고충민원", label_en="Grievance")
    make_policy({Stage.ACKNOWLEDGE: (3, "business_hours")}, code="base")
    make_policy(
        {Stage.DECISION: (7, "business_days_inclusive")},
        code="grievance-7",
        complaint_type=ComplaintType.objects.get(code="grievance"),
    )
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    assert not Timer.objects.filter(complaint__reference=reference, stage=Stage.DECISION)

    _assess(handler, reference, seoul(2026, 3, 10, 10, 0), complaint_type="grievance")

    decision = timer(reference, Stage.DECISION)
    assert (decision.policy.code, decision.started_at) == ("grievance-7", RECEIVED)
    # Seven business days, Monday 9th counted as the first: Tuesday 17th, close of business.
    assert decision.due_at == seoul(2026, 3, 17, 18, 0)
    entry = AuditEntry.objects.filter(action="sori.complaint.assessed").get()
    assert entry.data["sla_policy_rechosen"] == [
        {"stage": "decision", "from": "", "to": "grievance-7"}
    ]
