"""The initial assessment and the safety escalation that follows it (ISO 10002 7.5, 5.2).

``assess_complaint`` records the assessment through the workflow (the priority comes from the
configured matrix; a safety risk makes it urgent) and, when the assessment finds a safety risk,
tells every active complaints manager and top-management user at once, in the same transaction:
either both are recorded or neither is.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.audit import services as audit
from sori.complaints.models import Complaint, ComplaintEvent
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import Actor
from sori.messaging.services import notify_staff

User = get_user_model()

# ISO 10002 5.2 (top management's commitment) and 7.5: a safety risk goes to the people who
# answer for the complaints-handling process and can commit resources at once.
ESCALATION_ROLES = (Role.COMPLAINTS_MANAGER.value, Role.TOP_MANAGEMENT.value)


def assess_complaint(
    *, actor: Actor, reference: str, data: EventData, expected_version: int | None = None
) -> Complaint:
    """Record the initial assessment (7.5); escalate at once when it finds a safety risk."""
    with transaction.atomic():
        complaint = transition_complaint(
            actor=actor,
            reference=reference,
            event=Event.ASSESS,
            data=data,
            expected_version=expected_version,
        )
        if complaint.safety_risk:
            escalate_safety_risk(actor=actor, complaint=complaint)
    return complaint


def reassess_complaint(
    *, actor: Actor, reference: str, data: EventData, expected_version: int | None = None
) -> Complaint:
    """Record a new assessment when facts change (7.5); the SLA policy is chosen again.

    A reassessment that newly finds a safety risk escalates as the first assessment would.
    """
    with transaction.atomic():
        had_risk = bool(
            Complaint.objects.filter(reference=reference)
            .values_list("safety_risk", flat=True)
            .first()
        )
        complaint = transition_complaint(
            actor=actor,
            reference=reference,
            event=Event.REASSESS,
            data=data,
            expected_version=expected_version,
        )
        if complaint.safety_risk and not had_risk:
            escalate_safety_risk(actor=actor, complaint=complaint)
    return complaint


def escalate_safety_risk(*, actor: Actor, complaint: Complaint) -> int:
    """Tell every active complaints manager and top-management user; returns how many were told.

    Call inside the transaction that recorded the risk. The messages leave after the commit
    (the outbox); the timeline gets an internal line and the trail an entry naming who was told,
    even when nobody has an email address (that gap is then visible to the auditor).
    """
    recipients = list(
        User.objects.filter(is_active=True, staff_profile__role__in=ESCALATION_ROLES).order_by("pk")
    )
    with transaction.atomic():
        told = notify_staff(
            complaint=complaint,
            recipients=recipients,
            key="safety_escalation",
            actor=actor,
        )
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind="safety_escalated",
            public=False,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=_(
                "Safety risk: the complaints manager and top management were told "
                "(%(count)d people)."
            )
            % {"count": told},
            occurred_at=clock.now(),
        )
        audit.record(
            action="sori.complaint.safety_escalated",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={
                "recipients": [user.pk for user in recipients],
                "emailed": told,
                "roles": list(ESCALATION_ROLES),
                "clauses": ["7.5", "5.2"],
            },
            iso_clause="7.5",
        )
    return told
