"""A real SMTP server (aiosmtpd) on 127.0.0.1, and Sori's mail settings pointed at it.

The tests are transactional (``django_db(transaction=True)``): mail is sent only after a commit,
and the test database's usual wrapping transaction never commits.
"""

from __future__ import annotations

import email
import email.policy
import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from string import Template
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server accepted: envelope recipients and the parsed message."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse_recipients: bool = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.refuse_recipients:
            # Real servers quote the address in the refusal: it must not reach the outbox row.
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _rcpt, message in self.received]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> Inbox:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self.inbox

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """An SMTP server on a free loopback port, not yet started; the settings point at it."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "complaints@sori.test"
    settings.SORI_BASE_URL = "https://complaints.sori.test"
    yield server
    server.stop()


@pytest.fixture
def inbox(smtp: SmtpServer) -> Inbox:
    """The running SMTP server's inbox."""
    return smtp.start()


MAILS = Path(__file__).with_name("mails")
MAILBOX = "complaints@sori.test"


def mail(name: str, **values: str) -> bytes:
    """A message from ``mails/`` with its ``${REFERENCE}``-style placeholders filled in.

    The files are real messages as mail clients and servers write them; only what Sori decides
    at run time (the complaint reference, the Message-ID of a message Sori sent) is filled in.
    """
    text = (MAILS / name).read_bytes().decode("ascii")
    return Template(text).safe_substitute(values).encode("ascii")


@pytest.fixture
def mailbox(settings, inbox: Inbox) -> Inbox:
    """The SMTP server running, and Sori configured with its complaints mailbox."""
    settings.SORI_MAIL_ADDRESS = MAILBOX
    settings.DEFAULT_FROM_EMAIL = MAILBOX
    return inbox


def mailgate(raw: bytes) -> str:
    """``sori mailgate`` in this process, with ``raw`` on its standard input; what it printed."""
    out = io.StringIO()
    call_command("mailgate", stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue().strip()
