"""``sori mail poll`` and ``sori worker`` against a real IMAP server (Debian's Dovecot).

ISO 10002 7.2: mail to the complaints mailbox becomes complaints without anyone forwarding it.
A message is flagged seen only after it was committed, so nothing is lost when the poller
stops half-way, and nothing is received twice when it runs again.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from sori.complaints.models import Complaint
from sori.messaging.inbound.imap import poll_mailbox
from sori.messaging.models import Classification, InboundMessage
from tests.integration.cli.conftest import SORI, sori_env

from .conftest import MAILBOX, mail
from .imap_server import DOVECOT, PASSWORD, USER, Dovecot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(not DOVECOT.exists(), reason="Dovecot (dovecot-imapd) is not installed"),
]

KOREAN_ID = "<20261123101227.A81C.minji@example.kr>"
ENGLISH_ID = "<CAF3x9Yh2kQ7=english.plain@mail.example.com>"
GARBAGE = b"X-Garbage: yes\r\n\r\nThis is not an email: it has no sender.\r\n"


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def imap_settings(settings, dovecot: Dovecot, mailbox):
    settings.SORI_IMAP_HOST = "127.0.0.1"
    settings.SORI_IMAP_PORT = dovecot.port
    settings.SORI_IMAP_SSL = False
    settings.SORI_IMAP_USER = USER
    settings.SORI_IMAP_PASSWORD = PASSWORD
    settings.SORI_IMAP_MAILBOX = "INBOX"
    return settings


def poll() -> str:
    out = io.StringIO()
    call_command("mail", "poll", stdout=out)
    return out.getvalue()


def test_unseen_mail_becomes_complaints_and_is_marked_seen_only_once_received(
    dovecot, imap_settings, mailbox
):
    dovecot.append(mail("korean_complaint.eml"))
    dovecot.append(mail("english_complaint.eml"))
    dovecot.append(GARBAGE)
    # Already read by a person in the mailbox: not the poller's to take.
    dovecot.append(
        mail("english_complaint.eml").replace(b"english.plain@", b"read.by.a.person@"), seen=True
    )

    poll()

    assert sorted(Complaint.objects.values_list("subject", flat=True)) == [
        "Double charge on my card for order 88213",
        "택배 파손 및 환불 지연에 대한 불만",
    ]
    assert Complaint.objects.filter(channel="email").count() == 2
    assert len(mailbox.received) == 2  # both acknowledged
    flags = dovecot.flags()
    assert "\\Seen" in flags[KOREAN_ID] and "\\Seen" in flags[ENGLISH_ID]
    # Not an email: kept in the mailbox, flagged for a person, not fetched again and again.
    assert flags["X-Garbage: yes"] == {"\\Seen", "\\Flagged"}
    assert InboundMessage.objects.filter(classification=Classification.NEW).count() == 2

    # Nothing unseen is left: the next poll fetches nothing.
    assert poll_mailbox().fetched == 0
    assert Complaint.objects.count() == 2


def test_a_message_fetched_again_after_a_crash_is_not_received_twice(
    dovecot, imap_settings, mailbox
):
    dovecot.append(mail("korean_complaint.eml"))
    poll()
    # The poller died after the commit but before flagging the message: it is unseen again.
    client = dovecot.client()
    _status, data = client.uid("SEARCH", "ALL")
    client.uid("STORE", data[0].split()[0].decode(), "-FLAGS", "(\\Seen)")
    client.logout()
    assert "\\Seen" not in dovecot.flags()[KOREAN_ID]

    poll()

    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert len(mailbox.received) == 1
    assert "\\Seen" in dovecot.flags()[KOREAN_ID]


def test_a_wrong_password_fails_with_ex_tempfail_and_touches_nothing(
    dovecot, imap_settings, mailbox
):
    imap_settings.SORI_IMAP_PASSWORD = "wrong"
    dovecot.append(mail("english_complaint.eml"))

    with pytest.raises(CommandError) as failed:
        poll()

    assert failed.value.returncode == 75
    assert not Complaint.objects.exists()
    assert "\\Seen" not in dovecot.flags()[ENGLISH_ID]


def test_the_worker_polls_the_mailbox_when_one_is_configured(dovecot, smtp, settings, tmp_path):
    config = apps.get_app_config("messaging")
    settings.SORI_IMAP_HOST = ""
    assert [job[0] for job in config.periodic_jobs()] == ["outbox"]
    settings.SORI_IMAP_HOST = "127.0.0.1"
    assert [job[0] for job in config.periodic_jobs()] == ["outbox", "mail-poll"]
    dovecot.append(mail("english_complaint.eml"))
    secret = tmp_path / "imap-password"
    secret.write_text(PASSWORD + "\n")

    worker = subprocess.run(
        [SORI, "worker", "--batch", "--interval", "0"],
        capture_output=True,
        text=True,
        env={
            **sori_env(),
            "SORI_TASKS_IMMEDIATE": "false",
            "SORI_SMTP_HOST": "127.0.0.1",
            "SORI_SMTP_PORT": str(smtp.port),
            "SORI_MAIL_FROM": MAILBOX,
            "SORI_MAIL_ADDRESS": MAILBOX,
            "SORI_IMAP_HOST": "127.0.0.1",
            "SORI_IMAP_PORT": str(dovecot.port),
            "SORI_IMAP_SSL": "false",
            "SORI_IMAP_USER": USER,
            # A secret from a file, as Docker and systemd credentials provide it.
            "SORI_IMAP_PASSWORD_FILE": str(secret),
        },
        timeout=120,
        check=False,
    )

    assert worker.returncode == 0, worker.stderr
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.subject) == (
        "email",
        "Double charge on my card for order 88213",
    )
    assert "\\Seen" in dovecot.flags()[ENGLISH_ID]
