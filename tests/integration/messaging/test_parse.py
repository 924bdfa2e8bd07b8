"""Reading messages and telling mail a person wrote from mail a machine wrote (no database).

ISO 10002 7.2: a complaint by email is read as the person wrote it (Korean in UTF-8, EUC-KR or
Outlook's CP949, in B or Q encoded words); automatic replies and bounces are never complaints.
"""

from __future__ import annotations

import pytest

from sori.messaging.inbound.classify import automatic
from sori.messaging.inbound.parse import UnparsableMessage, parse, text_from_html
from sori.messaging.inbound.text import language_of, new_part
from sori.messaging.models import Classification

from .conftest import MAILBOX, mail


@pytest.fixture(autouse=True)
def _mailbox(settings):
    settings.SORI_MAIL_ADDRESS = MAILBOX
    settings.DEFAULT_FROM_EMAIL = MAILBOX


def message(*headers: str, body: str = "Hello.\n", content_type: str | None = None) -> bytes:
    lines = ["From: Kim <kim@example.kr>", "To: complaints@sori.test", *headers]
    if content_type:
        lines += ["MIME-Version: 1.0", f"Content-Type: {content_type}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


@pytest.mark.parametrize(
    "encoded",
    [
        "=?UTF-8?B?7YOd67CwIOu2hOyLpCDrtojrp4w=?=",  # B, UTF-8
        "=?utf-8?Q?=ED=83=9D=EB=B0=B0_=EB=B6=84=EC=8B=A4_=EB=B6=88=EB=A7=8C?=",  # Q, UTF-8
        "=?EUC-KR?B?xcO56CC60L3HILrSuLg=?=",  # B, EUC-KR
        "=?euc-kr?Q?=C5=C3=B9=E8_=BA=D0=BD=C7_=BA=D2=B8=B8?=",  # Q, EUC-KR
        "=?ks_c_5601-1987?B?xcO56CC60L3HILrSuLg=?=",  # Outlook's label for CP949
        "=?UTF-8?B?7YOd67Cw?=\r\n =?UTF-8?B?IOu2hOyLpCDrtojrp4w=?=",  # folded over two lines
    ],
    ids=["b-utf8", "q-utf8", "b-euckr", "q-euckr", "b-ks_c_5601", "folded"],
)
def test_korean_subjects_in_encoded_words_are_decoded(encoded):
    assert parse(message(f"Subject: {encoded}")).subject == "택배 분실 불만"


def test_a_cp949_syllable_labelled_euc_kr_is_still_read():
    # 똠 exists in CP949 (0x8C63) but not in strict EUC-KR; Korean mail labels both "euc-kr".
    assert parse(message("Subject: =?euc-kr?B?jGO55rCix88=?=")).subject == "똠방각하"


def test_an_unencoded_utf8_subject_is_read_as_utf8():
    assert parse(message("Subject: 환불 요청")).subject == "환불 요청"


def test_html_becomes_text_without_markup_styles_or_scripts():
    html = (
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<p>첫 줄&nbsp;입니다.</p><script>alert(1)</script><div>둘째&amp;줄<br>셋째</div></body></html>"
    )
    assert text_from_html(html) == "첫 줄 입니다.\n\n둘째&줄\n셋째"


def test_the_korean_fixture_prefers_the_text_part_and_keeps_the_pdf():
    parsed = parse(mail("korean_complaint.eml"))
    assert parsed.from_name == "김민지" and parsed.from_address == "minji.kim@example.kr"
    assert "<p>" not in parsed.text and parsed.text.endswith("김민지 드림")
    [attachment] = parsed.attachments
    assert (attachment.name, attachment.content_type) == ("영수증.pdf", "application/pdf")


@pytest.mark.parametrize(
    "raw",
    [b"", b"  \r\n", b"no headers here, only words\n", b"Subject: no sender\r\n\r\nbody\r\n"],
    ids=["empty", "blank", "words", "no-from"],
)
def test_input_that_is_not_an_email_is_unparsable(raw):
    with pytest.raises(UnparsableMessage):
        parse(raw)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Subject: Hello", "Auto-Submitted: auto-replied"], "auto_submitted"),
        (["Subject: Hello", "Auto-Submitted: auto-generated"], "auto_submitted"),
        (["Subject: Hello", "X-Autoreply: yes"], "x_autoreply"),
        (["Subject: Hello", "X-Autorespond: Thank you"], "x_autorespond"),
        (["Subject: Hello", "X-Auto-Response-Suppress: All"], "x_auto_response_suppress"),
        (["Subject: Hello", "Precedence: bulk"], "precedence"),
        (["Subject: Hello", "Precedence: junk"], "precedence"),
        (["Subject: Hello", "Precedence: list"], "precedence"),
        (["Subject: Hello", "Precedence: auto_reply"], "precedence"),
        (["Subject: Automatic reply: your complaint"], "out_of_office_subject"),
        (["Subject: Out of Office: back on Monday"], "out_of_office_subject"),
        (
            ["Subject: =?UTF-8?B?7J6Q64+ZIO2ajOyLoDog67aI66eMIOygkeyImA==?="],
            "out_of_office_subject",
        ),
        (["Subject: =?UTF-8?B?67aA7J6s7KSRIOyViOuCtA==?="], "out_of_office_subject"),
    ],
)
def test_automatic_replies_are_recognised_by_header_or_subject(headers, expected):
    verdict = automatic(parse(message(*headers)))
    assert verdict is not None
    assert (verdict.classification, verdict.reason) == (Classification.AUTO_REPLY, expected)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Return-Path: <>", "Subject: Delivery failure"], "null_sender"),
        (["Subject: Undeliverable", "Sender: x"], None),
    ],
)
def test_the_null_sender_is_a_bounce(headers, expected):
    verdict = automatic(parse(message(*headers)))
    assert (verdict.reason if verdict else None) == expected


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.kr", "postmaster@example.kr"])
def test_mail_servers_are_bounces(sender):
    raw = f"From: {sender}\r\nSubject: Returned mail\r\n\r\nSorry.\r\n".encode()
    verdict = automatic(parse(raw))
    assert verdict is not None
    assert (verdict.classification, verdict.reason) == (Classification.BOUNCE, "mailer_daemon")


def test_the_dsn_fixture_names_our_message_and_its_status():
    parsed = parse(mail("bounce.eml", ACK_MESSAGE_ID="<sori.0123456789abcdef0123456789abcdef@x>"))
    assert parsed.report is not None
    assert (parsed.report.action, parsed.report.status) == ("failed", "5.1.1")
    assert parsed.report.original_message_ids == ("<sori.0123456789abcdef0123456789abcdef@x>",)


@pytest.mark.parametrize(
    "headers",
    [
        ["Subject: Hello", "Auto-Submitted: no"],
        ["Subject: Re: automatic replies are annoying"],
        ["Subject: Hello", "Precedence: first-class"],
    ],
)
def test_mail_a_person_wrote_is_not_taken_for_an_automatic_one(headers):
    assert automatic(parse(message(*headers))) is None


@pytest.mark.parametrize(
    "sender",
    ["complaints@sori.test", "Complaints <COMPLAINTS@sori.test>", "complaints+x@sori.test"],
)
def test_mail_from_our_own_mailbox_is_a_loop(sender):
    raw = f"From: {sender}\r\nSubject: Hello\r\n\r\nHi\r\n".encode()
    verdict = automatic(parse(raw))
    assert verdict is not None
    assert (verdict.classification, verdict.reason) == (Classification.LOOP, "own_address")


def test_staff_of_the_same_domain_are_not_a_loop():
    raw = b"From: kim@sori.test\r\nMessage-ID: <abc.123@sori.test>\r\nSubject: Hi\r\n\r\nHi\r\n"
    assert automatic(parse(raw)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!\n\nOn Mon, 23 Nov 2026 at 10:00, Sori <c@s.test> wrote:\n> old\n", "Thanks!"),
        (
            "네 알겠습니다.\n\n2026년 11월 23일 (월) 오전 10:13, <c@s.test>님이 작성:\n> 이전\n",
            "네 알겠습니다.",
        ),
        ("감사합니다.\n\n-----Original Message-----\nFrom: x\n", "감사합니다."),
        ("> quoted first\n\nmy answer below\n", "my answer below"),
        ("Nothing quoted at all.\n", "Nothing quoted at all."),
    ],
    ids=["gmail", "gmail-ko", "outlook", "bottom-posted", "plain"],
)
def test_only_the_new_part_of_a_reply_is_kept(text, expected):
    assert new_part(text) == expected


@pytest.mark.parametrize(
    ("texts", "language"),
    [
        (("환불 요청", ""), "ko"),
        (("Refund", "제품이 고장났습니다"), "ko"),
        (("Refund", "Broken"), "en"),
    ],
)
def test_hangul_anywhere_means_korean(texts, language):
    assert language_of(*texts) == language
