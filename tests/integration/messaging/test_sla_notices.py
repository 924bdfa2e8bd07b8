"""The deadline emails (ISO 10002 7.3): the expected date in the acknowledgement, the extension
with its reason, the holding reply, the overdue notice, and the warnings and breaches to staff.

Delivered to a real SMTP server (aiosmtpd) after the commit, so these tests commit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from sori.accounts.models import Role
from sori.complaints.models import Complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.core import clock
from sori.core.models import ExternalDisputeBody
from sori.messaging.models import Audience, OutboundMessage
from sori.messaging.rendering import render, render_staff
from sori.sla.models import SlaPolicy, UnitChoice
from sori.sla.services.extension import extend_deadline
from sori.sla.services.sweep import sweep_timers
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT
from tests.support.sla import DECISION_DUE, RECEIVED, sla_policy

from .test_outbox import EMAIL, body_of, submit

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
# The decision date of the test policy as each language writes it (Monday 24 March 2025).
DUE_TEXT = {"ko": "2025년 3월 24일(월)", "en": "Monday 24 March 2025"}
# The date an extension moves it to (Friday 4 April 2025).
NEW_DATE = dt.date(2025, 4, 4)
NEW_TEXT = {"ko": "2025년 4월 4일(금)", "en": "Friday 4 April 2025"}
REASON = "제조사의 검사 결과를 기다리고 있습니다."


@pytest.fixture
def body() -> ExternalDisputeBody:
    # Transactional tests start from an empty table: the external body the notices name.
    return ExternalDisputeBody.objects.create(
        name_ko="한국소비자원", name_en="Korea Consumer Agency", phone="1372"
    )


def received(language: str = "ko", **policy) -> str:
    sla_policy(**policy)
    with clock.frozen_at(RECEIVED):
        return submit(language=language)


def complaint(reference: str) -> Complaint:
    return Complaint.objects.get(reference=reference)


def staff_with_email(make_staff, role: str, email: str):
    actor = make_staff(role)
    User.objects.filter(pk=actor.user_id).update(email=email)
    return actor, User.objects.get(pk=actor.user_id)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_acknowledgement_gives_the_date_of_the_decision(inbox, language):
    received(language)

    [message] = inbox.messages
    text = body_of(message)
    if language == "ko":
        assert f"{DUE_TEXT['ko']}까지 결정사항을 통보해 드리겠습니다." in text
        assert "일 이내" not in text
    else:
        assert f"We will give you our decision by {DUE_TEXT['en']}." in text
        assert "within" not in text


def test_without_a_decision_target_the_acknowledgement_keeps_the_number_of_days(inbox):
    sla_policy()
    SlaPolicy.objects.update(active=False)

    submit()

    text = body_of(inbox.messages[0])
    assert "14일 이내" in text and "까지 결정사항을" not in text


def test_a_deadline_counted_in_calendar_days_is_told_as_its_last_day(inbox):
    # 30 calendar days from Monday 10 March end at midnight starting 10 April in Seoul: the
    # complainant's last day is Wednesday 9 April.
    reference = received(decision_days=30, unit=UnitChoice.CALENDAR_DAYS)

    assert complaint(reference).due_at == dt.datetime(2025, 4, 9, 15, 0, tzinfo=dt.UTC)
    assert "2025년 4월 9일(수)까지" in body_of(inbox.messages[0])


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_extension_tells_the_complainant_the_new_date_and_the_reason(
    inbox, handler, body, language
):
    reference = received(language)
    inbox.received.clear()

    with clock.frozen_at(RECEIVED + dt.timedelta(days=2)):
        extend_deadline(
            actor=handler, reference=reference, stage="decision", new_date=NEW_DATE, reason=REASON
        )

    [(recipients, message)] = inbox.received
    assert recipients == [EMAIL]
    text = body_of(message)
    assert reference in message["Subject"]
    assert NEW_TEXT[language] in text and REASON in text
    assert DUE_TEXT[language] not in text  # the old date is gone
    # The right to complain about the delay, and where to go outside.
    assert "1372" in text
    if language == "ko":
        assert "처리 기한 연장 안내" in message["Subject"]
        assert "결정사항 통보 기한을 부득이하게 연장" in text
    else:
        assert "We need more time" in message["Subject"]
        assert "our decision on your complaint" in text
    row = OutboundMessage.objects.get(template="deadline_extended")
    assert row.language == language


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("key", ["holding_reply", "overdue_notice"])
def test_the_holding_reply_and_the_overdue_notice_give_the_date_and_the_external_body(
    db, body, key, language
):
    reference = received(language)

    subject, text = render(complaint=complaint(reference), key=key, language=language)

    assert subject.endswith(f"[{reference}]")
    assert DUE_TEXT[language] in text
    assert "1372" in text
    assert ("접수번호" in text) is (language == "ko")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_while_waiting_for_the_complainant_the_holding_reply_promises_no_date(
    db, handler, language
):
    reference = received(language)
    with clock.frozen_at(RECEIVED + dt.timedelta(days=1)):
        for event, data in (
            ("assess", COMPLETE_ASSESSMENT),
            ("start_investigation", {}),
            ("request_information", {"note": "영수증을 보내 주십시오."}),
        ):
            transition_complaint(
                actor=handler, reference=reference, event=event, data=EventData(**data)
            )

    _subject, text = render(complaint=complaint(reference), key="holding_reply", language=language)

    assert DUE_TEXT[language] not in text
    assert ("처리를 마치는 대로" if language == "ko" else "as soon as we have finished") in text


@pytest.mark.parametrize(
    ("language", "when"),
    [("ko", "2025년 3월 24일(월) 18:00 KST"), ("en", "Monday 24 March 2025, 18:00 KST")],
)
@pytest.mark.parametrize("key", ["sla_warning", "sla_breached"])
def test_staff_notices_give_the_deadline_in_local_time(db, key, language, when):
    reference = received()

    subject, text = render_staff(
        complaint=complaint(reference),
        key=key,
        language=language,
        context={"stage": "decision", "percent": 75, "due_at": DECISION_DUE},
    )

    assert subject.endswith(f"[{reference}]")
    assert when in text
    assert f"/staff/complaints/{reference}/" in text
    if key == "sla_warning":
        assert "75%" in subject and "75%" in text


def test_the_sweep_sends_the_holding_reply_then_the_breach_to_manager_and_complainant(
    inbox, make_staff, body
):
    _manager, manager_user = staff_with_email(
        make_staff, Role.COMPLAINTS_MANAGER, "manager@sori.test"
    )
    received(holding_notice_percent=50, warn_percentages="")
    inbox.received.clear()

    # Six of the ten business days have passed (Wednesday 19 March): time for the holding reply.
    with clock.frozen_at(dt.datetime(2025, 3, 19, 1, 0, tzinfo=dt.UTC)):
        assert sweep_timers() == 1
    [holding] = inbox.messages
    assert "처리 진행 상황 안내" in holding["Subject"]
    assert f"{DUE_TEXT['ko']}까지 결정사항을 통보해 드리겠습니다." in body_of(holding)
    inbox.received.clear()

    # The deadline passes: the complaints manager is told, and so is the complainant.
    with clock.frozen_at(DECISION_DUE + dt.timedelta(minutes=5)):
        assert sweep_timers() == 1
    by_recipient = {tuple(rcpt): message for rcpt, message in inbox.received}
    staff = by_recipient[(manager_user.email,)]
    assert "[기한 초과]" in staff["Subject"]
    assert "2025년 3월 24일(월) 18:00 KST" in body_of(staff)
    notice = by_recipient[(EMAIL,)]
    assert "처리 지연 안내" in notice["Subject"]
    assert f"약속드린 기한인 {DUE_TEXT['ko']}까지 통보해 드리지 못했습니다" in body_of(notice)
    templates = set(OutboundMessage.objects.values_list("audience", "template"))
    assert (Audience.STAFF, "sla_breached") in templates
    assert (Audience.COMPLAINANT, "overdue_notice") in templates
