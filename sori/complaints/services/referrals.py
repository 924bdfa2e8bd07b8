"""External dispute resolution after the organisation's own process (ISO 10003, ISO 10002 7.9).

The referral itself is recorded by the ``refer_externally`` step of the workflow; what the body
decided, and what the organisation did about it, is recorded here as it becomes known.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import Complaint, ComplaintEvent, ExternalReferral, ReferralOutcome
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound

MAX_TEXT = 10_000


def record_referral_outcome(
    *,
    actor: Actor,
    reference: str,
    outcome: str,
    outcome_on: dt.date | None,
    action_required: bool = False,
    implementation: str = "",
    implemented_on: dt.date | None = None,
    organisation_position: str | None = None,
    their_reference: str | None = None,
) -> ExternalReferral:
    """Update the latest referral of the complaint with the body's outcome and its follow-up."""
    if outcome not in ReferralOutcome.values:
        raise InvalidInput(
            _("“%(value)s” is not a valid %(field)s.") % {"value": outcome, "field": "outcome"},
            code="invalid_choice",
            field="outcome",
        )
    implementation = implementation.strip()
    for name, value in (
        ("implementation", implementation),
        ("organisation_position", organisation_position or ""),
    ):
        if len(value) > MAX_TEXT:
            raise InvalidInput(
                _("“%(field)s” is too long (at most %(max)d characters).")
                % {"field": name, "max": MAX_TEXT},
                code="too_long",
                field=name,
            )
    if outcome != ReferralOutcome.PENDING and outcome_on is None:
        raise InvalidInput(
            _("Give the date the external body's outcome was received."),
            code="required",
            field="outcome_on",
        )
    if implemented_on is not None and not implementation:
        raise InvalidInput(
            _("Say what was done to implement the outcome."),
            code="required",
            field="implementation",
        )
    today = clock.now().date()
    for name, day in (("outcome_on", outcome_on), ("implemented_on", implemented_on)):
        if day is not None and day > today + dt.timedelta(days=1):
            raise InvalidInput(_("This date is in the future."), code="in_future", field=name)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        if not policies.can_assign.test(actor, complaint):
            raise Forbidden(_("You may not record the external body's outcome."))
        referral = ExternalReferral.objects.filter(complaint=complaint).order_by("-id").first()
        if referral is None:
            raise InvalidInput(
                _("This complaint has not been referred to an external body."),
                code="not_referred",
            )
        referral.outcome, referral.outcome_on = outcome, outcome_on
        referral.action_required = action_required
        referral.implementation, referral.implemented_on = implementation, implemented_on
        if organisation_position is not None:
            referral.organisation_position = organisation_position.strip()
        if their_reference is not None:
            referral.their_reference = their_reference.strip()[:100]
        referral.save()
        complaint.version += 1
        complaint.save(update_fields=["version", "updated_at"])
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind="referral_outcome",
            public=True,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=str(ReferralOutcome(outcome).label),
            occurred_at=clock.now(),
        )
        audit.record(
            action="sori.complaint.referral_outcome_recorded",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={
                "referral": referral.pk,
                "outcome": outcome,
                "outcome_on": outcome_on.isoformat() if outcome_on else None,
                "action_required": action_required,
                "implemented_on": implemented_on.isoformat() if implemented_on else None,
            },
            iso_clause="7.9",
        )
    return referral
