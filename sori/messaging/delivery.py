"""Handing the outbox to the SMTP server: claim, send, record (ISO 10002 7.4: never lost).

A message is first *claimed* (its ``next_attempt_at`` is pushed past a lease) so that the
immediate task and the periodic sweep of several workers never send it twice at the same time,
then handed to the SMTP server, then marked sent. A failed attempt leaves the message queued
with an exponential back-off; nothing is ever deleted, so nothing is lost. Delivery is at least
once: a worker that dies between the SMTP server's "250 OK" and the update that marks the row
sent sends that message again after the lease.

Every message carries its own fixed Message-ID, the reference in its subject, a Reply-To
plus-address of the complaints mailbox (complainant mail, when one is configured) and the
headers that keep auto-responders from answering it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction

from sori.audit import services as audit
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.messaging import addresses
from sori.messaging.models import Audience, MessageStatus, OutboundMessage
from sori.messaging.rendering import ISO_CLAUSES, STAFF_CLAUSES

logger = logging.getLogger("sori.messaging")

MAX_ATTEMPTS = 20
MAX_BACKOFF = dt.timedelta(hours=1)
# Long enough for a whole batch to be handed to a slow SMTP server (BATCH x EMAIL_TIMEOUT).
LEASE = dt.timedelta(minutes=10)
BATCH = 20


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


def clause(message: OutboundMessage) -> str:
    return ISO_CLAUSES.get(message.template) or STAFF_CLAUSES.get(message.template, "")


def _thread_root(message: OutboundMessage) -> str:
    """The first message we sent the same person about the same complaint: mail clients show
    the later ones as its replies."""
    if message.complaint_id is None:
        return ""
    first = (
        OutboundMessage.objects.filter(
            complaint_id=message.complaint_id,
            audience=message.audience,
            created_at__lte=message.created_at,
        )
        .exclude(pk=message.pk)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
        .first()
    )
    return first or ""


def headers_for(message: OutboundMessage) -> dict[str, str]:
    """The headers that let a reply find its complaint and keep machines from answering."""
    headers = {
        # Fixed when the message was written: every retry is the same message.
        "Message-ID": message.message_id,
        # RFC 3834: this message was generated; auto-responders must not answer it...
        "Auto-Submitted": "auto-generated",
        # ...and Exchange/Outlook must not send out-of-office or read receipts for it.
        "X-Auto-Response-Suppress": "All",
        "Content-Language": message.language,
    }
    root = _thread_root(message)
    if root:
        headers["In-Reply-To"] = root
        headers["References"] = root
    return headers


def _send(message_id: int) -> bool:
    """Hand a claimed message to the SMTP server and record the outcome."""
    message = OutboundMessage.objects.select_related("complaint").get(pk=message_id)
    reply_to = []
    if message.complaint is not None and message.audience == Audience.COMPLAINANT:
        # A reply goes to the complaints mailbox with the reference in its address (7.2).
        plus = addresses.plus_address(message.complaint.reference)
        if plus:
            reply_to.append(plus)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=reply_to,
        headers=headers_for(message),
    )
    try:
        email.send(fail_silently=False)
    except Exception as error:  # every failure is retried, then given up on
        _record_failure(message, _describe(error))
        return False
    _record_sent(message)
    return True


def audit_data(message: OutboundMessage) -> dict[str, Any]:
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
            data=audit_data(message),
            iso_clause=clause(message),
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
                data={**audit_data(message), "error": message.last_error},
                iso_clause=clause(message),
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
