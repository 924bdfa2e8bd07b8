"""Email to complainants through a transactional outbox (ISO 10002 7.3, 7.4, 7.8, 7.9, 8.3).

``notify()`` writes the message in the caller's transaction, so an email exists exactly when the
change it reports was committed, and asks for it to be sent after the commit. Sending happens
outside any transaction: a message is first *claimed* (its ``next_attempt_at`` is pushed past a
lease) so that the immediate task and the periodic sweep of several workers never send it twice
at the same time, then handed to the SMTP server, then marked sent. A failed attempt leaves the
message queued with an exponential back-off; nothing is ever deleted, so nothing is lost.
Delivery is at least once: a worker that dies between the SMTP server's "250 OK" and the update
that marks the row sent sends that message again after the lease.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import smtplib
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import translation

from sori.audit import services as audit
from sori.complaints import links
from sori.complaints.models import Complaint, ComplaintEvent, Language
from sori.core import clock
from sori.core.actors import SYSTEM, Actor
from sori.core.models import Organisation
from sori.messaging.models import MessageStatus, OutboundMessage

logger = logging.getLogger("sori.messaging")

# The notification keys of the workflow table, and the ISO 10002 clause each message serves.
ISO_CLAUSES: dict[str, str] = {
    "acknowledgement": "7.4",
    "information_requested": "7.3",
    "decision": "7.8",
    "internal_review_started": "7.9",
    "closed": "7.9",
    "withdrawn": "7.9",
}
MAX_ATTEMPTS = 20
MAX_BACKOFF = dt.timedelta(hours=1)
# Long enough for a whole batch to be handed to a slow SMTP server (BATCH x EMAIL_TIMEOUT).
LEASE = dt.timedelta(minutes=10)
BATCH = 20
DEFAULT_RESPONSE_DAYS = 14


def _org_value(organisation: Organisation | None, *names: str) -> Any:
    """The first configured value among ``names`` (the portal adds these fields to Organisation)."""
    for name in names:
        value = getattr(organisation, name, None)
        if value not in (None, ""):
            return value
    return None


def _external_bodies(language: str) -> list[dict[str, str]]:
    """The configured external dispute-resolution bodies (ISO 10002 7.9), if the model exists."""
    try:
        model = apps.get_model("core", "ExternalDisputeBody")
    except LookupError:
        return []
    bodies = []
    for body in model.objects.filter(active=True).order_by("position", "pk"):
        bodies.append(
            {
                "name": getattr(body, f"name_{language}", "") or getattr(body, "name_ko", ""),
                "url": getattr(body, "url", "") or "",
                "phone": getattr(body, "phone", "") or "",
            }
        )
    return bodies


def message_language(complaint: Complaint) -> str:
    """The complainant's preferred language, else the complaint's language; Korean by default."""
    preferred = complaint.complainant.preferred_language if complaint.complainant else ""
    for language in (preferred, complaint.language):
        if language in Language.values:
            return language
    return Language.KO.value


def _context(complaint: Complaint, key: str, language: str) -> dict[str, Any]:
    organisation = Organisation.objects.first()
    request = (
        ComplaintEvent.objects.filter(complaint=complaint, kind="request_information")
        .order_by("-occurred_at", "-id")
        .first()
        if key == "information_requested"
        else None
    )
    return {
        "reference": complaint.reference,
        "status_url": links.status_url(complaint.reference, language),
        "organisation_name": organisation.name if organisation else "",
        "contact_email": _org_value(organisation, "complaints_email", "contact_email"),
        "contact_phone": _org_value(organisation, "complaints_phone", "contact_phone"),
        "office_hours": _org_value(organisation, f"office_hours_{language}"),
        "response_days": _org_value(organisation, "response_target_days", "response_days")
        or DEFAULT_RESPONSE_DAYS,
        "reaction_wait_days": organisation.reaction_wait_days if organisation else 14,
        "request_note": request.note if request else "",
        "outcome": complaint.get_outcome_display() if complaint.outcome else "",
        "remedy": complaint.get_remedy_type_display() if complaint.remedy_type else "",
        "remedy_amount": complaint.remedy_amount,
        "reasons": complaint.response_reasons,
        "review_round": complaint.review_round,
        "external_bodies": _external_bodies(language),
        "survey": not getattr(complaint, "survey_opt_out", False),
    }


def render(*, complaint: Complaint, key: str, language: str) -> tuple[str, str]:
    """The subject line and plain-text body of message ``key`` in ``language``."""
    if key not in ISO_CLAUSES:
        raise ValueError(f"unknown message template {key!r}")
    with translation.override(language):
        context = _context(complaint, key, language)
        subject = render_to_string(f"messaging/email/{key}.{language}.subject.txt", context)
        body = render_to_string(f"messaging/email/{key}.{language}.txt", context)
    # A header never carries a line break (and Django refuses one).
    return " ".join(str(subject).split()), str(body).strip() + "\n"


_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sori_messages_suppressed", default=False
)


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """No complainant email inside this block: for generated data (the demo), whose addresses
    are fictional and whose events happened in the past."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def notify(*, complaint: Complaint, key: str, actor: Actor) -> None:
    """Queue message ``key`` for the complainant, sent once the caller's transaction commits.

    Anonymous complainants, and those who gave no email address, get nothing by email: they
    follow the complaint with the reference and access code.
    """
    if _suppressed.get():
        return
    complainant = complaint.complainant
    recipient = complainant.email.strip() if complainant else ""
    if not recipient:
        return
    language = message_language(complaint)
    subject, body = render(complaint=complaint, key=key, language=language)
    now = clock.now()
    with transaction.atomic():
        message = OutboundMessage.objects.create(
            complaint=complaint,
            recipient=recipient,
            language=language,
            template=key,
            subject=subject[:300],
            body=body,
            status=MessageStatus.QUEUED,
            next_attempt_at=now,
            created_at=now,
        )
        # No audit entry of its own: a transition writes exactly one, and this row is part of that
        # change. The sending is audited ("sori.message.sent"), with the clause it serves.
        message_id = message.pk
        # robust: a failure to enqueue must not turn a committed complaint into an error page;
        # the message is in the outbox and the sweep sends it.
        transaction.on_commit(lambda: _enqueue(message_id), robust=True)


def _enqueue(message_id: int) -> None:
    from sori.messaging.tasks import send_message

    send_message.enqueue(message_id)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, never more than an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver(message_id: int) -> bool:
    """Send one message now if it is still queued and due; True when the SMTP server took it."""
    now = clock.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status=MessageStatus.QUEUED, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        # Already sent, or being sent by a sweep, or waiting for its next attempt.
        return False
    return _send(message_id)


def _claim_due(limit: int) -> list[int]:
    now = clock.now()
    with transaction.atomic():
        due = OutboundMessage.objects.filter(
            status=MessageStatus.QUEUED, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # Several workers share the outbox: each takes rows the others have not locked.
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            OutboundMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return ids


def send_due_messages(*, batch: int = BATCH) -> int:
    """Send every queued message whose next attempt is due; the number sent.

    Run periodically by ``sori worker`` (and by ``sori send_outbox``). Each message is attempted
    at most once per call: a failure moves its next attempt into the future.
    """
    sent = 0
    while True:
        ids = _claim_due(batch)
        for message_id in ids:
            sent += _send(message_id)
        if len(ids) < batch:
            return sent


def _describe(error: Exception) -> str:
    """What went wrong, without personal data: SMTP replies and refusals can quote the address."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _reply in error.recipients.values()})
        return f"{name} {','.join(codes)}".strip()
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{name} {error.smtp_code}"
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        return f"{name} errno={error.errno} {error.strerror or ''}".strip()
    return name


def _send(message_id: int) -> bool:
    """Hand a claimed message to the SMTP server and record the outcome."""
    message = OutboundMessage.objects.select_related("complaint").get(pk=message_id)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={
            # RFC 3834: tell mail systems not to answer with out-of-office replies.
            "Auto-Submitted": "auto-generated",
            "Content-Language": message.language,
        },
    )
    try:
        email.send(fail_silently=False)
    except Exception as error:  # every failure is retried, then given up on
        _record_failure(message, _describe(error))
        return False
    _record_sent(message)
    return True


def _audit_data(message: OutboundMessage) -> dict[str, Any]:
    return {
        "complaint": message.complaint.reference if message.complaint else None,
        "template": message.template,
        "attempts": message.attempts,
    }


def _record_sent(message: OutboundMessage) -> None:
    with transaction.atomic():
        message.status = MessageStatus.SENT
        message.attempts += 1
        message.sent_at = clock.now()
        message.last_error = ""
        message.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        audit.record(
            action="sori.message.sent",
            actor=SYSTEM,
            object_type="message",
            object_id=str(message.pk),
            data=_audit_data(message),
            iso_clause=ISO_CLAUSES.get(message.template, ""),
        )


def _record_failure(message: OutboundMessage, error: str) -> None:
    with transaction.atomic():
        message.attempts += 1
        message.last_error = error[:300]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED_PERMANENTLY
            audit.record(
                action="sori.message.failed",
                actor=SYSTEM,
                object_type="message",
                object_id=str(message.pk),
                data={**_audit_data(message), "error": message.last_error},
                iso_clause=ISO_CLAUSES.get(message.template, ""),
            )
            logger.error(
                "Message %s gave up after %d attempts: %s", message.pk, message.attempts, error
            )
        else:
            message.next_attempt_at = clock.now() + backoff(message.attempts)
            logger.warning(
                "Message %s not sent (attempt %d, next at %s): %s",
                message.pk,
                message.attempts,
                message.next_attempt_at.isoformat(),
                error,
            )
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
