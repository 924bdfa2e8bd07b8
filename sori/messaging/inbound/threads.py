"""Which complaint an email answers, and whether its sender is that complaint's complainant.

ISO 10002 7.2: a reply is found by an In-Reply-To/References header naming a message we sent
or received, by the plus-address of our Reply-To, or by the reference in square brackets in the
subject; the last two survive a client (Outlook) that drops the threading headers. 4.10: the
sender is compared to the complainant's address through the blind index, never by decrypting
every complainant.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from sori.complaints.models import Complaint
from sori.messaging import addresses
from sori.messaging.inbound.parse import ParsedMail
from sori.messaging.models import InboundMessage, OutboundMessage
from sori.privacy import keys

MAX_MERGE_HOPS = 10


def _follow_merges(complaint: Complaint) -> Complaint:
    """A merged complaint continues in the one it was merged into (its history stays put)."""
    for _hop in range(MAX_MERGE_HOPS):
        if complaint.merged_into_id is None:
            break
        complaint = Complaint.objects.select_related("complainant").get(pk=complaint.merged_into_id)
    return complaint


def _by_message_ids(ids: Iterable[str]) -> Complaint | None:
    ids = [i for i in ids if i]
    if not ids:
        return None
    for model in (OutboundMessage, InboundMessage):
        found = (
            model.objects.filter(message_id__in=ids, complaint__isnull=False)
            .select_related("complaint__complainant")
            .order_by("-pk")
            .first()
        )
        if found is not None and found.complaint is not None:
            return found.complaint
    return None


def _by_reference(reference: str | None) -> Complaint | None:
    if not reference:
        return None
    return Complaint.objects.select_related("complainant").filter(reference=reference).first()


def find_thread(mail: ParsedMail) -> tuple[Complaint | None, str]:
    """The complaint a message answers, and how it was found ('' when it answers none)."""
    candidates: list[tuple[str, Complaint | None]] = [
        ("in_reply_to", _by_message_ids(mail.in_reply_to)),
    ]
    if candidates[-1][1] is None:
        candidates.append(("references", _by_message_ids(reversed(mail.references))))
    if candidates[-1][1] is None:
        for recipient in mail.recipients:
            complaint = _by_reference(addresses.reference_in_address(recipient))
            if complaint is not None:
                candidates.append(("plus_address", complaint))
                break
    if candidates[-1][1] is None:
        candidates.append(
            ("subject_reference", _by_reference(addresses.reference_in_subject(mail.subject)))
        )
    how, complaint = candidates[-1]
    if complaint is None:
        return None, ""
    return _follow_merges(complaint), how


def is_complainant(complaint: Complaint, address: str) -> bool:
    person = complaint.complainant
    if person is None or not person.email_index or not address:
        return False
    return hmac.compare_digest(person.email_index, keys.email_index(address))
