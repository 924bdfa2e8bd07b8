"""Fetching the complaints mailbox over IMAP (``sori mail poll``; ``sori worker`` on a timer).

Each unseen message is fetched without marking it (``BODY.PEEK[]``), received (one committed
transaction) and only then flagged ``\\Seen``: a crash in between leaves it unseen, the next
poll fetches it again, and the Message-ID makes the second receipt a no-op. Input that is not
an email is flagged seen and ``\\Flagged`` for a person to look at, so it is not fetched forever.
A temporary failure (the database is down) leaves the message unseen for the next poll.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from sori.core.actors import Actor
from sori.core.errors import DomainError
from sori.messaging.inbound.parse import UnparsableMessage
from sori.messaging.inbound.services import MAIL_GATEWAY, receive_message

logger = logging.getLogger("sori.messaging.imap")

TIMEOUT = 30


class MailboxError(DomainError):
    """The IMAP server could not be reached or refused us (the poll is retried later)."""

    code = "mailbox_unavailable"
    status = 503


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    use_ssl: bool = True

    @classmethod
    def from_settings(cls) -> ImapSettings | None:
        """The configured mailbox, or None when ``SORI_IMAP_HOST`` is not set."""
        if not settings.SORI_IMAP_HOST:
            return None
        return cls(
            host=settings.SORI_IMAP_HOST,
            port=settings.SORI_IMAP_PORT,
            user=settings.SORI_IMAP_USER,
            password=settings.SORI_IMAP_PASSWORD,
            mailbox=settings.SORI_IMAP_MAILBOX,
            use_ssl=settings.SORI_IMAP_SSL,
        )


@dataclass
class PollResult:
    fetched: int = 0
    received: int = 0
    duplicates: int = 0
    unparsable: int = 0
    failed: int = 0
    classifications: dict[str, int] = field(default_factory=dict)


def _connect(config: ImapSettings) -> imaplib.IMAP4:
    try:
        if config.use_ssl:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
            )
        else:
            client = imaplib.IMAP4(config.host, config.port, timeout=TIMEOUT)
        client.login(config.user, config.password)
        status, _data = client.select(_quoted(config.mailbox))
        if status != "OK":
            raise MailboxError(
                _("The mailbox %(mailbox)s cannot be opened.") % {"mailbox": config.mailbox}
            )
    except (OSError, imaplib.IMAP4.error) as error:
        # The server's reply may echo the user name, never the password.
        raise MailboxError(
            _("The IMAP server %(host)s:%(port)d refused or failed: %(error)s")
            % {"host": config.host, "port": config.port, "error": type(error).__name__}
        ) from error
    return client


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, data = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _flag(client: imaplib.IMAP4, uid: bytes, flags: str) -> None:
    client.uid("STORE", uid.decode(), "+FLAGS.SILENT", flags)


_UIDS = re.compile(rb"\d+")


def poll_mailbox(
    *, actor: Actor = MAIL_GATEWAY, config: ImapSettings | None = None, limit: int = 200
) -> PollResult:
    """Receive every unseen message in the mailbox (at most ``limit`` per call)."""
    config = config or ImapSettings.from_settings()
    if config is None:
        raise MailboxError(_("No IMAP mailbox is configured (SORI_IMAP_HOST)."))
    result = PollResult()
    client = _connect(config)
    try:
        status, data = client.uid("SEARCH", "UNSEEN")
        if status != "OK":
            raise MailboxError(_("The IMAP server refused to search the mailbox."))
        uids = _UIDS.findall(b" ".join(d for d in data if isinstance(d, bytes)))[:limit]
        for uid in uids:
            raw = _fetch(client, uid)
            if raw is None:
                result.failed += 1
                continue
            result.fetched += 1
            try:
                received = receive_message(actor=actor, raw=raw)
            except UnparsableMessage:
                logger.warning("IMAP message %s is not an email; flagged for a person", uid)
                result.unparsable += 1
                _flag(client, uid, "(\\Seen \\Flagged)")
                continue
            except Exception:
                # Temporary (the database went away…): left unseen for the next poll.
                logger.exception("IMAP message %s could not be received; will retry", uid)
                result.failed += 1
                continue
            # Only now that the message is committed is it marked as read.
            _flag(client, uid, "(\\Seen)")
            if received.duplicate:
                result.duplicates += 1
            else:
                result.received += 1
                result.classifications[received.classification] = (
                    result.classifications.get(received.classification, 0) + 1
                )
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return result


def poll_if_configured() -> PollResult | None:
    """The periodic job of ``sori worker``: poll when a mailbox is configured."""
    if ImapSettings.from_settings() is None:
        return None
    return poll_mailbox()
