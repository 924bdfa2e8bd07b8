"""Reading complaints, always for a viewer (ISO 10002 7.3 tracking, 4.10 confidentiality).

Every front-end (portal, back office, API, reports) asks these functions, so they can never
disagree on who sees which complaint, which timeline lines and whose contact details.
Complainant look-ups behave the same whether the reference exists or not, so a reference
cannot be confirmed by guessing codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import access, policies, scope, search
from sori.complaints.models import (
    Attachment,
    Complainant,
    Complaint,
    ComplaintEvent,
    SurveyResponse,
)
from sori.complaints.services.transitions import EVENT_FIELDS, REQUIRED_FIELDS, facts_for
from sori.complaints.workflow import EVENT_LABELS, STATUS_LABELS, Event, Status, decide, events_from
from sori.core import lockout
from sori.core.actors import PUBLIC, SYSTEM, Actor, ActorKind, complainant_actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.core.models import Organisation
from sori.privacy import keys
from sori.privacy.services import record_personal_data_view

MAX_PAGE = 100
# Compared against when the reference is unknown, so that case costs the same HMAC as a wrong code.
_NO_HASH = "0" * 64
# Longer than any code we issue; bounded so a huge header cannot make the HMAC expensive.
_MAX_CODE_LENGTH = 64


@dataclass(frozen=True)
class Blocker:
    code: str
    detail: str


@dataclass(frozen=True)
class AvailableEvent:
    event: str
    label: str
    allowed: bool
    blocked_by: Blocker | None
    fields: list[str]
    required: list[str]


@dataclass(frozen=True)
class TransitionOptions:
    reference: str
    status: str
    status_label: str
    version: int
    events: list[AvailableEvent]


@dataclass(frozen=True)
class TimelineItem:
    event: str
    from_status: str
    to_status: str
    occurred_at: dt.datetime
    note: str
    by: str
    public: bool
    actor: str | None = None


@dataclass(frozen=True)
class CategoryView:
    code: str
    label: str


@dataclass(frozen=True)
class DecisionView:
    """The decision as it was communicated to the complainant (ISO 10002 7.8)."""

    outcome: str
    outcome_label: str
    remedy_type: str
    remedy_type_label: str
    remedy_amount: Decimal | None
    reasons: str
    issued_at: dt.datetime | None
    method: str
    external_routes_given: bool
    reaction: str
    reaction_at: dt.datetime | None


@dataclass(frozen=True)
class ContactView:
    name: str
    email: str
    phone: str
    postal_address: str
    preferred_contact: str
    preferred_language: str


@dataclass(frozen=True)
class HandlingView:
    """What staff see beyond the complainant's view: assessment, response, closure."""

    anonymous: bool
    priority: str
    severity: str
    safety_risk: bool | None
    complexity: str
    impact: str
    immediate_action_needed: bool | None
    immediate_action: str
    assessed_at: dt.datetime | None
    assignee: str | None
    unit: str | None
    outcome: str
    remedy_type: str
    remedy_amount: Decimal | None
    response_reasons: str
    approved_at: dt.datetime | None
    decision_method: str
    decision_issued_at: dt.datetime | None
    external_routes_given: bool
    review_round: int
    reaction: str
    reaction_at: dt.datetime | None
    reaction_comment: str
    closure_code: str
    closed_at: dt.datetime | None
    merged_into: str | None
    personal_data_visible: bool


@dataclass(frozen=True)
class ComplaintView:
    view: str  # "complainant" or "staff"
    reference: str
    version: int
    status: str
    status_label: str
    channel: str
    language: str
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None
    subject: str
    description: str
    category: CategoryView | None
    desired_remedy: str
    occurred_on: dt.date | None
    occurred_place: str
    product_or_service: str
    order_reference: str
    representative_relationship: str
    assistance_needs: str
    decision: DecisionView | None
    timeline: list[TimelineItem]
    available_events: list[AvailableEvent]
    handling: HandlingView | None = None
    complainant: ContactView | None = None
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class ComplaintSummary:
    id: int
    reference: str
    status: str
    received_at: dt.datetime
    subject: str
    priority: str


@dataclass(frozen=True)
class ComplaintPage:
    items: list[ComplaintSummary]
    next_after: int | None


def _not_found() -> NotFound:
    # One message for "no such reference" and "wrong code": the answer must not tell them apart.
    return NotFound(_("No complaint matches this reference and access code."))


def complainant_viewer(*, reference: str, access_code: str, client: str | None = None) -> Actor:
    """The complainant actor for ``reference`` once ``access_code`` proves it (ISO 10002 7.3).

    An unknown reference and a wrong code raise the same ``NotFound``, after the same work.
    Repeated wrong codes lock the reference's look-up (``sori.core.lockout``, 4.10): while
    locked even the right code is refused. ``client`` (an address) is counted too when given.
    """
    lockout.check(reference=reference, client=client)
    stored = (
        Complaint.objects.filter(reference=reference)
        .values_list("access_code_hash", flat=True)
        .first()
    )
    code = access_code[:_MAX_CODE_LENGTH]
    # The HMAC is computed even for an unknown reference, so timing does not reveal existence.
    valid = access.matches(reference, code, stored or _NO_HASH)
    if stored is None or not valid or len(access_code) > _MAX_CODE_LENGTH:
        with transaction.atomic():
            failure = lockout.record_failure(reference=reference, client=client)
            audit.record(action="sori.complaint.lookup_failed", actor=PUBLIC,
                         object_type="complaint", object_id=reference[:64],
                         data={"client": client or "", "failures": failure.failures},
                         iso_clause="4.10")  # fmt: skip
            for key in failure.newly_locked:
                audit.record(action="sori.complaint.lookup_locked", actor=SYSTEM,
                             object_type="complaint", object_id=reference[:64],
                             data={"key": key, "until": str(failure.locked_until)},
                             iso_clause="4.10")  # fmt: skip
        raise _not_found()
    lockout.clear(reference=reference)
    return complainant_actor(reference)


def complaint_for(*, viewer: Actor, reference: str) -> Complaint:
    """The complaint ``viewer`` may read, or ``NotFound`` (a forbidden one looks like a missing one)."""
    complaint = (
        Complaint.objects.select_related("category", "assignee", "unit", "merged_into")
        .defer("on_behalf_of", "merged_into__on_behalf_of")
        .filter(reference=reference)
        .first()
    )
    if complaint is None or not policies.can_read_complaint.test(viewer, complaint):
        if viewer.kind is ActorKind.COMPLAINANT:
            raise _not_found()
        raise NotFound(_("No complaint with this reference."))
    return complaint


def available_events(*, viewer: Actor, complaint: Complaint) -> list[AvailableEvent]:
    """The events ``viewer`` may fire from the complaint's status, each checked against its guards.

    ``allowed`` answers on the complaint as it is now: an event that carries the data its guard
    needs (assess, propose_response) shows that guard until the data is sent with it.
    """
    status = Status(complaint.status)
    permitted = [
        event for event in events_from(status) if policies.may_fire(viewer, event, complaint)
    ]
    if not permitted:
        return []
    facts = facts_for(complaint, viewer, Organisation.objects.first())
    options = []
    for event in permitted:
        decision = decide(event, facts)
        refusal = decision.refusal
        options.append(
            AvailableEvent(
                event=event.value,
                label=str(EVENT_LABELS[event]),
                allowed=refusal is None,
                blocked_by=None if refusal is None else Blocker(refusal.code, str(refusal.message)),
                fields=sorted(EVENT_FIELDS[event]),
                required=list(REQUIRED_FIELDS.get(event, ())),
            )
        )
    return options


def transition_options(*, viewer: Actor, reference: str) -> TransitionOptions:
    complaint = complaint_for(viewer=viewer, reference=reference)
    return TransitionOptions(
        reference=complaint.reference,
        status=complaint.status,
        status_label=str(STATUS_LABELS[Status(complaint.status)]),
        version=complaint.version,
        events=available_events(viewer=viewer, complaint=complaint),
    )


def _timeline(events: list[ComplaintEvent], *, full: bool) -> list[TimelineItem]:
    items = []
    for event in events:
        if not (full or event.public):
            continue
        by = (
            "complainant" if event.actor.startswith(ActorKind.COMPLAINANT.value) else "organisation"
        )
        items.append(
            TimelineItem(
                event=event.kind,
                from_status=event.from_status,
                to_status=event.to_status,
                occurred_at=event.occurred_at,
                # Notes on public lines are part of what the complainant is told (7.3).
                note=event.note,
                by=by,
                public=event.public,
                actor=event.actor_label if full else None,
            )
        )
    return items


def _communicated_decision(
    complaint: Complaint, events: list[ComplaintEvent]
) -> DecisionView | None:
    """The decision the complainant was told, never a proposal not yet communicated (7.8)."""
    last_proposal = last_communication = -1
    for position, event in enumerate(events):
        if event.kind == Event.PROPOSE_RESPONSE:
            last_proposal = position
        elif event.kind == Event.COMMUNICATE_DECISION:
            last_communication = position
    if last_communication < last_proposal or last_communication < 0 or not complaint.outcome:
        return None
    return DecisionView(
        outcome=complaint.outcome,
        outcome_label=str(complaint.get_outcome_display()),
        remedy_type=complaint.remedy_type,
        remedy_type_label=str(complaint.get_remedy_type_display()),
        remedy_amount=complaint.remedy_amount,
        reasons=complaint.response_reasons,
        issued_at=complaint.decision_issued_at,
        method=complaint.decision_method,
        external_routes_given=complaint.external_routes_given,
        reaction=complaint.reaction,
        reaction_at=complaint.reaction_at,
    )


def _contact(complaint: Complaint) -> ContactView | None:
    if complaint.complainant_id is None:
        return None
    person = Complainant.objects.get(pk=complaint.complainant_id)
    return ContactView(
        name=person.name,
        email=person.email,
        phone=person.phone,
        postal_address=person.postal_address,
        preferred_contact=person.preferred_contact,
        preferred_language=person.preferred_language,
    )


def _handling(complaint: Complaint, *, personal_data_visible: bool) -> HandlingView:
    return HandlingView(
        anonymous=complaint.complainant_id is None,
        priority=complaint.priority,
        severity=complaint.severity,
        safety_risk=complaint.safety_risk,
        complexity=complaint.complexity,
        impact=complaint.impact,
        immediate_action_needed=complaint.immediate_action_needed,
        immediate_action=complaint.immediate_action,
        assessed_at=complaint.assessed_at,
        assignee=complaint.assignee.get_username() if complaint.assignee else None,
        unit=complaint.unit.code if complaint.unit else None,
        outcome=complaint.outcome,
        remedy_type=complaint.remedy_type,
        remedy_amount=complaint.remedy_amount,
        response_reasons=complaint.response_reasons,
        approved_at=complaint.approved_at,
        decision_method=complaint.decision_method,
        decision_issued_at=complaint.decision_issued_at,
        external_routes_given=complaint.external_routes_given,
        review_round=complaint.review_round,
        reaction=complaint.reaction,
        reaction_at=complaint.reaction_at,
        reaction_comment=complaint.reaction_comment,
        closure_code=complaint.closure_code,
        closed_at=complaint.closed_at,
        merged_into=complaint.merged_into.reference if complaint.merged_into else None,
        personal_data_visible=personal_data_visible,
    )


def complaint_detail(*, viewer: Actor, reference: str) -> ComplaintView:
    """One complaint as ``viewer`` may see it.

    The complainant sees what they wrote, the public timeline, the communicated decision and
    what they may do next. Staff see everything about the handling; contact details only when
    their role needs them, and each time they are shown an audit entry records it (4.10).
    """
    complaint = complaint_for(viewer=viewer, reference=reference)
    full = viewer.kind is not ActorKind.COMPLAINANT
    events = list(complaint.events.all())
    contact: ContactView | None = None
    on_behalf_of: str | None = None
    handling: HandlingView | None = None
    if full:
        personal = viewer.is_staff and bool(policies.can_read_personal_data.test(viewer, complaint))
        if personal:
            contact = _contact(complaint)
            on_behalf_of = complaint.on_behalf_of
            if contact is not None or on_behalf_of:
                record_personal_data_view(actor=viewer, complaint_reference=complaint.reference)
        handling = _handling(complaint, personal_data_visible=personal)
    category = None
    if complaint.category is not None:
        category = CategoryView(code=complaint.category.code, label=complaint.category.label)
    return ComplaintView(
        view="staff" if full else "complainant",
        reference=complaint.reference,
        version=complaint.version,
        status=complaint.status,
        status_label=str(STATUS_LABELS[Status(complaint.status)]),
        channel=complaint.channel,
        language=complaint.language,
        received_at=complaint.received_at,
        acknowledged_at=complaint.acknowledged_at,
        subject=complaint.subject,
        description=complaint.description,
        category=category,
        desired_remedy=complaint.desired_remedy,
        occurred_on=complaint.occurred_on,
        occurred_place=complaint.occurred_place,
        product_or_service=complaint.product_or_service,
        order_reference=complaint.order_reference,
        representative_relationship=complaint.representative_relationship,
        assistance_needs=complaint.assistance_needs,
        decision=_communicated_decision(complaint, events),
        timeline=_timeline(events, full=full),
        available_events=available_events(viewer=viewer, complaint=complaint),
        handling=handling,
        complainant=contact,
        on_behalf_of=on_behalf_of,
    )


def complaint_page(
    *,
    viewer: Actor,
    after: int | None = None,
    limit: int = 50,
    status: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    q: str | None = None,
) -> ComplaintPage:
    """Staff listing, newest first, keyset-paginated by id; no personal data in the rows.

    Finding complaints by email or phone goes through the blind index (the data stays encrypted)
    and is open only to roles that may read contact details (4.10).
    """
    if not viewer.is_staff or not policies.can_read_complaint.test(viewer, None):
        raise Forbidden(_("Only staff may list complaints."))
    if (email or phone) and not policies.can_read_personal_data.test(viewer, None):
        raise Forbidden(_("Your role may not look complaints up by contact details."))
    # ISO 10002 4.10: the same scope rule as the queue and the workspace.
    queryset = Complaint.objects.filter(scope.visible(viewer)).order_by("-id")
    if status:
        if status not in {member.value for member in Status}:
            raise InvalidInput(_("Unknown status “%(status)s”.") % {"status": status},
                               code="invalid_choice", field="status")  # fmt: skip
        queryset = queryset.filter(status=status)
    if email:
        queryset = queryset.filter(complainant__email_index=keys.email_index(email))
    if phone:
        queryset = queryset.filter(complainant__phone_index=keys.phone_index(phone))
    if q:
        # ISO 10002 7.3: the queue's keyword search, inside the same scope.
        queryset = search.matching(queryset, q)
    if after is not None:
        queryset = queryset.filter(id__lt=after)
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(
        queryset.values_list("id", "reference", "status", "received_at", "subject", "priority")[
            : limit + 1
        ]
    )
    items = [ComplaintSummary(*row) for row in rows[:limit]]
    return ComplaintPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


# ---------------------------------------------------------------- attachments and survey


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime
    by: str  # "complainant" or "organisation"
    public: bool


class AttachmentFile(NamedTuple):
    name: str
    content_type: str
    file: File


@dataclass(frozen=True)
class SurveyState:
    """Whether to invite the complainant to the satisfaction survey (ISO 10002 8.3)."""

    closed: bool
    answered: bool
    opted_out: bool

    @property
    def invite(self) -> bool:
        return self.closed and not self.answered and not self.opted_out


def _visible_attachments(viewer: Actor, complaint: Complaint) -> QuerySet[Attachment]:
    queryset = Attachment.objects.filter(complaint=complaint)
    if viewer.kind is ActorKind.COMPLAINANT:
        # The complainant sees what they sent and what staff chose to share (7.3), not the
        # organisation's working papers.
        queryset = queryset.filter(public=True)
    return queryset


def attachments_for(viewer: Actor, reference: str) -> list[AttachmentView]:
    """The attachments of a complaint ``viewer`` may read, oldest first (no file content)."""
    complaint = complaint_for(viewer=viewer, reference=reference)
    return [
        AttachmentView(
            id=item.pk,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            created_at=item.created_at,
            by="complainant"
            if item.uploaded_by.startswith(ActorKind.COMPLAINANT.value)
            else "organisation",
            public=item.public,
        )
        for item in _visible_attachments(viewer, complaint).order_by("created_at", "id")
    ]


def attachment_file(viewer: Actor, reference: str, attachment_id: int) -> AttachmentFile:
    """One attachment's name, type and open file, or ``NotFound`` for anyone not allowed.

    A file of another complaint, a staff-only file asked for by the complainant and a missing
    one all give the same answer. Each staff reading is logged like personal data (4.10): a
    file sent by the complainant may well hold it.
    """
    complaint = complaint_for(viewer=viewer, reference=reference)
    item = _visible_attachments(viewer, complaint).filter(pk=attachment_id).first()
    if item is None:
        raise NotFound(_("No such attachment."))
    handle = default_storage.open(item.storage_name, "rb")
    if viewer.kind is not ActorKind.COMPLAINANT:
        with transaction.atomic():
            audit.record(
                action="sori.attachment.viewed",
                actor=viewer,
                object_type="complaint",
                object_id=complaint.reference,
                data={"attachment": item.pk, "name": item.name, "role": viewer.role},
                iso_clause="4.10",
            )
    return AttachmentFile(name=item.name, content_type=item.content_type, file=handle)


def survey_state(viewer: Actor, reference: str) -> SurveyState:
    """Closed, answered, declined: the front-end shows the invitation when ``invite`` is true."""
    complaint = complaint_for(viewer=viewer, reference=reference)
    return SurveyState(
        closed=complaint.status == Status.CLOSED,
        answered=SurveyResponse.objects.filter(complaint=complaint).exists(),
        opted_out=complaint.survey_opt_out,
    )
