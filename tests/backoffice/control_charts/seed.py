"""A seeded organisation for the control charts (ISO 10002 8.2), shared by the page and service
tests: two units, a "billing" category (with a sub-category) routed to north and "delivery"
routed to south, and twelve months of complaints received through the real intake service.

Now is 15 January 2026 in Seoul, so the last 12 full months are 2025-01 … 2025-12. Billing
receives about five complaints a month and 20 in August 2025 (one of them in the sub-category):
c̄ = 75 / 12 = 6.25, UCL = 6.25 + 3√6.25 = 13.75, so August is beyond the upper limit and no
other Western Electric rule fires (no other point is beyond 1σ; the seven months before August
are below the centre line, one short of a run of eight). Delivery receives one or two a month
and has no signal. (Small numbers keep the seeding through the real services quick.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from sori.accounts.models import Unit
from sori.complaints.models import Category
from sori.core import clock

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=SEOUL)
MONTHS = [dt.date(2025, month, 1) for month in range(1, 13)]
BILLING = [5, 4, 6, 5, 6, 4, 5, 20, 6, 4, 5, 5]
DELIVERY = [2, 1, 2, 2, 1, 2, 1, 2, 2, 1, 2, 1]
SPIKE = dt.date(2025, 8, 1)


def organisation() -> dict[str, object]:
    north = Unit.objects.create(code="north", name_ko="북부", name_en="North")
    south = Unit.objects.create(code="south", name_ko="남부", name_en="South")
    billing = Category.objects.create(
        code="billing", label_ko="요금", label_en="Billing", unit=north
    )
    Category.objects.create(
        code="billing-refund", label_ko="환불", label_en="Refunds", parent=billing, unit=north
    )
    Category.objects.create(code="delivery", label_ko="배송", label_en="Delivery", unit=south)
    return {"north": north, "south": south}


def receive(
    submit: Callable[..., object],
    counts: Sequence[int],
    category: str,
    *,
    months: Sequence[dt.date] = MONTHS,
    odd_category: str | None = None,
) -> None:
    """``counts[i]`` complaints in ``months[i]``, each at 10:00 in Seoul on days 1 to 27."""
    for month, count in zip(months, counts, strict=True):
        for index in range(count):
            when = dt.datetime(month.year, month.month, index % 27 + 1, 10, 0, tzinfo=SEOUL)
            code = odd_category if odd_category and index == 0 and count >= 20 else category
            with clock.frozen_at(when):
                submit(f"{category} 문의 {month:%Y-%m} #{index}", category=code)


def seed(submit: Callable[..., object], *, delivery: bool = True) -> dict[str, object]:
    places = organisation()
    receive(submit, BILLING, "billing", odd_category="billing-refund")
    if delivery:
        receive(submit, DELIVERY, "delivery")
    return places
