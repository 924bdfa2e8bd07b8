"""``python -m sori mailgate`` as an MTA runs it: a message on stdin, the answer in the exit status.

0: received or deliberately ignored; 65 (EX_DATAERR): not an email, the MTA returns it;
75 (EX_TEMPFAIL): try again later. ISO 10002 7.2: mail is a channel like the web form.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from sori.complaints.models import Complaint
from sori.messaging.models import Classification, InboundMessage, OutboundMessage
from tests.integration.cli.conftest import sori_env

from .conftest import MAILBOX, mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def mailgate(raw: bytes, *, smtp_port: int, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sori", "mailgate"],
        input=raw,
        capture_output=True,
        env={
            **sori_env(),
            "SORI_SMTP_HOST": "127.0.0.1",
            "SORI_SMTP_PORT": str(smtp_port),
            "SORI_MAIL_FROM": MAILBOX,
            "SORI_MAIL_ADDRESS": MAILBOX,
            "SORI_BASE_URL": "https://complaints.sori.test",
            **env,
        },
        timeout=120,
        check=False,
    )


def test_an_mta_pipe_delivers_a_korean_complaint_once_and_an_auto_reply_changes_nothing(smtp):
    inbox = smtp.start()
    raw = mail("korean_complaint.eml")

    first = mailgate(raw, smtp_port=smtp.port)

    assert first.returncode == 0, first.stderr.decode()
    complaint = Complaint.objects.get()
    assert first.stdout.decode().strip() == f"new {complaint.reference}"
    assert complaint.subject == "택배 파손 및 환불 지연에 대한 불만"
    assert complaint.attachments.get().name == "영수증.pdf"
    [(recipients, acknowledgement)] = inbox.received
    assert recipients == ["minji.kim@example.kr"]
    assert acknowledgement["Reply-To"] == f"complaints+{complaint.reference}@sori.test"

    # The MTA delivers the same message again (it did not see our exit status, say).
    again = mailgate(raw, smtp_port=smtp.port)
    assert again.returncode == 0, again.stderr.decode()
    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1

    ack = OutboundMessage.objects.get()
    vacation = mailgate(
        mail("vacation_reply.eml", REFERENCE=complaint.reference, ACK_MESSAGE_ID=ack.message_id),
        smtp_port=smtp.port,
    )
    assert vacation.returncode == 0, vacation.stderr.decode()
    assert vacation.stdout.decode().strip() == f"auto_reply {complaint.reference}"
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.filter(classification=Classification.AUTO_REPLY).count() == 1
    assert len(inbox.received) == 1  # never answered


def test_input_that_is_not_an_email_exits_65_so_the_mta_returns_it(smtp):
    result = mailgate(b"this is not an email\n", smtp_port=smtp.port)
    assert result.returncode == 65
    assert not InboundMessage.objects.exists()


def test_when_the_database_is_unavailable_it_exits_75_so_the_mta_tries_again(smtp, tmp_path):
    missing = tmp_path / "no-such-directory" / "sori.sqlite3"
    result = mailgate(
        mail("english_complaint.eml"), smtp_port=smtp.port, DATABASE_URL=f"sqlite:///{missing}"
    )
    assert result.returncode == 75, result.stderr.decode()
    assert b"CommandError" in result.stderr
