"""Email through a transactional outbox: to complainants (ISO 10002 7.3, 7.4, 7.8, 7.9, 8.3)
and to staff (7.5 escalation, 5.4 responsibilities).

``notify()`` and ``notify_staff()`` write each message in the caller's transaction, so an email
exists exactly when the change it reports was committed, and ask for it to be sent after the
commit (``sori.messaging.delivery`` sends and retries it). A message that keeps failing is shown
to staff (``sori.messaging.selectors.failed_messages``) and may be sent again
(``retry_message``).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints.models import Complaint
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.messaging import addresses, rules
from sori.messaging.delivery import (
    BATCH,
    LEASE,
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    audit_data,
    backoff,
    clause,
    deliver,
    headers_for,
    send_due_messages,
)
from sori.messaging.models import Audience, MessageStatus, OutboundMessage
from sori.messaging.rendering import (
    ISO_CLAUSES,
    STAFF_CLAUSES,
    message_language,
    render,
    render_staff,
    staff_language,
    with_reference,
)

__all__ = [
    "BATCH",
    "ISO_CLAUSES",
    "LEASE",
    "MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "STAFF_CLAUSES",
    "backoff",
    "deliver",
    "headers_for",
    "message_language",
    "notify",
    "notify_letter",
    "notify_staff",
    "render",
    "retry_message",
    "send_due_messages",
    "suppressed",
]

# A message still queued after this many attempts is shown to staff as failing (7.4).
FAILING_AFTER = 3


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
    with transaction.atomic():
        _queue(
            complaint=complaint,
            recipient=recipient,
            language=language,
            key=key,
            audience=Audience.COMPLAINANT,
            subject=subject,
            body=body,
        )
        # No audit entry of its own: a transition writes exactly one, and this row is part of that
        # change. The sending is audited ("sori.message.sent"), with the clause it serves.


def _queue(
    *,
    complaint: Complaint,
    recipient: str,
    language: str,
    key: str,
    audience: Audience,
    subject: str,
    body: str,
) -> OutboundMessage:
    """Write one message into the outbox and ask for it to be sent after the commit."""
    now = clock.now()
    message = OutboundMessage.objects.create(
        complaint=complaint,
        recipient=recipient,
        language=language,
        template=key,
        audience=audience,
        message_id=addresses.new_message_id(),
        subject=subject[:300],
        body=body,
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    message_id = message.pk
    # robust: a failure to enqueue must not turn a committed complaint into an error page;
    # the message is in the outbox and the sweep sends it.
    transaction.on_commit(lambda: _enqueue(message_id), robust=True)
    return message


def notify_staff(
    *,
    complaint: Complaint,
    recipients: Iterable[AbstractBaseUser],
    key: str,
    actor: Actor,
    context: dict[str, Any] | None = None,
) -> int:
    """Queue message ``key`` to each staff member in ``recipients`` who has an email address.

    Sent once the caller's transaction commits, in the installation's language; the message
    names the complaint and links to it in the back office, without the complainant's personal
    data. One audit entry records who was told (ISO 10002 7.5: a safety risk reaches the
    complaints manager and top management at once, and that they were told is evidence).
    Returns the number of messages queued.
    """
    if key not in STAFF_CLAUSES:
        raise InvalidInput(
            _("Unknown staff message “%(key)s”.") % {"key": key}, code="unknown_template"
        )
    people: dict[int, str] = {}
    for user in recipients:
        address = str(getattr(user, "email", "") or "").strip()
        if address and user.is_active and user.pk is not None and user.pk not in people:
            people[int(user.pk)] = address
    if _suppressed.get() or not people:
        return 0
    language = staff_language()
    subject, body = render_staff(
        complaint=complaint,
        key=key,
        language=language,
        context={"actor": actor.label, **(context or {})},
    )
    with transaction.atomic():
        for address in people.values():
            _queue(
                complaint=complaint,
                recipient=address,
                language=language,
                key=key,
                audience=Audience.STAFF,
                subject=subject,
                body=body,
            )
        audit.record(
            action="sori.message.staff_notified",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"template": key, "users": sorted(people)},
            iso_clause=STAFF_CLAUSES[key],
        )
    return len(people)


def _enqueue(message_id: int) -> None:
    from sori.messaging.tasks import send_message

    send_message.enqueue(message_id)


def is_failing(message: OutboundMessage) -> bool:
    """Shown to staff: given up on, returned by the receiving side, or still failing (7.4)."""
    return message.status in (MessageStatus.FAILED_PERMANENTLY, MessageStatus.BOUNCED) or (
        message.status == MessageStatus.QUEUED and message.attempts >= FAILING_AFTER
    )


FAILING = Q(status__in=[MessageStatus.FAILED_PERMANENTLY, MessageStatus.BOUNCED]) | Q(
    status=MessageStatus.QUEUED, attempts__gte=FAILING_AFTER
)


def retry_message(*, actor: Actor, message_id: int) -> OutboundMessage:
    """Send a failing message again now (ISO 10002 7.4: the complainant is not left untold).

    For the complaints manager and the administrator, once staff fixed the cause (the SMTP
    settings, or the address with the complainant). A message given up on gets one more
    attempt; if it fails again it is given up on again, and stays on the outbox page.
    """
    if not rules.can_retry_messages.test(actor):
        raise Forbidden(_("Only the complaints manager or an administrator may send mail again."))
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            raise NotFound(_("No such message in the outbox."))
        if not is_failing(message):
            raise InvalidInput(
                _("This message is not failing: there is nothing to send again."),
                code="message_not_failing",
            )
        previous = message.status
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = clock.now()
        message.bounced_at = None
        message.save(update_fields=["status", "next_attempt_at", "bounced_at"])
        audit.record(
            action="sori.message.retried",
            actor=actor,
            object_type="message",
            object_id=str(message.pk),
            data={**audit_data(message), "previous_status": previous},
            iso_clause=clause(message) or "7.4",
        )
        pk = message.pk
        transaction.on_commit(lambda: _enqueue(pk), robust=True)
    return message


# --- The decision letter as the decision email (ISO 10002 7.8) ----------------------------------
# Added for the back office's response feature (``sori.complaints.services.letters``): a handler
# writes the decision letter, and that letter, not the generic ``decision`` template, is the
# email the complainant receives.


def notify_letter(
    *, complaint: Complaint, subject: str, body: str, language: str
) -> OutboundMessage | None:
    """Queue a letter staff wrote as the ``decision`` email, sent once the caller commits.

    None (nothing queued) when the complainant gave no email address, or inside ``suppressed()``.
    """
    if _suppressed.get():
        return None
    complainant = complaint.complainant
    recipient = complainant.email.strip() if complainant else ""
    if not recipient:
        return None
    with transaction.atomic():
        return _queue(
            complaint=complaint,
            recipient=recipient,
            language=language,
            key="decision",
            audience=Audience.COMPLAINANT,
            # The reference in brackets, like every message: a reply finds its complaint by it.
            subject=with_reference(subject, complaint.reference),
            body=body,
        )
