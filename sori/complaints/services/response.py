"""The response and what follows it: remedies, approval, the complainant's answer, internal review
(ISO 10002 7.7 response, 4.12 authority to approve, 4.7 objectivity, 7.9 the complainant's answer).

Every status change still goes through ``transition_complaint``; these services add what the
step carries beyond the workflow table (the list of remedies, who must be told) in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import StaffProfile
from sori.accounts.services import actor_for_user
from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import (
    Complaint,
    ComplaintEvent,
    ContactMethodUsed,
    ContactRecord,
    Remedy,
    RemedyType,
)
from sori.complaints.services.transitions import EventData, facts_for, transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, GuardFailed, InvalidInput, NotFound
from sori.core.models import Organisation
from sori.messaging.services import notify_staff

MAX_TEXT = 10_000
MAX_REMEDIES = 20
MAX_DETAILS = 500
MAX_AMOUNT = Decimal("1e12")
# The roles the workflow lets approve a response (``policies.EVENT_RULES`` for ``approve``).
APPROVING_ROLES = ("approver", "complaints_manager", "top_management")
# Staff record an answer the complainant gave outside the portal.
REACTION_CHANNELS = (
    ContactMethodUsed.PHONE,
    ContactMethodUsed.LETTER,
    ContactMethodUsed.EMAIL,
    ContactMethodUsed.IN_PERSON,
)


@dataclass(frozen=True)
class RemedyInput:
    """One remedy as proposed: its kind, an optional amount (KRW) and details."""

    kind: str
    amount: Decimal | str | int | None = None
    description: str = ""


def _text(value: str | None, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("“%(field)s” is required.") % {"field": field}, code="required", field=field
        )
    if len(value) > limit:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": field, "max": limit},
            code="too_long",
            field=field,
        )
    return value


def _amount(value: Decimal | str | int | None, index: int) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(
            _("The amount must be a number."), code="invalid_amount", field="amount", index=index
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise InvalidInput(
            _("The amount must be between 0 and 999,999,999,999."),
            code="invalid_amount",
            field="amount",
            index=index,
        )
    return amount.quantize(Decimal("0.01"))


def clean_remedies(remedies: Sequence[RemedyInput]) -> list[RemedyInput]:
    """The remedies checked and normalised; the refusal names the row and field at fault."""
    if not remedies:
        raise InvalidInput(
            _("Give at least one remedy, for example an explanation or an apology."),
            code="remedy_missing",
            field="remedies",
        )
    if len(remedies) > MAX_REMEDIES:
        raise InvalidInput(
            _("Give at most %(max)d remedies.") % {"max": MAX_REMEDIES},
            code="too_many_remedies",
            field="remedies",
        )
    cleaned = []
    for index, remedy in enumerate(remedies):
        if remedy.kind not in RemedyType.values:
            raise InvalidInput(
                _("Choose the kind of remedy."), code="invalid_choice", field="kind", index=index
            )
        amount = _amount(remedy.amount, index)
        description = (remedy.description or "").strip()
        if len(description) > MAX_DETAILS:
            raise InvalidInput(
                _("The details are too long (at most %(max)d characters).") % {"max": MAX_DETAILS},
                code="too_long",
                field="description",
                index=index,
            )
        if remedy.kind == RemedyType.NONE and (amount or len(remedies) > 1):
            raise InvalidInput(
                _("“No remedy” cannot come with an amount or with other remedies."),
                code="invalid_choice",
                field="kind",
                index=index,
            )
        cleaned.append(RemedyInput(kind=remedy.kind, amount=amount, description=description))
    return cleaned


def remedies_total(remedies: Iterable[RemedyInput]) -> Decimal | None:
    """What the remedies cost together; None when none of them has an amount."""
    amounts = [Decimal(str(r.amount)) for r in remedies if r.amount is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def _active_users(ids: Iterable[int | None], *, exclude: int | None) -> list[AbstractBaseUser]:
    wanted = {pk for pk in ids if pk is not None and pk != exclude}
    if not wanted:
        return []
    return list(get_user_model().objects.filter(pk__in=wanted, is_active=True).order_by("pk"))


def approvers_for(complaint: Complaint, amount: Decimal, *, proposer_id: int | None) -> list:
    """Active staff who may approve this response: a role that approves, in scope, and an
    authority limit that covers the amount (ISO 10002 4.12); never the proposer (4.7)."""
    profiles = (
        StaffProfile.objects.select_related("user")
        .filter(role__in=APPROVING_ROLES, authority_limit__gte=amount, user__is_active=True)
        .exclude(user_id=proposer_id or 0)
        .order_by("user_id")
    )
    people = []
    for profile in profiles:
        actor = actor_for_user(profile.user)
        if actor is not None and policies.may_fire(actor, Event.APPROVE, complaint):
            people.append(profile.user)
    return people


def propose_response(
    *,
    actor: Actor,
    reference: str,
    outcome: str,
    reasons: str,
    remedies: Sequence[RemedyInput],
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Propose the response with its remedies (ISO 10002 7.7).

    The complaint keeps the total as ``remedy_amount`` and the first remedy as ``remedy_type``,
    which is what the workflow's approval rule reads (4.12); the remedies themselves are kept
    for this round of handling. When the total is above the proposer's authority limit, the
    staff who may approve it are told.
    """
    reasons = _text(reasons, "reasons", required=True)
    note = _text(note, "note", required=False)
    cleaned = clean_remedies(remedies)
    total = remedies_total(cleaned)
    with transaction.atomic():
        complaint = transition_complaint(
            actor=actor,
            reference=reference,
            event=Event.PROPOSE_RESPONSE,
            data=EventData(
                outcome=outcome,
                reasons=reasons,
                remedy_type=cleaned[0].kind,
                remedy_amount=total,
                note=note,
            ),
            expected_version=expected_version,
        )
        # A proposal replaces any earlier one of the same round (after a reopening); the trail
        # keeps what each proposal said.
        Remedy.objects.filter(complaint=complaint, review_round=complaint.review_round).delete()
        Remedy.objects.bulk_create(
            Remedy(
                complaint=complaint,
                review_round=complaint.review_round,
                kind=remedy.kind,
                amount=remedy.amount,
                description=remedy.description,
                position=position,
            )
            for position, remedy in enumerate(cleaned)
        )
        audit.record(
            action="sori.complaint.remedies_recorded",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={
                "review_round": complaint.review_round,
                "total": str(total) if total is not None else None,
                "remedies": [
                    {
                        "kind": r.kind,
                        "amount": str(r.amount) if r.amount is not None else None,
                        "description": r.description,
                    }
                    for r in cleaned
                ],
            },
            iso_clause="7.7",
        )
        facts = facts_for(complaint, actor, Organisation.objects.first())
        if facts.approval_required and total is not None:
            # ISO 10002 4.12: the people whose authority covers the amount are asked at once.
            notify_staff(
                complaint=complaint,
                recipients=approvers_for(complaint, total, proposer_id=actor.user_id),
                key="approval_requested",
                actor=actor,
                context={"note": note},
            )
    return complaint


def approve_response(
    *, actor: Actor, reference: str, note: str = "", expected_version: int | None = None
) -> Complaint:
    """Approve the proposed response; the workflow refuses the proposer and anyone whose
    authority limit is below the amount (ISO 10002 4.12, 4.7)."""
    note = _text(note, "note", required=False)
    return transition_complaint(
        actor=actor,
        reference=reference,
        event=Event.APPROVE,
        data=EventData(note=note),
        expected_version=expected_version,
    )


def _locked(actor: Actor, reference: str, expected_version: int | None) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
    if complaint is None or not policies.can_read_complaint.test(actor, complaint):
        raise NotFound(_("No complaint with this reference."))
    if expected_version is not None and complaint.version != expected_version:
        raise Conflict(
            _("Someone else changed this complaint a moment ago. Reload it and try again."),
            current_version=complaint.version,
        )
    return complaint


def decline_approval(
    *, actor: Actor, reference: str, reason: str, expected_version: int | None = None
) -> ComplaintEvent:
    """Send the proposal back to its proposer without approving it (ISO 10002 4.12).

    The workflow has no step for this: the proposal stays as it is, an internal note says why it
    was not approved, the trail records it and the proposer is told. Only someone who could have
    approved it may decline it.
    """
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        complaint = _locked(actor, reference, expected_version)
        if not policies.may_fire(actor, Event.APPROVE, complaint):
            raise Forbidden(_("You may not take this step on this complaint."))
        if complaint.status != Status.RESPONSE_PROPOSED:
            raise InvalidInput(
                _("There is no proposed response waiting for approval."),
                code="nothing_to_approve",
            )
        if actor.user_id is not None and actor.user_id == complaint.proposed_by_id:
            raise GuardFailed(
                _("You proposed this response; someone else must decide on it."),
                code="approver_is_proposer",
            )
        amount = complaint.remedy_amount or Decimal(0)
        if amount > (actor.authority_limit or Decimal(0)):
            raise GuardFailed(
                _("The remedy is above your authority limit; ask someone who may."),
                code="above_authority_limit",
            )
        complaint.version += 1
        complaint.save(update_fields=["version", "updated_at"])
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            kind="approval_declined",
            public=False,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=reason,
            occurred_at=clock.now(),
        )
        audit.record(
            action="sori.complaint.approval_declined",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"event": event.pk, "proposed_by": complaint.proposed_by_id},
            iso_clause="4.12",
        )
        notify_staff(
            complaint=complaint,
            recipients=_active_users([complaint.proposed_by_id], exclude=actor.user_id),
            key="approval_declined",
            actor=actor,
            context={"note": reason},
        )
    return event


def record_reaction(
    *,
    actor: Actor,
    reference: str,
    reaction: str,
    received_via: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Record the complainant's answer to the decision, given by phone, letter, email or in
    person (ISO 10002 7.9); the portal lets complainants give it themselves."""
    events = {"accepted": Event.ACCEPT, "rejected": Event.REJECT}
    if reaction not in events:
        raise InvalidInput(
            _("Say whether the complainant accepted or rejected the decision."),
            code="invalid_choice",
            field="reaction",
        )
    if received_via not in REACTION_CHANNELS:
        raise InvalidInput(
            _("Say how the complainant's answer was received."),
            code="invalid_choice",
            field="received_via",
        )
    comment = _text(comment, "comment", required=False)
    if not actor.is_staff or actor.user_id is None:
        raise Forbidden(_("Only staff record the complainant's answer."))
    with transaction.atomic():
        complaint = transition_complaint(
            actor=actor,
            reference=reference,
            event=events[reaction],
            data=EventData(note=comment),
            expected_version=expected_version,
        )
        now = clock.now()
        # How the answer came in is part of the record of contacts with the complainant.
        contact = ContactRecord.objects.create(
            complaint=complaint,
            contacted_at=now,
            method=received_via,
            party=_("complainant"),
            summary=comment
            or (
                _("The complainant accepted the decision.")
                if reaction == "accepted"
                else _("The complainant rejected the decision.")
            ),
            recorded_by_id=actor.user_id,
            recorded_at=now,
        )
        audit.record(
            action="sori.complaint.reaction_recorded",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"reaction": reaction, "received_via": received_via, "contact": contact.pk},
            iso_clause="7.9",
        )
    return complaint


def start_internal_review(
    *, actor: Actor, reference: str, note: str = "", expected_version: int | None = None
) -> Complaint:
    """Start the internal review of a rejected decision (ISO 10002 7.9).

    The complaints managers are told: the review's new decision must come from someone who did
    not handle the first stage (4.7), which the workflow enforces when it is proposed.
    """
    note = _text(note, "note", required=False)
    with transaction.atomic():
        complaint = transition_complaint(
            actor=actor,
            reference=reference,
            event=Event.ESCALATE,
            data=EventData(note=note),
            expected_version=expected_version,
        )
        managers = (
            get_user_model()
            .objects.filter(is_active=True, staff_profile__role="complaints_manager")
            .exclude(pk=actor.user_id or 0)
            .order_by("pk")
        )
        notify_staff(
            complaint=complaint,
            recipients=list(managers),
            key="review_requested",
            actor=actor,
            context={"note": note},
        )
    return complaint
