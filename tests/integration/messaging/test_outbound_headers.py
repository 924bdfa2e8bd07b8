"""What every email Sori sends carries so replies find their complaint and machines stay quiet.

ISO 10002 7.2 (a reply is received on the same case), 7.4 (no loops of automatic answers).
Checked on the messages as a real SMTP server (aiosmtpd) received them.
"""

from __future__ import annotations

import re

import pytest

from sori.core import clock
from sori.messaging import services
from sori.messaging.models import OutboundMessage

from .conftest import MAILBOX
from .test_outbox import decide, submit

pytestmark = pytest.mark.django_db(transaction=True)

OWN_MESSAGE_ID = re.compile(r"^<sori\.[0-9a-f]{32}@sori\.test>$")


def test_a_message_keeps_the_message_id_it_was_written_with_through_every_retry(smtp, settings):
    settings.SORI_MAIL_ADDRESS = MAILBOX
    reference = submit()  # SMTP is down: the first attempt fails
    row = OutboundMessage.objects.get()
    assert OWN_MESSAGE_ID.match(row.message_id)

    inbox = smtp.start()
    with clock.frozen_at(row.next_attempt_at):
        assert services.send_due_messages() == 1

    [message] = inbox.messages
    assert message["Message-ID"] == row.message_id
    assert f"[{reference}]" in message["Subject"]
    assert message["Reply-To"] == f"complaints+{reference}@sori.test"
    # RFC 3834 and Exchange: no out-of-office replies, read receipts or other automatic answers.
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["In-Reply-To"] is None  # the first message of the case


def test_without_a_complaints_mailbox_there_is_no_reply_to_and_no_invitation_to_reply(inbox):
    reference = submit(language="en")

    [message] = inbox.messages
    assert message["Reply-To"] is None
    assert message["Subject"] == f"We have received your complaint [{reference}]"
    body = message.get_body(("plain",)).get_content()
    assert "replying" not in body
    # The Message-ID is still ours, on the sender's domain.
    assert OWN_MESSAGE_ID.match(message["Message-ID"])


def test_later_messages_are_threaded_under_the_first_one_of_the_case(mailbox, handler):
    reference = submit()
    decide(handler, reference)

    acknowledgement, decision = mailbox.messages
    assert decision["In-Reply-To"] == acknowledgement["Message-ID"]
    assert decision["References"] == acknowledgement["Message-ID"]
    assert decision["Message-ID"] != acknowledgement["Message-ID"]
    assert f"[{reference}]" in decision["Subject"]
    assert decision["Reply-To"] == f"complaints+{reference}@sori.test"
    body = decision.get_body(("plain",)).get_content()
    assert "회신하시면" in body  # the complainant is told they may reply
    assert len({m.message_id for m in OutboundMessage.objects.all()}) == 2
