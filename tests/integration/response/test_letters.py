"""The decision letter (ISO 10002 7.8; 7.9 and ISO 10003 for the recourse).

Drafted from the ko/en template in the complainant's language, refused when it lacks the
decision, its reasons, how to accept or reject it, or the recourse; sent by email through the
outbox (the letter is the email, with no generic decision message besides) or recorded as sent
by letter or given by phone on a date; the staff involved are told.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from sori.audit.models import AuditEntry
from sori.complaints import links
from sori.complaints.models import Complaint, DecisionLetter, LetterTemplate, Outcome
from sori.complaints.services.letters import (
    check_letter,
    communicate_decision,
    placeholder_values,
    render_letter,
    today,
)
from sori.complaints.services.response import (
    RemedyInput,
    approve_response,
    propose_response,
    record_reaction,
    start_internal_review,
)
from sori.complaints.workflow import Status
from sori.core.errors import GuardFailed, InvalidInput
from sori.messaging.models import Audience, OutboundMessage

REASONS = "배송이 2주 늦었음을 확인했습니다.\nThe parcel was two weeks late."
LINK = re.compile(r"https?://\S+/(ko|en)/complaints/status/t/([^/\s]+)/")


def proposed(investigating, handler, *, language="ko", outcome="partly_upheld", **fields) -> str:
    reference = investigating(language=language, **fields)
    propose_response(
        actor=handler,
        reference=reference,
        outcome=outcome,
        reasons=REASONS,
        remedies=[
            RemedyInput("apology", description="서면 사과"),
            RemedyInput("refund", 30000, "배송비"),
            RemedyInput("compensation", 20000),
        ],
    )
    return reference


def draft(reference: str, *, review: bool = False, language: str | None = None):
    complaint = Complaint.objects.get(reference=reference)
    template = LetterTemplate.objects.get(
        language=language or complaint.language, for_review=review, active=True
    )
    subject, body = render_letter(complaint, template)
    return complaint, template, subject, body


def label(language: str, outcome: str) -> str:
    with translation.override(language):
        return str(Outcome(outcome).label)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_letter_is_filled_in_from_the_template_in_the_complainants_language(
    investigating, handler, language
):
    reference = proposed(investigating, handler, language=language)

    complaint, _template, subject, body = draft(reference)

    assert subject.startswith(f"[{reference}]")
    assert "{" not in body and "}" not in body  # every placeholder filled in
    assert "김민지" in body  # the complainant's name
    assert label(language, "partly_upheld") in body
    assert REASONS in body
    amounts = ("30,000원", "20,000원", "50,000원") if language == "ko" else (
        "KRW 30,000", "KRW 20,000", "KRW 50,000")  # fmt: skip
    assert all(amount in body for amount in amounts)
    # How to answer: the complaint's own signed status link, in the letter's language.
    found = LINK.search(body)
    assert found is not None and found.group(1) == language
    assert links.reference_for_token(found.group(2)) == reference
    # The recourse on a first decision: the internal review and the external bodies.
    assert ("한국소비자원" if language == "ko" else "Korea Consumer Agency") in body
    assert "1372" in body and "https://www.kca.go.kr" in body
    assert check_letter(complaint, subject, body) == []


def test_the_template_follows_the_complainants_preferred_language(investigating, handler):
    from sori.complaints.models import Complainant

    reference = proposed(investigating, handler, language="ko")
    Complainant.objects.filter(complaints__reference=reference).update(preferred_language="en")

    values = placeholder_values(Complaint.objects.get(reference=reference), "en")

    assert values["outcome"] == "partly upheld"
    assert "/en/complaints/status/t/" in values["how_to_answer"]


def _without_link(body: str) -> str:
    return LINK.sub("", body)


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(
    ("element", "code"),
    [
        ("decision", "decision_missing"),
        ("reasons", "reasons_missing"),
        ("how_to_answer", "how_to_answer_missing"),
        ("recourse", "recourse_missing"),
    ],
)
def test_a_letter_lacking_an_element_is_refused_and_nothing_is_sent(
    investigating, handler, language, element, code
):
    reference = proposed(investigating, handler, language=language)
    complaint, template, subject, body = draft(reference)
    values = placeholder_values(complaint, language)
    cut = {
        "decision": lambda text: text.replace(values["outcome"], ""),
        "reasons": lambda text: text.replace(REASONS, "이유는 생략합니다."),
        "how_to_answer": _without_link,
        "recourse": lambda text: text.replace(values["recourse"], ""),
    }[element]
    body = cut(body)

    assert [problem.code for problem in check_letter(complaint, subject, body)] == [code]
    with pytest.raises(InvalidInput) as refused:
        communicate_decision(
            actor=handler,
            reference=reference,
            template_id=template.pk,
            subject=subject,
            body=body,
            method="email",
        )

    assert refused.value.code == "letter_incomplete"
    assert refused.value.params["problems"] == [code]
    # Each problem is a sentence in the staff member's language.
    assert refused.value.params["messages"][0]
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == Status.RESPONSE_PROPOSED
    assert not DecisionLetter.objects.exists()
    assert not OutboundMessage.objects.filter(template="decision").exists()


def test_upheld_inside_not_upheld_does_not_count_as_stating_the_decision(investigating, handler):
    reference = proposed(investigating, handler, language="en", outcome="upheld")
    complaint, _template, subject, body = draft(reference)

    wrong = body.replace("Our decision: upheld", "Our decision: not upheld")

    assert [p.code for p in check_letter(complaint, subject, wrong)] == ["decision_missing"]
    # Korean too: 인용 (upheld) inside 일부 인용 (partly upheld).
    ko = body.replace("Our decision: upheld", "결정: 일부 인용")
    assert [p.code for p in check_letter(complaint, subject, ko)] == ["decision_missing"]
    assert check_letter(complaint, subject, body.replace("upheld", "인용")) == []


def test_a_status_link_of_another_complaint_does_not_say_how_to_answer_this_one(
    investigating, handler
):
    reference = proposed(investigating, handler)
    other = proposed(investigating, handler)
    complaint, _template, subject, body = draft(reference)

    swapped = LINK.sub(links.status_url(other, "ko"), body)

    assert [p.code for p in check_letter(complaint, subject, swapped)] == ["how_to_answer_missing"]


@pytest.mark.django_db(transaction=True)
def test_the_email_letter_is_the_decision_email_and_no_generic_one_is_sent(
    inbox, investigating, handler, approver
):
    reference = investigating(language="ko")
    propose_response(
        actor=handler,
        reference=reference,
        outcome="upheld",
        reasons=REASONS,
        remedies=[RemedyInput("refund", 150000), RemedyInput("compensation", 150000)],
    )
    approve_response(actor=approver, reference=reference)
    complaint, template, subject, body = draft(reference)
    body = body.replace("불편을 드려 죄송합니다.", "불편을 드려 진심으로 죄송합니다.")  # edited
    inbox.received.clear()  # the acknowledgement and the approval request

    letter = communicate_decision(
        actor=handler,
        reference=reference,
        template_id=template.pk,
        subject=subject,
        body=body,
        method="email",
        sent_on=dt.date(2001, 1, 1),  # ignored for email: it goes today
    )

    to_complainant = [m for rcpt, m in inbox.received if rcpt == ["minji@example.kr"]]
    assert len(to_complainant) == 1  # the letter, and no generic decision message
    message = to_complainant[0]
    assert str(message["Subject"]).strip() == subject
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "불편을 드려 진심으로 죄송합니다." in text and REASONS in text
    assert "300,000원" in text
    assert LINK.search(text) is not None
    assert (
        OutboundMessage.objects.filter(audience=Audience.COMPLAINANT, template="decision").count()
        == 1
    )
    letter.refresh_from_db()
    assert (letter.method, letter.sent_on, letter.review_round) == ("email", today(), 0)
    assert letter.message is not None and letter.message.body.strip() == body.strip()
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == Status.DECISION_COMMUNICATED
    assert complaint.decision_method == "email" and complaint.external_routes_given
    entry = AuditEntry.objects.get(action="sori.complaint.decision_letter_recorded")
    assert entry.iso_clause == "7.8" and entry.data["letter"] == letter.pk
    # The staff involved are told: the approver (the handler did it and knows).
    staff = [
        (rcpt, str(m["Subject"])) for rcpt, m in inbox.received if rcpt != ["minji@example.kr"]
    ]
    assert [rcpt for rcpt, _subject in staff] == [["approver@sori.test"]]
    assert reference in staff[0][1]


@pytest.mark.parametrize("method", ["letter", "phone"])
def test_a_letter_or_phone_decision_records_its_date_and_queues_no_email(
    investigating, handler, method
):
    reference = proposed(investigating, handler)
    _complaint, template, subject, body = draft(reference)

    letter = communicate_decision(
        actor=handler,
        reference=reference,
        template_id=template.pk,
        subject=subject,
        body=body,
        method=method,
        sent_on=today(),
    )

    assert (letter.method, letter.sent_on, letter.message) == (method, today(), None)
    assert Complaint.objects.get(reference=reference).decision_method == method
    assert not OutboundMessage.objects.filter(template="decision").exists()


def test_a_posted_letter_needs_a_date_that_is_not_in_the_future(investigating, handler):
    reference = proposed(investigating, handler)
    _complaint, template, subject, body = draft(reference)

    def send(day):
        return communicate_decision(
            actor=handler, reference=reference, template_id=template.pk, subject=subject,
            body=body, method="letter", sent_on=day,
        )  # fmt: skip

    for day, code in ((None, "required"), (today() + dt.timedelta(days=5), "in_future")):
        with pytest.raises(InvalidInput) as refused:
            send(day)
        assert (refused.value.code, refused.value.params["field"]) == (code, "sent_on")
    assert not DecisionLetter.objects.exists()


def test_an_anonymous_complainant_cannot_be_sent_the_letter_by_email(investigating, handler):
    reference = investigating(anonymous=True)
    propose_response(
        actor=handler, reference=reference, outcome="not_upheld", reasons=REASONS,
        remedies=[RemedyInput("explanation")],
    )  # fmt: skip
    _complaint, template, subject, body = draft(reference)
    assert "고객" in body or "customer" in body  # no name to address

    with pytest.raises(InvalidInput) as refused:
        communicate_decision(
            actor=handler, reference=reference, template_id=template.pk, subject=subject,
            body=body, method="email",
        )  # fmt: skip

    assert refused.value.code == "no_email"


def test_a_remedy_above_the_limit_cannot_be_communicated_before_approval(investigating, handler):
    reference = investigating()
    propose_response(
        actor=handler, reference=reference, outcome="upheld", reasons=REASONS,
        remedies=[RemedyInput("compensation", Decimal("100000.01"))],
    )  # fmt: skip
    _complaint, template, subject, body = draft(reference)

    with pytest.raises(GuardFailed) as refused:
        communicate_decision(
            actor=handler, reference=reference, template_id=template.pk, subject=subject,
            body=body, method="phone", sent_on=today(),
        )  # fmt: skip

    assert refused.value.code == "approval_required"
    assert not DecisionLetter.objects.exists()


def reviewed(investigating, handler, manager, language="ko") -> str:
    reference = proposed(investigating, handler, language=language)
    _complaint, template, subject, body = draft(reference)
    communicate_decision(
        actor=handler, reference=reference, template_id=template.pk, subject=subject,
        body=body, method="phone", sent_on=today(),
    )  # fmt: skip
    record_reaction(actor=handler, reference=reference, reaction="rejected", received_via="phone")
    start_internal_review(actor=handler, reference=reference)
    propose_response(
        actor=manager, reference=reference, outcome="upheld", reasons="재검토 결과 " + REASONS,
        remedies=[RemedyInput("refund", 50000)],
    )  # fmt: skip
    return reference


@pytest.mark.parametrize("language", ["ko", "en"])
def test_after_an_internal_review_the_letter_must_name_an_external_body(
    investigating, handler, manager, language
):
    reference = reviewed(investigating, handler, manager, language)
    complaint, template, subject, body = draft(reference, review=True)
    values = placeholder_values(complaint, language)
    # After the review the recourse is the external bodies only.
    assert "재검토" not in values["recourse"] and "internal review" not in values["recourse"]
    assert check_letter(complaint, subject, body) == []

    # An internal-review offer is no longer enough.
    offer = (
        "내부 재검토를 요청하실 수 있습니다." if language == "ko" else "Ask for an internal review."
    )
    stripped = body.replace(values["recourse"], offer)
    assert [p.code for p in check_letter(complaint, subject, stripped)] == ["recourse_missing"]
    with pytest.raises(InvalidInput):
        communicate_decision(
            actor=manager, reference=reference, template_id=template.pk, subject=subject,
            body=stripped, method="phone", sent_on=today(),
        )  # fmt: skip

    letter = communicate_decision(
        actor=manager, reference=reference, template_id=template.pk, subject=subject,
        body=body, method="phone", sent_on=today(),
    )  # fmt: skip
    assert letter.review_round == 1
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.external_routes_given is True
    assert complaint.status == Status.DECISION_COMMUNICATED


def test_the_review_decision_is_drafted_from_the_review_template(investigating, handler, manager):
    from sori.complaints.response_selectors import letter_templates

    reference = reviewed(investigating, handler, manager)

    choices = letter_templates(viewer=manager, reference=reference)

    assert choices and all(choice.for_review for choice in choices)
    assert choices[0].language == "ko"  # the complainant's language first
