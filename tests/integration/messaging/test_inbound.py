"""Email in: real messages through ``sori mailgate`` (ISO 10002 7.2 receipt on every channel).

Each test feeds a message from ``mails/`` (as Daum, Gmail, Outlook, Exchange and Postfix write
them) to the mailgate command and checks what Sori recorded and what it sent through a real
SMTP server. Transactional: the acknowledgement leaves only after the commit.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from sori.audit.models import AuditEntry
from sori.complaints.models import Attachment, Complaint, ComplaintEvent
from sori.complaints.selectors import complaint_detail
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core.actors import complainant_actor
from sori.messaging.models import Classification, InboundMessage, MessageStatus, OutboundMessage
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT

from .conftest import mail, mailgate

pytestmark = pytest.mark.django_db(transaction=True)


def only_complaint() -> Complaint:
    [complaint] = Complaint.objects.select_related("complainant")
    return complaint


def acknowledged(reference: str) -> OutboundMessage:
    return OutboundMessage.objects.get(complaint__reference=reference, template="acknowledgement")


def received_english_complaint() -> tuple[str, OutboundMessage]:
    """John Smith's complaint, received by email and acknowledged."""
    output = mailgate(mail("english_complaint.eml"))
    complaint = only_complaint()
    assert output == f"new {complaint.reference}"
    return complaint.reference, acknowledged(complaint.reference)


def received_korean_complaint() -> tuple[str, OutboundMessage]:
    mailgate(mail("korean_complaint.eml"))
    complaint = only_complaint()
    return complaint.reference, acknowledged(complaint.reference)


# ------------------------------------------------------------------------------ new mail


def test_a_korean_email_becomes_a_complaint_with_its_pdf_and_is_acknowledged(mailbox):
    output = mailgate(mail("korean_complaint.eml"))

    complaint = only_complaint()
    assert output == f"new {complaint.reference}"
    assert (complaint.channel, complaint.language, complaint.status) == (
        "email",
        "ko",
        Status.ACKNOWLEDGED,
    )
    # The EUC-KR encoded-word subject and the EUC-KR text part, decoded; the text part is
    # preferred to the HTML one.
    assert complaint.subject == "택배 파손 및 환불 지연에 대한 불만"
    assert complaint.description.startswith("안녕하세요.\n\n11월 3일에 주문한 전기포트")
    assert "<p>" not in complaint.description and "김민지 드림" in complaint.description
    person = complaint.complainant
    assert (person.name, person.email, person.preferred_language) == (
        "김민지",
        "minji.kim@example.kr",
        "ko",
    )
    [attachment] = Attachment.objects.filter(complaint=complaint)
    assert (attachment.name, attachment.content_type, attachment.public) == (
        "영수증.pdf",
        "application/pdf",
        True,
    )
    assert default_storage.open(attachment.storage_name).read().startswith(b"%PDF-1.4")

    row = InboundMessage.objects.get()
    assert (row.classification, row.complaint, row.attachments_kept) == (
        Classification.NEW,
        complaint,
        1,
    )
    assert row.message_id == "<20261123101227.A81C.minji@example.kr>"
    assert row.sender == "minji.kim@example.kr"
    entry = AuditEntry.objects.get(action="sori.mail.received")
    assert entry.iso_clause == "7.2" and entry.data["complaint"] == complaint.reference
    assert "minji" not in str(entry.data)

    # ISO 10002 7.4: acknowledged in Korean, with what a reply needs to find the complaint.
    [(recipients, message)] = mailbox.received
    assert recipients == ["minji.kim@example.kr"]
    # (Long encoded subjects are folded after "Subject:"; the parser keeps that space.)
    assert message["Subject"].strip() == f"불만 접수 통지 - 접수번호 [{complaint.reference}]"
    assert message["Reply-To"] == f"complaints+{complaint.reference}@sori.test"


def test_an_english_email_becomes_an_english_complaint(mailbox):
    reference, _ack = received_english_complaint()

    complaint = only_complaint()
    assert complaint.language == "en"
    assert complaint.subject == "Double charge on my card for order 88213"
    assert complaint.complainant.name == "John Smith"
    [message] = mailbox.messages
    assert message["Subject"] == f"We have received your complaint [{reference}]"
    assert "You may answer it by replying" in message.get_body(("plain",)).get_content()


def test_a_refused_attachment_is_noted_and_the_rest_of_the_email_is_kept(mailbox):
    output = mailgate(mail("complaint_with_executable.eml"))

    complaint = only_complaint()
    assert output == f"new {complaint.reference}"
    # An HTML-only message: its text, without the markup.
    assert (
        complaint.description
        == "강남점 직원이 환불 요청을 무시하고 큰 소리를 냈습니다.\n\n영수증 사진을 보냅니다."
    )
    assert complaint.subject == "매장 직원 응대 불만"
    # The program disguised as invoice.pdf is refused; the photo is kept.
    assert list(Attachment.objects.values_list("name", flat=True)) == ["receipt.png"]
    row = InboundMessage.objects.get()
    assert row.attachments_kept == 1 and "invoice.pdf" in row.attachments_refused
    note = ComplaintEvent.objects.get(complaint=complaint, kind="mail_attachments_refused")
    assert not note.public and "invoice.pdf" in note.note
    assert len(mailbox.received) == 1  # acknowledged all the same


def test_a_message_delivered_twice_is_received_once(mailbox):
    raw = mail("korean_complaint.eml")
    first = mailgate(raw)
    again = mailgate(raw)

    complaint = only_complaint()
    assert first == f"new {complaint.reference}"
    assert again == f"new {complaint.reference} ({_('already received')})"
    assert InboundMessage.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert AuditEntry.objects.filter(action="sori.mail.received").count() == 1
    assert len(mailbox.received) == 1


def test_a_message_without_a_message_id_is_recognised_by_its_content(mailbox):
    raw = mail("english_complaint.eml").replace(
        b"Message-ID: <CAF3x9Yh2kQ7=english.plain@mail.example.com>\r\n", b""
    )
    mailgate(raw)
    mailgate(raw)

    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.get().message_id.endswith("@sori.invalid>")


def test_a_sender_opening_complaint_after_complaint_is_stopped_as_a_loop(mailbox, settings):
    settings.SORI_MAIL_MAX_NEW_PER_HOUR = 2
    original = mail("english_complaint.eml")
    outputs = [
        mailgate(original.replace(b"english.plain@", f"english.plain.{n}@".encode()))
        for n in range(3)
    ]

    assert Complaint.objects.count() == 2
    assert outputs[2] == "loop"
    assert InboundMessage.objects.filter(
        classification=Classification.LOOP, reason="too_many_from_sender"
    ).exists()
    assert len(mailbox.received) == 2  # the third one is not answered


def test_input_that_is_not_an_email_is_refused_with_ex_dataerr(mailbox):
    for garbage in (b"", b"\r\n\r\n", b"just some words\nwithout any header\n"):
        with pytest.raises(CommandError) as refused:
            mailgate(garbage)
        assert refused.value.returncode == 65
    assert not InboundMessage.objects.exists()


# -------------------------------------------------------------------------------- replies


def test_a_gmail_reply_to_a_request_for_information_resumes_the_investigation(mailbox, handler):
    reference, _ack = received_english_complaint()
    for event, data in (
        (Event.ASSESS, COMPLETE_ASSESSMENT),
        (Event.START_INVESTIGATION, {}),
        (Event.REQUEST_INFORMATION, {"note": "Please send the courier's delivery receipt."}),
    ):
        transition_complaint(
            actor=handler, reference=reference, event=event, data=EventData(**data)
        )
    request = OutboundMessage.objects.get(template="information_requested")

    output = mailgate(
        mail("gmail_reply.eml", REFERENCE=reference, ACK_MESSAGE_ID=request.message_id)
    )

    assert output == f"reply {reference}"
    assert InboundMessage.objects.get(classification="reply").reason == "in_reply_to"
    complaint = only_complaint()
    # ISO 10002 7.6: the information asked for resumes the investigation.
    assert complaint.status == Status.INVESTIGATING
    event = ComplaintEvent.objects.filter(complaint=complaint).latest("id")
    assert (event.kind, event.public, event.actor) == (
        "receive_information",
        True,
        f"complainant:{reference}",
    )
    # The new text only: the quoted message (with its status link) is not kept.
    assert event.note.startswith("Hello,\n\nThe courier's delivery receipt is attached")
    assert event.note.endswith("John")
    assert "/complaints/status/t/" not in event.note
    [receipt] = Attachment.objects.filter(complaint=complaint)
    assert (receipt.name, receipt.public) == ("delivery-receipt.pdf", True)
    # A reply is not a new complaint: nothing more is sent.
    assert [m.template for m in OutboundMessage.objects.order_by("id")] == [
        "acknowledgement",
        "information_requested",
    ]


def test_an_outlook_reply_without_threading_headers_is_threaded_by_the_subject(mailbox):
    reference, _ack = received_korean_complaint()

    output = mailgate(mail("outlook_reply.eml", REFERENCE=reference))

    assert output == f"reply {reference}"
    row = InboundMessage.objects.get(classification="reply")
    assert row.reason == "subject_reference" and row.complaint.reference == reference
    event = ComplaintEvent.objects.get(kind="message_received")
    assert event.public and event.actor == f"complainant:{reference}"
    # ks_c_5601-1987 (CP949, with a syllable EUC-KR lacks) decoded; Outlook's quote dropped.
    assert event.note == (
        "빠른 답변 감사합니다.\n택배 기사님 연락처는 010-2345-6789 입니다. "
        "똠방각하 아파트 3동 앞에 두고 가셨습니다."
    )
    # The complainant sees their message again on the status page (7.3).
    view = complaint_detail(viewer=complainant_actor(reference), reference=reference)
    assert any(item.event == "message_received" for item in view.timeline)
    assert len(mailbox.received) == 1  # only the acknowledgement of the complaint itself


def test_a_reply_to_the_plus_address_is_threaded_whatever_the_subject(mailbox):
    reference, _ack = received_english_complaint()

    output = mailgate(mail("plus_address_reply.eml", REFERENCE=reference))

    assert output == f"reply {reference}"
    row = InboundMessage.objects.get(classification="reply")
    assert row.reason == "plus_address"
    # "J.Smith@Example.com" is the complainant's address in another case.
    assert ComplaintEvent.objects.get(kind="message_received").note == (
        "I also have the courier's tracking number: 6021 4432 9981."
    )


def test_mail_from_someone_else_naming_the_reference_stays_an_internal_note(mailbox):
    reference, _ack = received_english_complaint()

    output = mailgate(mail("other_sender_reply.eml", REFERENCE=reference))

    assert output == f"unverified {reference}"
    event = ComplaintEvent.objects.get(kind="unverified_mail")
    assert not event.public
    # A warning for staff first, then what the mail said.
    warning, text = event.note.split("\n\n", 1)
    assert warning and text == (
        "Please send the refund for this complaint to account 110-555-012345 instead."
    )
    assert not ComplaintEvent.objects.filter(kind="message_received").exists()
    # Never shown to the complainant, never a step in their case.
    view = complaint_detail(viewer=complainant_actor(reference), reference=reference)
    assert all("110-555-012345" not in (item.note or "") for item in view.timeline)
    assert only_complaint().status == Status.ACKNOWLEDGED
    assert AuditEntry.objects.filter(action="sori.complaint.mail_unverified").count() == 1


def test_a_reply_to_a_merged_complaint_goes_to_the_one_it_was_merged_into(mailbox, handler):
    reference, _ack = received_english_complaint()
    mailgate(mail("english_complaint.eml").replace(b"english.plain@", b"english.second@"))
    second = Complaint.objects.exclude(reference=reference).get().reference
    transition_complaint(
        actor=handler,
        reference=second,
        event=Event.MERGE,
        data=EventData(into_reference=reference),
    )

    output = mailgate(mail("plus_address_reply.eml", REFERENCE=second))

    assert output == f"reply {reference}"


# ------------------------------------------------------------------- mail no person wrote


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("outlook_automatic_reply.eml", "x_auto_response_suppress"),
        ("vacation_reply.eml", "auto_submitted"),
    ],
)
def test_an_automatic_reply_is_recorded_but_never_answered_or_made_a_complaint(
    mailbox, name, reason
):
    reference, ack = received_english_complaint()

    output = mailgate(mail(name, REFERENCE=reference, ACK_MESSAGE_ID=ack.message_id))

    assert output == f"auto_reply {reference}"
    row = InboundMessage.objects.get(classification=Classification.AUTO_REPLY)
    assert row.reason == reason
    assert Complaint.objects.count() == 1
    # Not a reply either: nothing is added to the case.
    assert not ComplaintEvent.objects.filter(
        kind__in=("message_received", "unverified_mail")
    ).exists()
    assert OutboundMessage.objects.count() == 1
    assert len(mailbox.received) == 1


def test_a_bounce_marks_the_message_it_reports_on_and_makes_no_complaint(mailbox):
    reference, ack = received_korean_complaint()
    assert ack.status == MessageStatus.SENT

    output = mailgate(mail("bounce.eml", REFERENCE=reference, ACK_MESSAGE_ID=ack.message_id))

    assert output == f"bounce {reference}"
    ack.refresh_from_db()
    assert ack.status == MessageStatus.BOUNCED
    assert ack.bounced_at is not None and ack.last_error == "bounced 5.1.1"
    row = InboundMessage.objects.get(classification=Classification.BOUNCE)
    assert row.bounced_message == ack
    entry = AuditEntry.objects.get(action="sori.message.bounced")
    assert entry.object_id == str(ack.pk) and entry.iso_clause == "7.4"
    assert Complaint.objects.count() == 1 and len(mailbox.received) == 1


def test_mail_from_our_own_address_is_a_loop(mailbox):
    output = mailgate(mail("own_address.eml"))

    assert output == "loop"
    assert InboundMessage.objects.get().reason == "own_address"
    assert not Complaint.objects.exists() and mailbox.received == []


def test_one_of_our_own_messages_coming_back_is_a_loop(mailbox):
    _reference, ack = received_english_complaint()
    raw = mail("english_complaint.eml").replace(
        b"<CAF3x9Yh2kQ7=english.plain@mail.example.com>", ack.message_id.encode()
    )

    assert mailgate(raw).startswith("loop")
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.get(classification=Classification.LOOP).reason == (
        "own_message_id"
    )


def test_a_sender_address_no_one_can_write_to_still_makes_a_complaint(mailbox):
    long_address = "a" * 250 + "@example.com"
    raw = mail("english_complaint.eml").replace(
        b"<j.smith@example.com>", f"<{long_address}>".encode()
    )

    output = mailgate(raw)

    complaint = only_complaint()
    assert output == f"new {complaint.reference}"
    assert complaint.complainant.email == "" and complaint.complainant.name == "John Smith"
    assert mailbox.received == []  # nobody to acknowledge


def test_mail_a_service_refuses_is_kept_for_staff_and_not_retried_by_the_mta(mailbox, monkeypatch):
    from sori.core.errors import Forbidden
    from sori.messaging.inbound import services as inbound

    def refuse(**kwargs):
        raise Forbidden("Complaints by email are switched off.", code="channel_closed")

    # The intake refusing (a policy another part of Sori decides) is the input here.
    monkeypatch.setattr(inbound, "submit_complaint", refuse)

    output = mailgate(mail("english_complaint.eml"))

    assert output == "failed"
    row = InboundMessage.objects.get()
    assert (row.classification, row.reason) == ("failed", "refused:channel_closed")
    assert not Complaint.objects.exists()
    assert AuditEntry.objects.filter(action="sori.mail.failed").count() == 1
    assert mailgate(mail("english_complaint.eml")) == f"failed ({_('already received')})"


def test_a_delay_report_is_recorded_but_does_not_mark_the_message_bounced(mailbox):
    reference, ack = received_korean_complaint()
    raw = mail("bounce.eml", REFERENCE=reference, ACK_MESSAGE_ID=ack.message_id)

    output = mailgate(raw.replace(b"Action: failed", b"Action: delayed"))

    assert output == f"bounce {reference}"
    ack.refresh_from_db()
    assert ack.status == MessageStatus.SENT
    assert InboundMessage.objects.get(classification=Classification.BOUNCE).bounced_message == ack
