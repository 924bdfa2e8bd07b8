"""How many customers were served in a period, from the figures entered per month (ISO 10002 8.4).

"Complaints per 1,000 customers" needs a denominator: given by hand (the API's ``customers``) or
summed here from ``ExposureFigure`` — the organisation's figures, or the unit's for a unit — when
the period is whole months and every one of them has its figure. Anything less gives no value
rather than a rate over part of the customers.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum

from sori.analytics.filters import month_after
from sori.analytics.models import ExposureFigure


def _month_starts(period_from: dt.date, period_to: dt.date) -> list[dt.date] | None:
    """The first days of the months the period covers exactly, or None if it cuts a month."""
    after = period_to + dt.timedelta(days=1)
    if period_from.day != 1 or after.day != 1:
        return None
    months = []
    month = period_from
    while month < after:
        months.append(month)
        month = month_after(month)
    return months


def customers_in(period_from: dt.date, period_to: dt.date, unit: str = "") -> int | None:
    months = _month_starts(period_from, period_to)
    if not months:
        return None
    figures = ExposureFigure.objects.filter(month__in=months)
    figures = figures.filter(unit__code=unit) if unit else figures.filter(unit__isnull=True)
    found = figures.aggregate(months=Count("month", distinct=True), customers=Sum("customers"))
    if found["months"] != len(months) or not found["customers"]:
        return None
    return int(found["customers"])
