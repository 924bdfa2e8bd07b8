"""Receiving a complaint on any channel (ISO 10002 7.2) and acknowledging it at once (7.4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import access, policies
from sori.complaints.attachments import IncomingFile
from sori.complaints.models import (
    Category,
    Channel,
    Complainant,
    Complaint,
    ComplaintEvent,
    ContactMethod,
    IdempotencyKey,
    Language,
)
from sori.complaints.services import attachments as attachment_store
from sori.complaints.services.transitions import transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core import clock, references
from sori.core.actors import SYSTEM, Actor, ActorKind
from sori.core.errors import Forbidden, InvalidInput
from sori.privacy import keys
from sori.sla.services import clocks

# Used only before an organisation is configured; the migration creates one with its target.

LIMITS = {
    "subject": 200,
    "description": 20_000,
    "desired_remedy": 5_000,
    "occurred_place": 300,
    "product_or_service": 300,
    "order_reference": 100,
    "on_behalf_of": 200,
    "representative_relationship": 100,
    "assistance_needs": 2_000,
    "name": 200,
    "email": 254,
    "phone": 40,
    "postal_address": 500,
}


@dataclass(frozen=True)
class ComplainantInput:
    name: str = ""
    email: str = ""
    phone: str = ""
    postal_address: str = ""
    preferred_contact: str = ContactMethod.EMAIL
    preferred_language: str | None = None


@dataclass(frozen=True)
class ComplaintInput:
    description: str
    channel: str = Channel.WEB
    language: str = Language.KO
    subject: str = ""
    category: str | None = None
    desired_remedy: str = ""
    occurred_on: dt.date | None = None
    occurred_place: str = ""
    product_or_service: str = ""
    order_reference: str = ""
    on_behalf_of: str = ""
    representative_relationship: str = ""
    assistance_needs: str = ""
    complainant: ComplainantInput | None = None


@dataclass(frozen=True)
class Receipt:
    """What the complainant is given at once: keep the access code, it is shown only this time."""

    reference: str
    access_code: str
    status: str
    received_at: str
    acknowledged_at: str | None
    replayed: bool = False

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("replayed")
        return data


def _check_lengths(values: dict[str, str]) -> None:
    for name, value in values.items():
        limit = LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise InvalidInput(
                _("“%(field)s” is too long: at most %(max)d characters.")
                % {"field": name, "max": limit},
                code="too_long",
                field=name,
            )


def _validate(data: ComplaintInput) -> Category | None:
    if not data.description.strip():
        raise InvalidInput(
            _("Please describe what happened."), code="required", field="description"
        )
    if data.channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), code="invalid_choice", field="channel")
    if data.language not in Language.values:
        raise InvalidInput(_("Choose Korean or English."), code="invalid_choice", field="language")
    texts = {k: v for k, v in asdict(data).items() if isinstance(v, str)}
    _check_lengths(texts)
    if data.on_behalf_of and not data.representative_relationship.strip():
        raise InvalidInput(
            _("When complaining on someone's behalf, say how you are related to them."),
            code="required",
            field="representative_relationship",
        )
    person = data.complainant
    if person is not None:
        _check_lengths({k: v for k, v in asdict(person).items() if isinstance(v, str)})
        if person.email:
            try:
                validate_email(person.email)
            except ValidationError:
                raise InvalidInput(
                    _("Enter a valid email address."),
                    code="invalid_email",
                    field="complainant.email",
                ) from None
        if person.preferred_contact not in ContactMethod.values:
            raise InvalidInput(
                _("Unknown contact method."),
                code="invalid_choice",
                field="complainant.preferred_contact",
            )
        needed = {
            ContactMethod.EMAIL: person.email,
            ContactMethod.PHONE: person.phone,
            ContactMethod.LETTER: person.postal_address,
        }.get(ContactMethod(person.preferred_contact))
        if needed is not None and not needed.strip():
            raise InvalidInput(
                _("Give the contact detail for the contact method you chose."),
                code="contact_missing",
                field=f"complainant.{person.preferred_contact}",
            )
    if data.category is None:
        return None
    category = Category.objects.filter(code=data.category, active=True).first()
    if category is None:
        raise InvalidInput(_("Unknown category."), code="invalid_choice", field="category")
    return category


def fingerprint(data: ComplaintInput) -> str:
    """A digest of the request, to tell a retry from a different request reusing a key."""
    payload = json.dumps(asdict(data), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _replay(key: str, digest: str) -> Receipt | None:
    record = IdempotencyKey.objects.filter(key=key).first()
    if record is None:
        return None
    expiry = dt.timedelta(hours=settings.SORI_IDEMPOTENCY_HOURS)
    if record.created_at + expiry < clock.now():
        record.delete()
        return None
    if record.fingerprint != digest:
        raise InvalidInput(
            _("This Idempotency-Key was already used for a different complaint."),
            code="idempotency_key_reused",
        )
    return Receipt(**json.loads(record.response), replayed=True)


# Anyone may complain through a web form or an integration; a complaint received by phone,
# letter, in person or email is recorded by the staff member (or gateway) who received it.
PUBLIC_CHANNELS = frozenset({Channel.WEB.value, Channel.API.value})


def _check_actor(actor: Actor, data: ComplaintInput) -> None:
    if actor.is_staff and not policies.can_submit_for_others.test(actor, None):
        raise Forbidden(_("Your role may not record complaints."))
    if actor.kind is ActorKind.COMPLAINANT and data.channel not in PUBLIC_CHANNELS:
        raise Forbidden(
            _("Only staff may record a complaint received by phone, letter, in person or email."),
            code="channel_not_allowed",
            field="channel",
        )


def submit_complaint(
    *,
    actor: Actor,
    data: ComplaintInput,
    idempotency_key: str | None = None,
    attachments: Sequence[IncomingFile] = (),
) -> Receipt:
    """Record a complaint with a new reference and access code, and acknowledge it (7.2, 7.4).

    ``attachments`` are checked before anything is written and stored in the same transaction;
    if it rolls back, the stored files are deleted again.
    """
    _check_actor(actor, data)
    category = _validate(data)
    digest = fingerprint(data)
    if idempotency_key is not None and len(idempotency_key) > 200:
        raise InvalidInput(
            _("The Idempotency-Key is too long."), code="too_long", field="Idempotency-Key"
        )
    with attachment_store.batch(attachments) as files:
        try:
            with transaction.atomic():
                if idempotency_key is not None:
                    replayed = _replay(idempotency_key, digest)
                    if replayed is not None:
                        return replayed
                receipt, complaint = _record(actor=actor, data=data, category=category)
                files.store(complaint=complaint, actor=actor, iso_clause="7.2")
                if idempotency_key is not None:
                    IdempotencyKey.objects.create(
                        key=idempotency_key,
                        fingerprint=digest,
                        complaint=complaint,
                        response=json.dumps(receipt.public()),
                        created_at=clock.now(),
                    )
                return receipt
        except IntegrityError:
            # A concurrent retry with the same key committed first: answer as it was answered.
            files.discard()
            if idempotency_key is None:
                raise
            with transaction.atomic():
                replayed = _replay(idempotency_key, digest)
            if replayed is None:
                raise
            return replayed


def _record(
    *, actor: Actor, data: ComplaintInput, category: Category | None
) -> tuple[Receipt, Complaint]:
    now = clock.now()
    complainant = None
    if data.complainant is not None:
        person = data.complainant
        complainant = Complainant.objects.create(
            name=person.name.strip(),
            email=person.email.strip(),
            phone=person.phone.strip(),
            postal_address=person.postal_address.strip(),
            email_index=keys.email_index(person.email) if person.email.strip() else "",
            phone_index=keys.phone_index(person.phone) if person.phone.strip() else "",
            preferred_language=person.preferred_language or data.language,
            preferred_contact=person.preferred_contact,
        )
    reference = references.allocate("C", now.year)
    code = access.new_code()
    complaint = Complaint.objects.create(
        reference=reference,
        access_code_hash=access.code_hash(reference, code),
        channel=data.channel,
        received_at=now,
        received_by_id=actor.user_id if actor.is_staff else None,
        language=data.language,
        complainant=complainant,
        subject=data.subject.strip(),
        description=data.description.strip(),
        occurred_on=data.occurred_on,
        occurred_place=data.occurred_place.strip(),
        product_or_service=data.product_or_service.strip(),
        order_reference=data.order_reference.strip(),
        category=category,
        desired_remedy=data.desired_remedy.strip(),
        on_behalf_of=data.on_behalf_of.strip(),
        representative_relationship=data.representative_relationship.strip(),
        assistance_needs=data.assistance_needs.strip(),
        status=Status.RECEIVED,
        # ISO 10002 5.4: routed to the unit that handles the category.
        unit_id=category.unit_id if category is not None else None,
    )
    # ISO 10002 4.15, 7.3: the stage clocks of the SLA policy start at receipt.
    clocks.start_on_receipt(complaint=complaint)
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind="received",
        to_status=Status.RECEIVED,
        public=True,
        actor=actor.audit_id,
        actor_label=actor.label,
        occurred_at=now,
    )
    audit.record(
        action="sori.complaint.received",
        actor=actor,
        object_type="complaint",
        object_id=reference,
        data={
            "channel": data.channel,
            "language": data.language,
            "category": data.category,
            "anonymous": complainant is None,
            "on_behalf_of_someone": bool(data.on_behalf_of),
        },
        iso_clause="7.2",
    )
    # ISO 10002 7.4: acknowledged at once, by the system, in the same transaction.
    complaint = transition_complaint(actor=SYSTEM, reference=reference, event=Event.ACKNOWLEDGE)
    receipt = Receipt(
        reference=reference,
        access_code=code,
        status=Status(complaint.status).value,
        received_at=complaint.received_at.isoformat(),
        acknowledged_at=complaint.acknowledged_at.isoformat()
        if complaint.acknowledged_at
        else None,
    )
    return receipt, complaint
