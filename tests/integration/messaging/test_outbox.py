"""Emails to complainants through the outbox and a real SMTP server (ISO 10002 7.3, 7.4, 7.8, 8.3).

Every test here commits (``transaction=True``) because mail leaves only after the commit.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction

from sori.audit.models import AuditEntry
from sori.complaints import links
from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import SYSTEM, complainant_actor
from sori.core.models import Organisation
from sori.messaging import services
from sori.messaging.models import MessageStatus, OutboundMessage
from sori.messaging.rendering import deadline_date, format_date
from sori.sla.models import SlaPolicy, Timer
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, response
from tests.support.sla import RECEIVED, sla_policy

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "minji@example.kr"
LINK = re.compile(r"https://complaints\.sori\.test/(ko|en)/complaints/status/t/([^/\s]+)/")


def submit(*, email: str = EMAIL, language: str = "ko", preferred: str | None = None) -> str:
    person = ComplainantInput(name="김민지", email=email, preferred_language=preferred)
    receipt = submit_complaint(
        actor=SYSTEM,
        data=ComplaintInput(
            description="택배가 2주째 도착하지 않았습니다.", language=language, complainant=person
        ),
    )
    return receipt.reference


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(text: str) -> tuple[str, str]:
    """The language and the reference of the one signed status link in an email."""
    found = LINK.findall(text)
    assert len(found) == 1, text
    language, token = found[0]
    reference = links.reference_for_token(token)
    assert reference is not None
    return language, reference


def decide(handler, reference: str) -> None:
    for event, data in (
        (Event.ASSESS, COMPLETE_ASSESSMENT),
        (Event.START_INVESTIGATION, {}),
        (Event.PROPOSE_RESPONSE, response()),
        (Event.COMMUNICATE_DECISION, {"method": "email"}),
    ):
        transition_complaint(
            actor=handler, reference=reference, event=event, data=EventData(**data)
        )


def test_a_complaint_with_an_email_gets_a_korean_acknowledgement_with_reference_and_link(inbox):
    sla_policy()
    Organisation.objects.create(
        name_ko="소리 상사",
        name_en="Sori Trading",
        complaints_email="voc@sori.test",
        complaints_phone="02-123-4567",
        response_target_days=10,
    )
    receipt = submit_complaint(
        actor=SYSTEM,
        data=ComplaintInput(
            description="환불이 되지 않았습니다.", complainant=ComplainantInput(email=EMAIL)
        ),
    )
    reference = receipt.reference

    # ISO 10002 7.4: delivered once the complaint committed, in Korean (the default language).
    [(recipients, message)] = inbox.received
    assert recipients == [EMAIL]
    assert message["From"] == "complaints@sori.test"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "접수 통지" in message["Subject"] and reference in message["Subject"]
    body = body_of(message)
    assert f"접수번호: {reference}" in body
    assert "초기평가" in body and "조사" in body  # what happens next
    # The expected decision date from the SLA policy's decision deadline (ISO 10002 7.3, 7.4).
    decision = Timer.objects.get(complaint__reference=reference, stage="decision")
    expected = format_date(deadline_date(decision.due_at), "ko")
    assert f"{expected}까지 결정사항을 통보해 드리겠습니다" in body
    assert "voc@sori.test" in body and "02-123-4567" in body  # a contact point
    assert link_in(body) == ("ko", reference)
    # The access code is never sent by email.
    assert receipt.access_code not in body

    row = OutboundMessage.objects.get()
    assert (row.status, row.attempts, row.template, row.language) == (
        MessageStatus.SENT,
        1,
        "acknowledgement",
        "ko",
    )
    assert row.sent_at is not None and row.complaint is not None
    assert row.complaint.reference == reference
    # Queuing rides on the transition's own audit entry; the sending has one of its own.
    assert not AuditEntry.objects.filter(action="sori.message.queued").exists()
    sent = AuditEntry.objects.get(action="sori.message.sent")
    assert sent.iso_clause == "7.4"
    assert sent.object_id == str(row.pk)
    assert sent.data["complaint"] == reference
    assert EMAIL not in str(sent.data)


def test_the_recipient_is_encrypted_at_rest(inbox):
    submit()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient FROM messaging_outboundmessage")
        [(stored,)] = cursor.fetchall()
    assert EMAIL not in stored
    assert OutboundMessage.objects.get().recipient == EMAIL


def test_without_a_decision_deadline_the_acknowledgement_gives_fourteen_days(inbox):
    # No SLA policy in use and no organisation: the published default target.
    SlaPolicy.objects.update(active=False)
    submit()
    assert "접수일로부터 14일 이내에 결정사항을 통보해" in body_of(inbox.messages[0])


@pytest.mark.parametrize(
    ("language", "preferred"), [("en", None), ("ko", "en")], ids=["complaint", "preference"]
)
def test_an_english_complainant_gets_english(inbox, language, preferred):
    sla_policy()
    with clock.frozen_at(RECEIVED):
        reference = submit(language=language, preferred=preferred)

    [message] = inbox.messages
    assert message["Subject"] == f"We have received your complaint [{reference}]"
    assert message["Content-Language"] == "en"
    body = body_of(message)
    assert f"Reference: {reference}" in body
    # Ten business days after Monday 10 March 2025 (the test policy): Monday 24 March.
    assert "We will give you our decision by Monday 24 March 2025." in body
    assert "접수" not in body
    assert link_in(body) == ("en", reference)


def test_an_anonymous_complaint_or_one_without_an_email_sends_nothing(inbox):
    submit_complaint(actor=SYSTEM, data=ComplaintInput(description="익명 불만입니다."))
    submit_complaint(
        actor=SYSTEM,
        data=ComplaintInput(
            description="전화로 연락 주세요.",
            complainant=ComplainantInput(phone="010-1234-5678", preferred_contact="phone"),
        ),
    )

    assert not OutboundMessage.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="sori.message.").exists()
    assert inbox.received == []


def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(inbox):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        submit()
        assert OutboundMessage.objects.count() == 1  # written with the complaint...
        raise Abort

    assert not OutboundMessage.objects.exists()  # ...and undone with it
    assert inbox.received == []


def test_while_smtp_is_down_the_message_waits_and_a_later_sweep_delivers_it_exactly_once(smtp):
    before = clock.now()
    reference = submit()

    row = OutboundMessage.objects.get()
    assert (row.status, row.attempts) == (MessageStatus.QUEUED, 1)
    assert "ConnectionRefusedError" in row.last_error
    assert EMAIL not in row.last_error
    # ISO 10002 7.4 "never lost": retried after a minute, not dropped.
    assert before + dt.timedelta(minutes=1) <= row.next_attempt_at
    assert row.next_attempt_at <= clock.now() + dt.timedelta(minutes=1)
    assert services.send_due_messages() == 0  # not due yet

    inbox = smtp.start()
    assert services.send_due_messages() == 0  # still not due: the back-off holds
    assert inbox.received == []
    with clock.frozen_at(row.next_attempt_at + dt.timedelta(seconds=1)):
        assert services.send_due_messages() == 1
        assert services.send_due_messages() == 0
        assert services.deliver(row.pk) is False

    [message] = inbox.messages
    assert reference in message["Subject"]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 2, "")
    assert AuditEntry.objects.filter(action="sori.message.sent").count() == 1


def test_each_failure_doubles_the_wait_up_to_an_hour():
    waits = [services.backoff(n) for n in range(1, 10)]
    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_after_the_last_attempt_the_message_is_kept_as_failed_and_audited(smtp):
    submit()
    row = OutboundMessage.objects.get()
    # Set-up: the message has already failed all but one of its attempts.
    OutboundMessage.objects.filter(pk=row.pk).update(
        attempts=services.MAX_ATTEMPTS - 1, next_attempt_at=clock.now()
    )

    assert services.send_due_messages() == 0

    row.refresh_from_db()
    assert (row.status, row.attempts) == (MessageStatus.FAILED_PERMANENTLY, services.MAX_ATTEMPTS)
    entry = AuditEntry.objects.get(action="sori.message.failed")
    assert entry.object_id == str(row.pk) and entry.iso_clause == "7.4"
    # A failed message is kept (evidence), and no sweep tries it again.
    with clock.frozen_at(clock.now() + dt.timedelta(days=1)):
        assert services.send_due_messages() == 0


def test_a_refusal_quoting_the_address_is_recorded_without_it(inbox):
    inbox.refuse_recipients = True
    submit()

    row = OutboundMessage.objects.get()
    assert row.status == MessageStatus.QUEUED
    assert row.last_error == "SMTPRecipientsRefused 550"
    assert inbox.received == []


def test_the_decision_email_gives_the_decision_how_to_answer_and_the_routes(inbox, handler):
    reference = submit()
    decide(handler, reference)

    assert len(inbox.messages) == 2
    message = inbox.messages[-1]
    assert "결정사항 통보" in message["Subject"] and reference in message["Subject"]
    body = body_of(message)
    assert "배송 지연이 확인되었습니다." in body  # the reasons
    assert "수락" in body and "거부" in body  # how to accept or reject
    assert "내부 재검토" in body and "외부 분쟁 해결 기관" in body  # 7.9 recourse
    assert link_in(body) == ("ko", reference)
    row = OutboundMessage.objects.get(template="decision")
    assert row.status == MessageStatus.SENT
    assert AuditEntry.objects.get(action="sori.message.sent", object_id=str(row.pk)).iso_clause == (
        "7.8"
    )


def test_a_request_for_information_says_what_is_needed(inbox, handler):
    reference = submit(language="en")
    for event, data in (
        (Event.ASSESS, COMPLETE_ASSESSMENT),
        (Event.START_INVESTIGATION, {}),
        (Event.REQUEST_INFORMATION, {"note": "Please send the delivery receipt."}),
    ):
        transition_complaint(
            actor=handler, reference=reference, event=event, data=EventData(**data)
        )

    message = inbox.messages[-1]
    assert message["Subject"] == f"We need more information [{reference}]"
    body = body_of(message)
    assert "Please send the delivery receipt." in body
    assert link_in(body) == ("en", reference)


def test_closing_invites_the_complainant_to_the_satisfaction_survey(inbox, handler):
    reference = submit()
    decide(handler, reference)
    transition_complaint(
        actor=complainant_actor(reference), reference=reference, event=Event.ACCEPT
    )
    transition_complaint(actor=handler, reference=reference, event=Event.CLOSE)

    message = inbox.messages[-1]
    assert "만족도 조사" in message["Subject"]
    body = body_of(message)
    # ISO 10002 8.3: the invitation carries the way to answer.
    assert "만족도 조사" in body and "종결" in body
    assert link_in(body) == ("ko", reference)
    assert [m.template for m in OutboundMessage.objects.order_by("id")] == [
        "acknowledgement",
        "decision",
        "closed",
    ]
