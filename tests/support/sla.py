"""An SLA policy of the test's own (ISO 10002 4.15, 7.3): the only one in use while it runs.

The shipped policies (data migration) may be in use in the database; each test that needs
deadlines sets its own numbers, so the dates it checks follow from what it wrote here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sori.sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Stage, UnitChoice

# Monday 10 March 2025, 10:00 in Seoul: no Korean public holiday in the weeks that follow.
RECEIVED = dt.datetime(2025, 3, 10, 1, 0, tzinfo=dt.UTC)
# Ten business days after the day of receipt, at the close of business (18:00 in Seoul):
# 11–14 March (4), 17–21 March (9), Monday 24 March (10).
DECISION_DUE = dt.datetime(2025, 3, 24, 9, 0, tzinfo=dt.UTC)


def sla_policy(
    *,
    code: str = "test-policy",
    decision_days: int = 10,
    unit: str = UnitChoice.BUSINESS_DAYS,
    extension_allowed: bool = True,
    holding_notice_percent: int | None = None,
    notify_complainant_on_breach: bool = True,
    warn_percentages: str = "75,90",
) -> SlaPolicy:
    """A policy in use with a decision target (and an internal-review one), all others unused."""
    SlaPolicy.objects.filter(active=True).update(active=False)
    calendar, _created = BusinessCalendar.objects.get_or_create(
        name="Test calendar (Seoul)",
        defaults={"time_zone": "Asia/Seoul", "country": "KR"},
    )
    policy = SlaPolicy.objects.create(
        code=code,
        name_ko="시험용 처리 기준",
        name_en="Test policy",
        source="Written by the test.",
        active=True,
        calendar=calendar,
        warn_percentages=warn_percentages,
    )
    for stage in (Stage.DECISION, Stage.INTERNAL_REVIEW):
        SlaTarget.objects.create(
            policy=policy,
            stage=stage,
            amount=Decimal(decision_days),
            unit=unit,
            extension_allowed=extension_allowed,
            holding_notice_percent=holding_notice_percent,
            notify_complainant_on_breach=notify_complainant_on_breach,
        )
    return policy
