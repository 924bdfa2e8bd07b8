"""Which complaints an analysis covers: the viewer's scope, then the page's filters (ISO 10002 8.2).

Every analysis (KPIs, dashboards, control charts, recurring groups, objectives) starts here, so
they agree on which complaints exist. Unknown codes are refused, not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sori.accounts.models import Unit
from sori.complaints.models import Category, Channel, Complaint
from sori.complaints.scope import visible
from sori.core.actors import Actor
from sori.core.errors import InvalidInput

# A longer period would be a report, not a monitoring view; five years covers any review.
MAX_PERIOD_DAYS = 5 * 365 + 2


@dataclass(frozen=True)
class AnalyticsFilter:
    """A period (days in the organisation's time zone, both ends included) and optional narrowing."""

    period_from: dt.date
    period_to: dt.date
    unit: str = ""  # a unit code
    category: str = ""  # a category code; its sub-categories count too
    channel: str = ""
    product: str = ""  # the product or service as recorded, matched exactly
    # Customers served in the period, for the rate per 1,000 customers (None: from the figures).
    customers: int | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return period_bounds(self.period_from, self.period_to)


def time_zone() -> ZoneInfo:
    return ZoneInfo(str(getattr(settings, "SORI_TIME_ZONE", "") or "Asia/Seoul"))


def period_bounds(period_from: dt.date, period_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[00:00 of the first day, 00:00 after the last day) in the organisation's time zone, as UTC."""
    zone = time_zone()
    start = dt.datetime.combine(period_from, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def month_after(day: dt.date) -> dt.date:
    """The first day of the month after the one ``day`` is in."""
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def check_period(period_from: dt.date, period_to: dt.date) -> None:
    if period_from > period_to:
        raise InvalidInput(
            _("The start of the period must not be after its end."),
            code="invalid_period",
            field="from",
        )
    if (period_to - period_from).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("The period may be at most five years long."), code="period_too_long", field="to"
        )


def scoped(
    viewer: Actor,
    *,
    unit: str = "",
    category: str = "",
    channel: str = "",
    product: str = "",
) -> QuerySet[Complaint]:
    """The viewer's complaints, narrowed by the filters."""
    rows = Complaint.objects.filter(visible(viewer))
    if unit:
        unit_id = Unit.objects.filter(code=unit).values_list("pk", flat=True).first()
        if unit_id is None:
            raise InvalidInput(_("There is no unit with this code."), code="unknown_unit",
                               field="unit")  # fmt: skip
        rows = rows.filter(unit_id=unit_id)
    if category:
        if not Category.objects.filter(code=category).exists():
            raise InvalidInput(_("There is no category with this code."),
                               code="unknown_category", field="category")  # fmt: skip
        # A category counts its sub-categories (two levels below it).
        rows = rows.filter(
            Q(category__code=category)
            | Q(category__parent__code=category)
            | Q(category__parent__parent__code=category)
        )
    if channel:
        if channel not in Channel.values:
            raise InvalidInput(_("There is no channel with this code."), code="unknown_channel",
                               field="channel")  # fmt: skip
        rows = rows.filter(channel=channel)
    if product:
        rows = rows.filter(product_or_service=product.strip())
    return rows


def filtered(viewer: Actor, spec: AnalyticsFilter) -> QuerySet[Complaint]:
    """``scoped`` for a whole filter, after checking its period."""
    check_period(spec.period_from, spec.period_to)
    return scoped(
        viewer,
        unit=spec.unit,
        category=spec.category,
        channel=spec.channel,
        product=spec.product,
    )
