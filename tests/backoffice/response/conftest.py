"""The response stage's fixtures (staff with email, a configured organisation, complaints under
investigation), and signing staff in on the test client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sori.core.actors import Actor
from tests.integration.messaging.conftest import Inbox, SmtpServer, free_port
from tests.integration.response.conftest import (
    approver,
    handler,
    inbox,
    investigating,
    junior_approver,
    manager,
    organisation,
    smtp,
    staff,
)

__all__ = [
    "approver",
    "handler",
    "inbox",
    "investigating",
    "junior_approver",
    "manager",
    "organisation",
    "smtp",
    "staff",
]


@pytest.fixture
def as_staff(client) -> Callable[[Actor], Client]:
    """The test client signed in as ``actor``."""

    def sign_in(actor: Actor) -> Client:
        client.logout()
        client.force_login(get_user_model().objects.get(pk=actor.user_id))
        return client

    return sign_in


@pytest.fixture
def live_inbox(settings, live_server) -> Iterator[Inbox]:
    """A real SMTP server on a loopback port; Sori mails it, with links to the live server."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "complaints@sori.test"
    settings.SORI_BASE_URL = live_server.url
    received = server.start()
    try:
        yield received
    finally:
        server.stop()
