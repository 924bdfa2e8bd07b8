"""Mail that no person wrote: bounces, automatic replies and our own mail coming back.

None of these may become a complaint or be answered (ISO 10002 7.2 receipt is for people; an
acknowledgement sent to an out-of-office reply starts a loop that never ends). What can be
decided from the message alone is decided here; the flood check needs the database and lives
in the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sori.messaging import addresses
from sori.messaging.inbound.parse import ParsedMail
from sori.messaging.models import Classification

AUTOMATIC_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
# Subjects of out-of-office replies from clients that set no header (Outlook among them).
OUT_OF_OFFICE = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (?:the )?office"
    r"|away from (?:the )?office|vacation reply|자동\s*회신|자동\s*응답|부재\s*중|부재중\s*회신"
    r"|abwesenheitsnotiz|réponse automatique|respuesta automática)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    classification: Classification
    reason: str


def _auto_submitted(mail: ParsedMail) -> bool:
    value = mail.header("auto-submitted").split(";")[0].strip().lower()
    return bool(value) and value != "no"


def automatic(mail: ParsedMail) -> Verdict | None:
    """A bounce, an automatic reply or a loop, or None for mail a person sent."""
    if mail.report is not None:
        return Verdict(Classification.BOUNCE, "delivery_status_report")
    # RFC 3834 auto-responders also send from the null sender, so these come before it.
    if _auto_submitted(mail):
        return Verdict(Classification.AUTO_REPLY, "auto_submitted")
    for header, reason in (
        ("x-autoreply", "x_autoreply"),
        ("x-autorespond", "x_autorespond"),
        ("x-auto-response-suppress", "x_auto_response_suppress"),
    ):
        if header in mail.headers:
            return Verdict(Classification.AUTO_REPLY, reason)
    if mail.header("precedence").strip().lower() in AUTOMATIC_PRECEDENCE:
        return Verdict(Classification.AUTO_REPLY, "precedence")
    if OUT_OF_OFFICE.match(mail.subject):
        return Verdict(Classification.AUTO_REPLY, "out_of_office_subject")
    if mail.return_path == "":
        return Verdict(Classification.BOUNCE, "null_sender")
    if mail.from_address.partition("@")[0] in BOUNCE_SENDERS:
        return Verdict(Classification.BOUNCE, "mailer_daemon")
    if addresses.is_own_address(mail.from_address):
        return Verdict(Classification.LOOP, "own_address")
    if addresses.is_own_message_id(mail.message_id):
        return Verdict(Classification.LOOP, "own_message_id")
    return None
