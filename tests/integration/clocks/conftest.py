"""A test policy on a Korean calendar, the only policy in use, and helpers to read the clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sori.sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Stage, Timer

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def calendar(db) -> BusinessCalendar:
    return BusinessCalendar.objects.create(
        name="test calendar",
        time_zone="Asia/Seoul",
        country="KR",
        hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    )


@pytest.fixture
def make_policy(calendar) -> Callable[..., SlaPolicy]:
    """A policy in use with ``targets`` {stage: (amount, unit, options)}; the shipped ones off."""
    SlaPolicy.objects.update(active=False)
    counter = iter(range(1, 100))

    def make(targets: dict[str, tuple], **fields) -> SlaPolicy:
        policy = SlaPolicy.objects.create(
            code=fields.pop("code", f"test-{next(counter)}"),
            name_ko="시험 정책",
            name_en="Test policy",
            source="test",
            active=True,
            calendar=calendar,
            **fields,
        )
        for stage, (amount, unit, *options) in targets.items():
            SlaTarget.objects.create(
                policy=policy,
                stage=stage,
                amount=Decimal(str(amount)),
                unit=unit,
                **(options[0] if options else {}),
            )
        return policy

    return make


@pytest.fixture
def standard_policy(make_policy) -> SlaPolicy:
    return make_policy(
        {
            Stage.ACKNOWLEDGE: (3, "business_hours"),
            Stage.ASSESS: (2, "business_days"),
            Stage.DECISION: (
                5,
                "business_days",
                {"notify_complainant_on_breach": True, "max_extension": Decimal("5")},
            ),
            Stage.CLOSE: (30, "calendar_days"),
        },
        code="standard",
        warn_percentages="50,90",
    )


def timer(reference: str, stage: str, round: int = 0) -> Timer:
    return Timer.objects.get(complaint__reference=reference, stage=stage, round=round)
