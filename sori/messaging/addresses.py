"""Sori's own mail addresses and Message-IDs, shared by outgoing and incoming mail (ISO 10002 7.2).

Replies find their complaint through three things Sori puts on every message it sends: the
reference in square brackets in the subject, a plus-address of the complaints mailbox in
Reply-To (``complaints+C-2026-000123@example.org``) and a Message-ID of its own making.
"""

from __future__ import annotations

import re
import uuid
from email.utils import getaddresses, parseaddr

from django.conf import settings

# A complaint reference as Sori writes it (``sori.core.references``): C-2026-000123.
REFERENCE_PATTERN = r"C-\d{4}-\d{6,}"
REFERENCE = re.compile(rf"^{REFERENCE_PATTERN}$", re.IGNORECASE)
# In a subject, only in square brackets: a complaint that merely mentions another one's
# reference in its text is not a reply to it.
SUBJECT_REFERENCE = re.compile(rf"\[\s*({REFERENCE_PATTERN})\s*\]", re.IGNORECASE)
MESSAGE_ID_PREFIX = "sori."


def address_of(value: str) -> str:
    """The bare, lower-cased address in ``"Name <a@b>"`` or ``a@b`` ('' if there is none)."""
    _name, address = parseaddr(value or "")
    return address.strip().lower() if "@" in address else ""


def mailbox() -> str:
    """The configured complaints mailbox (``SORI_MAIL_ADDRESS``), or ''."""
    return address_of(getattr(settings, "SORI_MAIL_ADDRESS", "") or "")


def _split(address: str) -> tuple[str, str]:
    local, _at, domain = address.rpartition("@")
    return local, domain


def plus_address(reference: str) -> str:
    """``complaints+C-2026-000123@example.org`` for the configured mailbox, or '' without one."""
    box = mailbox()
    if not box:
        return ""
    local, domain = _split(box)
    return f"{local}+{reference}@{domain}"


def reference_in_address(address: str) -> str | None:
    """The reference carried by a plus-address of our mailbox, upper-cased; None otherwise."""
    box = mailbox()
    address = address_of(address)
    if not box or not address:
        return None
    local, domain = _split(address)
    box_local, box_domain = _split(box)
    base, plus, tag = local.partition("+")
    if not plus or base != box_local or domain != box_domain:
        return None
    return tag.upper() if REFERENCE.match(tag) else None


def reference_in_subject(subject: str) -> str | None:
    found = SUBJECT_REFERENCE.search(subject or "")
    return found.group(1).upper() if found else None


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: the mailbox's domain, else the sender's."""
    for candidate in (mailbox(), address_of(settings.DEFAULT_FROM_EMAIL)):
        if candidate:
            return _split(candidate)[1]
    return "localhost"


def new_message_id() -> str:
    """A Message-ID no one else makes: ``<sori.<random>@<our domain>>``."""
    return f"<{MESSAGE_ID_PREFIX}{uuid.uuid4().hex}@{message_id_domain()}>"


def is_own_message_id(message_id: str) -> bool:
    """Whether Sori made this Message-ID (the message is one of ours coming back: a loop).

    The prefix matters: staff of the same organisation write from the same domain, and their
    mail is not a loop.
    """
    value = (message_id or "").strip().strip("<>").lower()
    local, _at, domain = value.rpartition("@")
    return local.startswith(MESSAGE_ID_PREFIX) and domain == message_id_domain()


def own_addresses() -> frozenset[str]:
    """Every address Sori sends from or receives at; mail *from* one of them is a loop."""
    values = [mailbox(), settings.DEFAULT_FROM_EMAIL, getattr(settings, "SERVER_EMAIL", "")]
    found = {address for _name, address in getaddresses([v for v in values if v])}
    return frozenset(a.lower() for a in found if "@" in a)


def is_own_address(address: str) -> bool:
    """Our own address, including any plus-address of our mailbox."""
    address = address_of(address)
    if not address:
        return False
    if address in own_addresses():
        return True
    local, domain = _split(address)
    base = local.partition("+")[0]
    return f"{base}@{domain}" in own_addresses()
