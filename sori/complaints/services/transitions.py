"""``transition_complaint()``: the only code that writes a complaint's status (ISO 10002 7.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from sori.accounts.models import StaffProfile
from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import (
    ClosureCode,
    Complaint,
    ComplaintEvent,
    ComplaintType,
    ContactMethod,
    ExternalReferral,
    Level,
    Outcome,
    Priority,
    PriorityRule,
    RemedyType,
)
from sori.complaints.workflow import (
    FINAL_STATUSES,
    Event,
    Facts,
    Reaction,
    Status,
    Transition,
    decide,
)
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    InvalidInput,
    NotFound,
    TransitionNotAllowed,
)
from sori.core.models import ExternalDisputeBody, Organisation
from sori.messaging.services import notify
from sori.sla.services import clocks

MAX_NOTE = 10_000


@dataclass(frozen=True)
class EventData:
    """What an event may carry; each event reads the fields it needs (the rest must be empty)."""

    note: str = ""
    severity: str | None = None
    safety_risk: bool | None = None
    complexity: str | None = None
    impact: str | None = None
    immediate_action_needed: bool | None = None
    immediate_action: str | None = None
    priority: str | None = None
    complaint_type: str | None = None
    outcome: str | None = None
    remedy_type: str | None = None
    remedy_amount: Decimal | str | int | None = None
    reasons: str | None = None
    method: str | None = None
    external_routes_given: bool | None = None
    into_reference: str | None = None
    body_id: int | None = None
    referred_on: dt.date | None = None
    their_reference: str | None = None
    organisation_position: str | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) not in (None, "")
        }


ASSESSMENT_FIELDS = frozenset(
    {
        "note",
        "severity",
        "safety_risk",
        "complexity",
        "impact",
        "immediate_action_needed",
        "immediate_action",
        "priority",
        "complaint_type",
    }
)

# Which fields each event accepts; anything else given with it is refused, not silently dropped.
EVENT_FIELDS: dict[Event, frozenset[str]] = {
    Event.ACKNOWLEDGE: frozenset({"note"}),
    Event.ASSESS: ASSESSMENT_FIELDS,
    Event.REASSESS: ASSESSMENT_FIELDS,
    Event.START_INVESTIGATION: frozenset({"note"}),
    Event.REQUEST_INFORMATION: frozenset({"note"}),
    Event.RECEIVE_INFORMATION: frozenset({"note"}),
    Event.PROPOSE_RESPONSE: frozenset(
        {"note", "outcome", "remedy_type", "remedy_amount", "reasons"}
    ),
    Event.APPROVE: frozenset({"note"}),
    Event.COMMUNICATE_DECISION: frozenset({"note", "method", "external_routes_given"}),
    Event.ACCEPT: frozenset({"note"}),
    Event.REJECT: frozenset({"note"}),
    Event.ESCALATE: frozenset({"note"}),
    Event.REFER_EXTERNALLY: frozenset(
        {"note", "body_id", "referred_on", "their_reference", "organisation_position"}
    ),
    Event.CLOSE: frozenset({"note"}),
    Event.REOPEN: frozenset({"note"}),
    Event.WITHDRAW: frozenset({"note"}),
    Event.MERGE: frozenset({"note", "into_reference"}),
}

REQUIRED_FIELDS: dict[Event, tuple[str, ...]] = {
    Event.REQUEST_INFORMATION: ("note",),
    Event.COMMUNICATE_DECISION: ("method",),
    Event.MERGE: ("into_reference",),
    Event.REFER_EXTERNALLY: ("body_id", "referred_on"),
    # ISO 10002 7.9: reopening a closed complaint needs a reason on the record.
    Event.REOPEN: ("note",),
}

CHOICES: dict[str, set[str]] = {
    "severity": set(Level.values),
    "complexity": set(Level.values),
    "impact": set(Level.values),
    "priority": set(Priority.values),
    "outcome": set(Outcome.values),
    "remedy_type": set(RemedyType.values),
    "method": set(ContactMethod.values) - {ContactMethod.NONE},
}


def _validate(event: Event, data: EventData) -> dict[str, Any]:
    given = data.given()
    unexpected = sorted(set(given) - EVENT_FIELDS[event])
    if unexpected:
        raise InvalidInput(
            _("These fields do not belong to this step: %(fields)s")
            % {"fields": ", ".join(unexpected)},
            code="unexpected_fields",
            fields=unexpected,
        )
    for name in REQUIRED_FIELDS.get(event, ()):
        if name not in given:
            raise InvalidInput(
                _("“%(field)s” is required for this step.") % {"field": name},
                code="required",
                field=name,
            )
    for name, allowed in CHOICES.items():
        if name in given and given[name] not in allowed:
            raise InvalidInput(
                _("“%(value)s” is not a valid %(field)s.") % {"value": given[name], "field": name},
                code="invalid_choice",
                field=name,
            )
    if "remedy_amount" in given:
        try:
            amount = Decimal(str(given["remedy_amount"]))
        except InvalidOperation:
            raise InvalidInput(
                _("The remedy amount must be a number."),
                code="invalid_amount",
                field="remedy_amount",
            ) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise InvalidInput(
                _("The remedy amount must be between 0 and 999,999,999,999."),
                code="invalid_amount",
                field="remedy_amount",
            )
        given["remedy_amount"] = amount.quantize(Decimal("0.01"))
    if "referred_on" in given and not isinstance(given["referred_on"], dt.date):
        raise InvalidInput(
            _("Give the referral date as a date."), code="invalid_date", field="referred_on"
        )
    if len(str(given.get("their_reference", ""))) > 100:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": "their_reference", "max": 100},
            code="too_long",
            field="their_reference",
        )
    for name in ("note", "immediate_action", "reasons", "organisation_position"):
        if len(str(given.get(name, ""))) > MAX_NOTE:
            raise InvalidInput(
                _("“%(field)s” is too long (at most %(max)d characters).")
                % {"field": name, "max": MAX_NOTE},
                code="too_long",
                field=name,
            )
    return given


def derive_priority(*, severity: str, safety_risk: bool, impact: str) -> str:
    """ISO 10002 7.5: urgency follows from the assessment through the configured matrix.

    A safety risk is urgent whatever the matrix says; a cell missing from the matrix is normal.
    """
    if safety_risk:
        return Priority.URGENT
    configured = (
        PriorityRule.objects.filter(severity=severity, impact=impact)
        .values_list("priority", flat=True)
        .first()
    )
    return configured or Priority.NORMAL


def _apply(complaint: Complaint, event: Event, given: dict[str, Any], actor: Actor) -> None:
    """Copy the event's data onto the (locked) row, before the guards look at it."""
    now = clock.now()
    if event in (Event.ASSESS, Event.REASSESS):
        if "complaint_type" in given:
            complaint.complaint_type = _complaint_type(given["complaint_type"])
        for name in (
            "severity",
            "safety_risk",
            "complexity",
            "impact",
            "immediate_action_needed",
            "immediate_action",
        ):
            if name in given:
                setattr(complaint, name, given[name])
        complaint.assessed_at, complaint.assessed_by_id = now, actor.user_id
        if complaint.severity and complaint.impact and complaint.safety_risk is not None:
            complaint.priority = given.get("priority") or derive_priority(
                severity=complaint.severity,
                safety_risk=complaint.safety_risk,
                impact=complaint.impact,
            )
    elif event is Event.PROPOSE_RESPONSE:
        for source, target in (
            ("outcome", "outcome"),
            ("remedy_type", "remedy_type"),
            ("remedy_amount", "remedy_amount"),
            ("reasons", "response_reasons"),
        ):
            if source in given:
                setattr(complaint, target, given[source])
        complaint.proposed_by_id = actor.user_id
        complaint.approved_by_id, complaint.approved_at = None, None
        if complaint.review_round == 0:
            complaint.first_stage_handler_id = actor.user_id
    elif event is Event.APPROVE:
        complaint.approved_by_id, complaint.approved_at = actor.user_id, now
    elif event is Event.COMMUNICATE_DECISION:
        complaint.decision_method = given["method"]
        complaint.external_routes_given = bool(given.get("external_routes_given", False))
        complaint.decision_issued_at = now
        complaint.reaction, complaint.reaction_at, complaint.reaction_comment = "", None, ""


def _complaint_type(code: str) -> ComplaintType:
    found = ComplaintType.objects.filter(code=code, active=True).first()
    if found is None:
        raise InvalidInput(
            _("Choose one of the complaint types."), code="invalid_choice", field="complaint_type"
        )
    return found


def facts_for(complaint: Complaint, actor: Actor, organisation: Organisation | None) -> Facts:
    proposer_limit = None
    if complaint.proposed_by_id is not None:
        proposer_limit = (
            StaffProfile.objects.filter(user_id=complaint.proposed_by_id)
            .values_list("authority_limit", flat=True)
            .first()
        )
    return Facts(
        status=Status(complaint.status),
        assessment_complete=bool(
            complaint.severity
            and complaint.complexity
            and complaint.impact
            and complaint.safety_risk is not None
            and complaint.immediate_action_needed is not None
        ),
        response_recorded=bool(
            complaint.outcome and complaint.remedy_type and complaint.response_reasons.strip()
        ),
        remedy_amount=complaint.remedy_amount,
        proposer_authority_limit=proposer_limit,
        approved=complaint.approved_at is not None,
        reaction=Reaction(complaint.reaction) if complaint.reaction else None,
        internal_review_done=complaint.review_round > 0,
        external_routes_given=complaint.external_routes_given,
        decision_issued_at=complaint.decision_issued_at,
        now=clock.now(),
        reaction_wait_days=organisation.reaction_wait_days if organisation else 14,
        actor_authority_limit=actor.authority_limit,
        actor_is_proposer=actor.user_id is not None and actor.user_id == complaint.proposed_by_id,
        actor_handled_first_stage=(
            actor.user_id is not None and actor.user_id == complaint.first_stage_handler_id
        ),
        referral_concluded=_referral_concluded(complaint),
    )


def _referral_concluded(complaint: Complaint) -> bool:
    latest = ExternalReferral.objects.filter(complaint=complaint).order_by("-id").first()
    return latest is not None and latest.concluded


def _finish(
    complaint: Complaint, transition: Transition, given: dict[str, Any], actor: Actor
) -> None:
    """The event's consequences, written once the guards have allowed it.

    The guards of accept, reject and escalate judge the complaint as it was (already accepted?
    review already held?), so these effects must not be applied before ``decide()`` runs.
    """
    now = clock.now()
    if transition.event is Event.ACKNOWLEDGE:
        complaint.acknowledged_at = now
    elif transition.event in (Event.ACCEPT, Event.REJECT):
        complaint.reaction = (
            Reaction.ACCEPTED if transition.event is Event.ACCEPT else Reaction.REJECTED
        )
        complaint.reaction_at = now
        complaint.reaction_comment = given.get("note", "")
    elif transition.event is Event.ESCALATE:
        complaint.review_round += 1
        # The internal review produces a new decision, which needs a new answer.
        complaint.outcome, complaint.remedy_type, complaint.remedy_amount = "", "", None
        complaint.response_reasons, complaint.approved_by_id, complaint.approved_at = "", None, None
    elif transition.event is Event.CLOSE:
        complaint.closed_at = now
        if complaint.status == Status.REFERRED:
            complaint.closure_code = ClosureCode.EXTERNAL_DECISION
        else:
            complaint.closure_code = {
                Reaction.ACCEPTED.value: ClosureCode.RESOLVED_ACCEPTED,
                Reaction.REJECTED.value: ClosureCode.RECOURSE_EXHAUSTED,
            }.get(complaint.reaction, ClosureCode.NO_REPLY)
    elif transition.event is Event.REOPEN:
        # The earlier closure stays in the timeline and the audit trail; the case is live again.
        complaint.closed_at, complaint.closure_code = None, ""
        complaint.reaction, complaint.reaction_at, complaint.reaction_comment = "", None, ""
        complaint.reopened_count += 1
    elif transition.event is Event.REFER_EXTERNALLY:
        body = ExternalDisputeBody.objects.filter(pk=given["body_id"]).first()
        if body is None:
            raise InvalidInput(
                _("Choose one of the external dispute-resolution bodies."),
                code="invalid_choice",
                field="body_id",
            )
        ExternalReferral.objects.create(
            complaint=complaint,
            body=body,
            referred_on=given["referred_on"],
            their_reference=given.get("their_reference", ""),
            organisation_position=given.get("organisation_position", ""),
            recorded_by_id=actor.user_id,
            created_at=now,
        )
    elif transition.event is Event.MERGE:
        complaint.merged_into = _lock_merge_target(complaint, given["into_reference"])


def _lock_merge_target(complaint: Complaint, reference: str) -> Complaint:
    # Two merges crossing (A into B while B goes into A) would lock the rows in opposite order;
    # not waiting for the second lock turns that deadlock into a clear conflict.
    nowait = connection.features.has_select_for_update_nowait
    try:
        target = (
            Complaint.objects.select_for_update(nowait=nowait)
            .filter(reference=reference)
            .exclude(pk=complaint.pk)
            .first()
        )
    except OperationalError:
        raise Conflict(
            _("The other complaint is being changed at this moment. Try again.")
        ) from None
    if target is None or Status(target.status) in FINAL_STATUSES:
        raise InvalidInput(
            _("Merge into an open complaint other than this one."),
            code="invalid_merge_target",
            field="into_reference",
        )
    return target


def _audit_value(value: Any) -> Any:
    return str(value) if isinstance(value, (Decimal, dt.date)) else value


def transition_complaint(
    *,
    actor: Actor,
    reference: str,
    event: Event | str,
    data: EventData | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Fire ``event`` on the complaint: lock the row, check permission and guards, write, audit.

    Of two conflicting calls exactly one wins: the row lock makes the second wait, and it then
    sees the first one's result — a stale ``expected_version`` or a status from which its event
    is no longer possible.
    """
    try:
        event = Event(event)
    except ValueError:
        raise InvalidInput(
            _("Unknown step “%(event)s”.") % {"event": event}, code="unknown_event"
        ) from None
    given = _validate(event, data or EventData())
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        if expected_version is not None and complaint.version != expected_version:
            raise Conflict(
                _("Someone else changed this complaint a moment ago. Reload it and try again."),
                current_version=complaint.version,
            )
        if not policies.may_fire(actor, event, complaint):
            raise Forbidden(_("You may not take this step on this complaint."), event=event.value)
        from_status = complaint.status
        _apply(complaint, event, given, actor)
        organisation = Organisation.objects.first()
        decision = decide(event, facts_for(complaint, actor, organisation))
        if decision.transition is None:
            raise TransitionNotAllowed(
                str(decision.refusal.message if decision.refusal else ""),
                event=event.value,
                status=from_status,
            )
        if decision.refusal is not None:
            raise GuardFailed(
                str(decision.refusal.message),
                code=decision.refusal.code,
                event=event.value,
                status=from_status,
            )
        transition = decision.transition
        _finish(complaint, transition, given, actor)
        complaint.status = transition.target
        complaint.version += 1
        complaint.save()
        now = clock.now()
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=event.value,
            from_status=from_status,
            to_status=complaint.status,
            public=transition.public,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=given.get("note", ""),
            occurred_at=now,
        )
        # ISO 10002 4.15, 7.3: the stage clocks move with the status, in the same transaction;
        # a reassessment that changes the applicable SLA policy is part of this entry (7.5).
        rechosen = clocks.apply_event(complaint=complaint, event=event, now=now)
        entry: dict[str, Any] = {
            "event": event.value,
            "from": from_status,
            "to": complaint.status,
            "data": {key: _audit_value(value) for key, value in given.items()},
        }
        if rechosen:
            entry["sla_policy_rechosen"] = [
                {"stage": stage, "from": old, "to": new} for stage, old, new in rechosen
            ]
        audit.record(
            action=transition.action,
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data=entry,
            iso_clause=transition.iso_clause,
        )
        if transition.notify:
            # ISO 10002 7.3, 7.4, 7.8: the complainant hears of it; sent after commit.
            notify(complaint=complaint, key=transition.notify, actor=actor)
    return complaint
