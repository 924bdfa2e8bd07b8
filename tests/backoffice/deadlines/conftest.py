"""Two SLA policies in use on a Korean working calendar (the shipped ones switched off), staff on
a test client, and a complaint received at a known instant (ISO 10002 4.15, 7.3).

Received Monday 9 March 2026, 10:00 in Seoul (no public holiday near it). With Mon–Fri
09:00–18:00 the default policy's decision target of 5 business days after the day of receipt
falls on Monday 16 March, 18:00; the urgent policy's 1 business day on Tuesday 10 March, 18:00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sori.complaints.services.escalation import assess_complaint
from sori.core import clock
from sori.sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Stage
from tests.backoffice.workspace.conftest import staff_client, unit  # noqa: F401 (fixtures)
from tests.integration.casework.conftest import assessment

SEOUL = ZoneInfo("Asia/Seoul")
RECEIVED = dt.datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)  # Monday
# Two days later: the complaint has been assessed; nothing is overdue yet.
NOW = dt.datetime(2026, 3, 11, 11, 0, tzinfo=SEOUL)


def seoul(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def _policy(code: str, name: str, calendar: BusinessCalendar, **fields) -> SlaPolicy:
    return SlaPolicy.objects.create(
        code=code,
        name_ko=f"{name} 시험 정책",
        name_en=f"{name} test policy",
        source=f"{name} source: house rules, section 4",
        active=True,
        calendar=calendar,
        **fields,
    )


@pytest.fixture
def policies(db) -> dict[str, SlaPolicy]:
    """The only policies in use: a default one for every complaint, a stricter one for urgent."""
    SlaPolicy.objects.filter(active=True).update(active=False)
    calendar = BusinessCalendar.objects.create(
        name="deadlines test calendar",
        time_zone="Asia/Seoul",
        country="KR",
        hours={day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    )
    default = _policy("deadlines-default", "기본", calendar)
    for stage, amount, unit_, extra in (
        (Stage.ACKNOWLEDGE, 3, "business_hours", {}),
        (Stage.FIRST_CONTACT, 2, "business_days", {"extension_allowed": False}),
        (Stage.DECISION, 5, "business_days", {"max_extension": Decimal("5")}),
        (Stage.CLOSE, 30, "calendar_days", {}),
    ):
        SlaTarget.objects.create(
            policy=default, stage=stage, amount=Decimal(amount), unit=unit_, **extra
        )
    urgent = _policy("deadlines-urgent", "긴급", calendar, priority="urgent")
    SlaTarget.objects.create(
        policy=urgent, stage=Stage.DECISION, amount=Decimal(1), unit="business_days"
    )
    return {"default": default, "urgent": urgent}


@pytest.fixture
def at_now() -> Iterator[None]:
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def assessed(policies, submit, handler) -> str:
    """A complaint received at ``RECEIVED`` and assessed the next morning (normal priority)."""
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    with clock.frozen_at(seoul(2026, 3, 10, 9, 30)):
        assess_complaint(actor=handler, reference=reference, data=assessment())
    return reference
