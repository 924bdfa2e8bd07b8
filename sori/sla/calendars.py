"""Business calendars from the database, as the pure ``Calendar`` the arithmetic needs."""

from __future__ import annotations

import datetime as dt

from sori.sla.calendar import Calendar, Shift, parse_shifts, parse_week
from sori.sla.models import BusinessCalendar, DayKind, SlaPolicy


def default_calendar_row() -> BusinessCalendar | None:
    return BusinessCalendar.objects.order_by("-is_default", "pk").first()


def as_calendar(row: BusinessCalendar | None) -> Calendar:
    """The pure calendar for ``row``; with no calendar configured, Korea's working week."""
    if row is None:
        return Calendar()
    closures: set[dt.date] = set()
    extra: list[tuple[dt.date, tuple[Shift, ...]]] = []
    for day in row.days.all():
        if day.kind == DayKind.CLOSED:
            closures.add(day.date)
        else:
            extra.append((day.date, parse_shifts(day.hours, day.date.isoformat())))
    return Calendar(
        time_zone=row.time_zone,
        week=parse_week(row.hours),
        country=row.country or None,
        subdivision=row.subdivision or None,
        closures=frozenset(closures),
        extra_days=tuple(sorted(extra)),
    )


def calendar_for(policy: SlaPolicy | None) -> Calendar:
    """The calendar a policy counts against: its own, or the default one."""
    row = policy.calendar if policy is not None and policy.calendar_id else default_calendar_row()
    return as_calendar(row)
