"""Receiving one email: a new complaint, a reply threaded onto one, or mail no person wrote.

ISO 10002 7.2 (receipt on every channel): an email to the complaints mailbox is a complaint
like one typed into the web form, with its attachments. A reply finds its complaint by an
In-Reply-To/References header naming a message we sent or received, by the plus-address of
our Reply-To, or by the reference in square brackets in the subject — the last two survive a
client (Outlook) that drops the threading headers. The reply joins the complainant's record
only when it comes from the complainant's own address (compared through the blind index);
anything else is an internal note for staff to judge, so that naming a reference is never a
way into someone else's case (4.10).

Bounces mark the message they report on; automatic replies, bounces and loops never become
complaints and are never answered. Every message is recorded once by its Message-ID: the same
message delivered again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints.attachments import MAX_FILES, IncomingFile, check_file
from sori.complaints.models import Channel, Complaint, ContactMethod
from sori.complaints.services.intake import (
    LIMITS,
    ComplainantInput,
    ComplaintInput,
    submit_complaint,
)
from sori.complaints.services.replies import (
    note_refused_mail_attachments,
    record_mail_reply,
    reply_to_request,
)
from sori.complaints.workflow import Status
from sori.core import clock
from sori.core.actors import Actor, ActorKind, complainant_actor
from sori.core.errors import DomainError, Forbidden
from sori.messaging.inbound import classify
from sori.messaging.inbound.parse import ParsedMail, parse
from sori.messaging.inbound.text import language_of, new_part, without_status_links
from sori.messaging.inbound.threads import find_thread, is_complainant
from sori.messaging.models import Classification, InboundMessage, MessageStatus, OutboundMessage
from sori.messaging.services import ISO_CLAUSES, STAFF_CLAUSES
from sori.privacy import keys

logger = logging.getLogger("sori.messaging.inbound")

# Who the audit trail names for what arrives by email (ISO 10002 4.12).
MAIL_GATEWAY = Actor(kind=ActorKind.EMAIL, label="mail gateway")
MAX_DESCRIPTION = LIMITS["description"]


@dataclass(frozen=True)
class Received:
    """What became of one message."""

    message_id: str
    classification: str
    reason: str
    reference: str | None = None
    # The same Message-ID was received before: nothing was done this time.
    duplicate: bool = False
    inbound_id: int | None = None
    refused: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Files:
    kept: list[IncomingFile]
    refused: list[str]


def _check_attachments(mail: ParsedMail) -> _Files:
    """Each file on its own through the portal's checks: a refused one is noted, not fatal."""
    kept: list[IncomingFile] = []
    refused: list[str] = []
    for attachment in mail.attachments:
        incoming = IncomingFile(attachment.name, len(attachment.data), io.BytesIO(attachment.data))
        if len(kept) >= MAX_FILES:
            refused.append(
                _("%(name)s: more than %(max)d files") % {"name": attachment.name, "max": MAX_FILES}
            )
            continue
        try:
            check_file(incoming).close()
        except DomainError as error:
            refused.append(str(error))
            continue
        kept.append(
            IncomingFile(attachment.name, len(attachment.data), io.BytesIO(attachment.data))
        )
    return _Files(kept=kept, refused=refused)


def _sender_index(mail: ParsedMail) -> str:
    return keys.email_index(mail.from_address) if mail.from_address else ""


def _flooding(sender_index: str) -> bool:
    """More new complaints from this sender in the last hour than a person writes: a loop."""
    if not sender_index:
        return False
    since = clock.now() - dt.timedelta(hours=1)
    recent = InboundMessage.objects.filter(
        sender_index=sender_index, classification=Classification.NEW, received_at__gte=since
    ).count()
    return recent >= settings.SORI_MAIL_MAX_NEW_PER_HOUR


def _note(mail: ParsedMail, files: _Files) -> str:
    text = without_status_links(new_part(mail.text))
    if not text and files.kept:
        text = _("(Sent by email with attachments and no text.)")
    return text


# ---------------------------------------------------------------------------------- actions


def _bounce(mail: ParsedMail, row: InboundMessage) -> None:
    """Mark the message the report is about, so staff see it on the outbox page (7.4)."""
    report = mail.report
    ids = list(report.original_message_ids) if report else list(mail.quoted_own_ids)
    if not ids:
        return
    message = (
        OutboundMessage.objects.select_for_update(of=("self",))
        .select_related("complaint")
        .filter(message_id__in=ids)
        .first()
    )
    if message is None:
        return
    row.bounced_message = message
    row.complaint = message.complaint
    permanent = report is None or report.action == "failed"
    if not permanent or message.status == MessageStatus.BOUNCED:
        return
    message.status = MessageStatus.BOUNCED
    message.bounced_at = clock.now()
    message.last_error = f"bounced {report.status if report else ''}".strip()[:300]
    message.save(update_fields=["status", "bounced_at", "last_error"])
    audit.record(
        action="sori.message.bounced",
        actor=MAIL_GATEWAY,
        object_type="message",
        object_id=str(message.pk),
        data={
            "complaint": message.complaint.reference if message.complaint else None,
            "template": message.template,
            "status": report.status if report else "",
        },
        iso_clause={**ISO_CLAUSES, **STAFF_CLAUSES}.get(message.template, "7.4"),
    )


def _new_complaint(mail: ParsedMail, files: _Files, actor: Actor) -> str:
    language = language_of(mail.subject, mail.text)
    address = mail.from_address
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    if len(address) > LIMITS["email"]:
        address = ""  # not an address anyone can be written to; the complaint is kept all the same
    description = mail.text.strip() or mail.subject.strip()
    if not description:
        with translation.override(language):
            description = _("(The email had no text.)")
    receipt = submit_complaint(
        actor=actor,
        data=ComplaintInput(
            description=without_status_links(description)[:MAX_DESCRIPTION],
            channel=Channel.EMAIL,
            language=language,
            subject=mail.subject[: LIMITS["subject"]],
            complainant=ComplainantInput(
                name=mail.from_name[: LIMITS["name"]],
                email=address,
                preferred_contact=ContactMethod.EMAIL if address else ContactMethod.NONE,
                preferred_language=language,
            ),
        ),
        attachments=files.kept,
    )
    return receipt.reference


def _reply(
    mail: ParsedMail, files: _Files, complaint: Complaint, verified: bool, actor: Actor
) -> None:
    reference = complaint.reference
    note = _note(mail, files)
    if verified:
        person = complainant_actor(reference)
        if complaint.status == Status.AWAITING_COMPLAINANT and note:
            try:
                # ISO 10002 7.6: the information asked for resumes the investigation.
                reply_to_request(
                    actor=person, reference=reference, note=note, attachments=files.kept
                )
                return
            except DomainError as error:
                logger.info("Reply to %s recorded as a message: %s", reference, error.code)
        record_mail_reply(
            actor=person, reference=reference, note=note, verified=True, attachments=files.kept
        )
    else:
        record_mail_reply(
            actor=actor, reference=reference, note=note, verified=False, attachments=files.kept
        )


def receive_message(*, actor: Actor, raw: bytes) -> Received:
    """Record one RFC 5322 message and act on it; a message received before is a no-op.

    Raises ``UnparsableMessage`` for input that is not an email. Every other refusal of a
    service is turned into a recorded message (an email cannot be sent back to the form).
    """
    if actor.kind not in (ActorKind.EMAIL, ActorKind.SYSTEM):
        raise Forbidden(_("Only the mail gateway receives email."))
    mail = parse(raw)
    if InboundMessage.objects.filter(message_id=mail.message_id).exists():
        return _duplicate(mail)
    try:
        return _receive(mail, actor)
    except IntegrityError:
        # The same message delivered twice at the same moment: the other delivery committed.
        if InboundMessage.objects.filter(message_id=mail.message_id).exists():
            return _duplicate(mail)
        raise
    except DomainError as error:
        # A refusal will not change if the MTA delivers the message again: record it for
        # staff to handle by hand instead of having the MTA retry it for days.
        return _failed(mail, actor, error)


def _failed(mail: ParsedMail, actor: Actor, error: DomainError) -> Received:
    logger.warning("Mail %s could not be processed: %s", mail.message_id, error.code)
    reason = f"refused:{error.code}"[:40]
    with transaction.atomic():
        row = InboundMessage.objects.create(
            message_id=mail.message_id,
            classification=Classification.FAILED,
            reason=reason,
            sender=mail.from_address,
            sender_index=_sender_index(mail),
            size=mail.size,
            received_at=clock.now(),
        )
        audit.record(
            action="sori.mail.failed",
            actor=actor,
            object_type="inbound_message",
            object_id=str(row.pk),
            data={"classification": Classification.FAILED.value, "reason": reason},
            iso_clause="7.2",
        )
    return Received(
        message_id=mail.message_id,
        classification=Classification.FAILED.value,
        reason=reason,
        inbound_id=row.pk,
    )


def _duplicate(mail: ParsedMail) -> Received:
    row = InboundMessage.objects.select_related("complaint").get(message_id=mail.message_id)
    return Received(
        message_id=mail.message_id,
        classification=row.classification,
        reason=row.reason,
        reference=row.complaint.reference if row.complaint else None,
        duplicate=True,
        inbound_id=row.pk,
    )


def _receive(mail: ParsedMail, actor: Actor) -> Received:
    verdict = classify.automatic(mail)
    sender_index = _sender_index(mail)
    refused: list[str] = []
    with transaction.atomic():
        complaint, how = find_thread(mail)
        if verdict is not None:
            classification, reason = verdict.classification, verdict.reason
        elif complaint is not None:
            verified = is_complainant(complaint, mail.from_address)
            classification = Classification.REPLY if verified else Classification.UNVERIFIED
            reason = how
        elif _flooding(sender_index):
            classification, reason = Classification.LOOP, "too_many_from_sender"
        else:
            classification, reason = Classification.NEW, ""
        row = InboundMessage.objects.create(
            message_id=mail.message_id,
            classification=classification,
            reason=reason,
            # Mail no person wrote is linked for staff to see, never acted on.
            complaint=complaint,
            sender=mail.from_address,
            sender_index=sender_index,
            size=mail.size,
            received_at=clock.now(),
        )
        if classification == Classification.BOUNCE:
            _bounce(mail, row)
        elif classification in (Classification.REPLY, Classification.UNVERIFIED):
            assert complaint is not None
            files = _check_attachments(mail)
            refused = files.refused
            _reply(mail, files, complaint, classification == Classification.REPLY, actor)
            row.attachments_kept = len(files.kept)
        elif classification == Classification.NEW:
            files = _check_attachments(mail)
            refused = files.refused
            reference = _new_complaint(mail, files, actor)
            row.complaint = Complaint.objects.get(reference=reference)
            row.attachments_kept = len(files.kept)
        if refused and row.complaint is not None:
            note_refused_mail_attachments(
                actor=actor, reference=row.complaint.reference, refused=refused
            )
        row.attachments_refused = "\n".join(refused)
        row.save(
            update_fields=[
                "complaint",
                "bounced_message",
                "attachments_kept",
                "attachments_refused",
            ]
        )
        audit.record(
            action="sori.mail.received",
            actor=actor,
            object_type="inbound_message",
            object_id=str(row.pk),
            data={
                "classification": classification.value,
                "reason": reason,
                "complaint": row.complaint.reference if row.complaint else None,
                "attachments_kept": row.attachments_kept,
                "attachments_refused": len(refused),
            },
            iso_clause="7.2",
        )
    logger.info(
        "Mail %s: %s (%s)%s",
        row.pk,
        classification.value,
        reason or "-",
        f" {row.complaint.reference}" if row.complaint else "",
    )
    return Received(
        message_id=mail.message_id,
        classification=classification.value,
        reason=reason,
        reference=row.complaint.reference if row.complaint else None,
        inbound_id=row.pk,
        refused=tuple(refused),
    )
