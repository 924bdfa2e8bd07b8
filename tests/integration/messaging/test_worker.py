"""``sori worker`` sends what the outbox owes once SMTP is back (ISO 10002 7.4: never lost)."""

from __future__ import annotations

import subprocess

import pytest

from sori.core import clock
from sori.messaging.models import MessageStatus, OutboundMessage
from tests.integration.cli.conftest import SORI, sori_env

from .test_outbox import EMAIL, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_worker_sweeps_the_outbox_and_delivers_a_message_held_back_by_an_outage(smtp):
    reference = submit()  # SMTP is down: the acknowledgement waits in the outbox
    row = OutboundMessage.objects.get()
    assert (row.status, row.attempts) == (MessageStatus.QUEUED, 1)
    # Set-up: the back-off has passed.
    OutboundMessage.objects.filter(pk=row.pk).update(next_attempt_at=clock.now())
    inbox = smtp.start()

    worker = subprocess.run(
        [SORI, "worker", "--batch", "--interval", "0"],
        capture_output=True,
        text=True,
        env={
            **sori_env(),
            "SORI_TASKS_IMMEDIATE": "false",
            "SORI_SMTP_HOST": "127.0.0.1",
            "SORI_SMTP_PORT": str(smtp.port),
            "SORI_MAIL_FROM": "complaints@sori.test",
        },
        timeout=120,
        check=False,
    )

    assert worker.returncode == 0, worker.stderr
    [(recipients, message)] = inbox.received
    assert recipients == [EMAIL]
    assert message["From"] == "complaints@sori.test"
    assert reference in message["Subject"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MessageStatus.SENT, 2)
