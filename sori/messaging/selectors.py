"""Reading the outbox and the inbound mail for staff (ISO 10002 7.2, 7.4; 8.4 evidence).

Neither list shows an address or a subject: those are personal data, and these pages are
about whether mail flows. The complaint link leads to the case, where reading personal data
is logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sori.core.actors import Actor
from sori.core.errors import Forbidden
from sori.messaging import rules
from sori.messaging.models import Classification, InboundMessage, MessageStatus, OutboundMessage
from sori.messaging.services import FAILING

LIST_LIMIT = 200


def _reason_label(code: str) -> str:
    """What the reason codes of ``sori.messaging.inbound`` mean, for the inbound mail page."""
    labels = {
        "in_reply_to": _("threaded by In-Reply-To"),
        "references": _("threaded by References"),
        "plus_address": _("threaded by the reference in the address"),
        "subject_reference": _("threaded by the reference in the subject"),
        "delivery_status_report": _("delivery status report"),
        "null_sender": _("sent from the null sender"),
        "mailer_daemon": _("sent by a mail server"),
        "auto_submitted": _("Auto-Submitted header"),
        "x_autoreply": _("X-Autoreply header"),
        "x_autorespond": _("X-Autorespond header"),
        "x_auto_response_suppress": _("X-Auto-Response-Suppress header"),
        "precedence": _("Precedence header"),
        "out_of_office_subject": _("out-of-office subject"),
        "own_address": _("sent from our own address"),
        "own_message_id": _("one of our own messages"),
        "too_many_from_sender": _("too many new complaints from this sender in an hour"),
    }
    if code.startswith("refused:"):
        return _("refused by Sori (%(code)s): handle it by hand") % {"code": code[8:]}
    return str(labels.get(code, code))


@dataclass(frozen=True)
class FailedMessageView:
    id: int
    reference: str | None
    template: str
    audience: str
    status: str
    status_label: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    bounced_at: dt.datetime | None
    can_retry: bool


@dataclass(frozen=True)
class InboundMessageView:
    id: int
    received_at: dt.datetime
    classification: str
    classification_label: str
    reason: str
    reason_label: str
    reference: str | None
    attachments_kept: int
    attachments_refused: int
    bounced_message_id: int | None


def _check(viewer: Actor) -> None:
    if not rules.can_read_mail.test(viewer):
        raise Forbidden(_("Only the complaints manager, administrators and auditors read mail."))


def failed_messages(viewer: Actor, *, limit: int = LIST_LIMIT) -> list[FailedMessageView]:
    """Messages that keep failing, newest first: given up on, bounced, or queued after 3 tries."""
    _check(viewer)
    can_retry = bool(rules.can_retry_messages.test(viewer))
    rows = (
        OutboundMessage.objects.filter(FAILING)
        .select_related("complaint")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        FailedMessageView(
            id=row.pk,
            reference=row.complaint.reference if row.complaint else None,
            template=row.template,
            audience=row.audience,
            status=row.status,
            status_label=str(MessageStatus(row.status).label),
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at if row.status == MessageStatus.QUEUED else None,
            bounced_at=row.bounced_at,
            can_retry=can_retry,
        )
        for row in rows
    ]


def failed_message_count(viewer: Actor) -> int:
    _check(viewer)
    return OutboundMessage.objects.filter(FAILING).count()


def recent_inbound(
    viewer: Actor, *, classification: str | None = None, limit: int = LIST_LIMIT
) -> list[InboundMessageView]:
    """The latest received emails, newest first, optionally of one classification."""
    _check(viewer)
    rows = InboundMessage.objects.select_related("complaint").order_by("-received_at", "-id")
    if classification in Classification.values:
        rows = rows.filter(classification=classification)
    return [
        InboundMessageView(
            id=row.pk,
            received_at=row.received_at,
            classification=row.classification,
            classification_label=str(Classification(row.classification).label),
            reason=row.reason,
            reason_label=_reason_label(row.reason) if row.reason else "",
            reference=row.complaint.reference if row.complaint else None,
            attachments_kept=row.attachments_kept,
            attachments_refused=len([x for x in row.attachments_refused.splitlines() if x]),
            bounced_message_id=row.bounced_message_id,
        )
        for row in rows[:limit]
    ]
