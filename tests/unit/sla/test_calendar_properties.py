"""Properties of business time, checked on several real calendars (pure core, no database).

A slow day-by-day reference (`reference_seconds`) serves as the oracle for the fast, year-table
arithmetic, including across DST changes in New York and London.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sori.sla.calendar import Calendar, Shift, Unit, parse_week

UTC = dt.UTC
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

KOREA = Calendar()
ENGLAND = Calendar(
    time_zone="Europe/London",
    week=parse_week({day: [["09:00", "17:00"]] for day in WEEKDAYS}),
    country="GB",
    subdivision="ENG",
)
# Split shifts plus a night shift over 02:00, the hour US clocks skip or repeat.
NEW_YORK = Calendar(
    time_zone="America/New_York",
    week=parse_week(
        {
            **{
                day: [["00:30", "03:30"], ["09:00", "12:00"], ["13:00", "17:30"]]
                for day in WEEKDAYS
            },
            "sat": [["10:00", "13:00"]],
        }
    ),
    country="US",
    subdivision="NY",
)
KOREA_WITH_OVERRIDES = Calendar(
    closures=frozenset({dt.date(2025, 2, 12), dt.date(2025, 12, 31)}),
    extra_days=(
        (dt.date(2025, 1, 28), (Shift(dt.time(10), dt.time(12)),)),
        (dt.date(2025, 3, 8), (Shift(dt.time(9), dt.time(13)),)),
    ),
)
# Chile changes its clocks at midnight, so some local days start at 01:00 or have two midnights.
SANTIAGO = Calendar(
    time_zone="America/Santiago",
    week=parse_week({day: [["00:00", "01:00"], ["09:00", "18:00"]] for day in (*WEEKDAYS, "sun")}),
    country="CL",
)
CALENDARS = (KOREA, ENGLAND, NEW_YORK, KOREA_WITH_OVERRIDES, SANTIAGO)
BOUNDARIES = tuple(
    dt.time(h, m) for h, m in ((0, 0), (0, 30), (1, 0), (3, 30), (9, 0), (12, 0), (17, 0), (18, 0))
)
BUSINESS_UNITS = (
    Unit.BUSINESS_HOURS,
    Unit.WORKING_DAYS_8H,
    Unit.BUSINESS_DAYS,
    Unit.BUSINESS_DAYS_INCLUSIVE,
)
FAST = settings(max_examples=200, deadline=None)

calendars = st.sampled_from(CALENDARS)
units = st.sampled_from(tuple(Unit))
random_instants = st.datetimes(
    min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2027, 6, 30)
).map(lambda naive: naive.replace(tzinfo=UTC))


@st.composite
def instants(draw, calendar: Calendar) -> dt.datetime:
    """Any instant, or a shift or day boundary in the calendar's zone (where off-by-one errors live)."""
    if draw(st.booleans()):
        return draw(random_instants)
    day = draw(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 6, 30)))
    at = dt.datetime.combine(day, draw(st.sampled_from(BOUNDARIES)), ZoneInfo(calendar.time_zone))
    return at.astimezone(UTC)


@st.composite
def amounts(draw, unit: Unit) -> Decimal:
    if unit in (Unit.BUSINESS_HOURS, Unit.WORKING_DAYS_8H):
        return Decimal(draw(st.integers(min_value=0, max_value=40_000))) / 100
    return Decimal(draw(st.integers(min_value=0, max_value=80)))


def reference_seconds(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    """Working seconds in [start, end], one local day at a time, straight from `shifts_on`."""
    zone = ZoneInfo(calendar.time_zone)
    day = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date() + dt.timedelta(days=1)
    total = 0.0
    while day <= last:
        for shift in calendar.shifts_on(day):
            begin = dt.datetime.combine(day, shift.start, zone).astimezone(UTC)
            finish = dt.datetime.combine(day, shift.end, zone).astimezone(UTC)
            if min(finish, end) > max(begin, start):
                total += (min(finish, end) - max(begin, start)).total_seconds()
        day += dt.timedelta(days=1)
    return total


def received_after_close(calendar: Calendar, start: dt.datetime) -> bool:
    """Inclusive days: a receipt at or after close on a business day has already used day 1."""
    zone = ZoneInfo(calendar.time_zone)
    day = start.astimezone(zone).date()
    shifts = calendar.shifts_on(day)
    return bool(shifts) and start >= dt.datetime.combine(day, shifts[-1].end, zone)


@FAST
@given(st.data(), calendars, units)
def test_adding_then_measuring_returns_the_amount(data, calendar, unit):
    start = data.draw(instants(calendar))
    amount = data.draw(amounts(unit))
    if unit is Unit.BUSINESS_DAYS_INCLUSIVE:
        assume(amount >= 1 or not received_after_close(calendar, start))
    due = calendar.add(start, amount, unit)
    assert due.tzinfo is UTC
    assert calendar.measure(start, due, unit) == amount


@FAST
@given(st.data(), calendars, st.sampled_from(BUSINESS_UNITS))
def test_a_due_instant_is_never_on_a_closed_day_or_outside_working_hours(data, calendar, unit):
    start = data.draw(instants(calendar))
    due = calendar.add(start, data.draw(amounts(unit)), unit)
    local_day = due.astimezone(ZoneInfo(calendar.time_zone)).date()
    assert calendar.is_working_time(due)
    assert calendar.is_business_day(local_day)
    if not calendar.extra_days:
        assert calendar.holiday_name(local_day) is None


@FAST
@given(st.data(), calendars, units)
def test_later_or_longer_never_gives_an_earlier_due_instant(data, calendar, unit):
    first, second = sorted((data.draw(instants(calendar)), data.draw(instants(calendar))))
    small, large = sorted((data.draw(amounts(unit)), data.draw(amounts(unit))))
    assert calendar.add(first, small, unit) <= calendar.add(first, large, unit)
    assert calendar.add(first, small, unit) <= calendar.add(second, small, unit)


@FAST
@given(st.data(), calendars, units)
def test_measures_grow_with_the_end_instant(data, calendar, unit):
    start = data.draw(instants(calendar))
    early, late = sorted((data.draw(instants(calendar)), data.draw(instants(calendar))))
    assert calendar.measure(start, early, unit) <= calendar.measure(start, late, unit)
    assert calendar.measure(start, late, unit) >= 0


@FAST
@given(st.data(), calendars, st.sampled_from(BUSINESS_UNITS))
def test_measure_passes_the_limit_once_working_time_passes_the_due_instant(data, calendar, unit):
    start, end = data.draw(instants(calendar)), data.draw(instants(calendar))
    amount = data.draw(amounts(unit))
    assume(amount > 0)
    if unit is Unit.BUSINESS_DAYS_INCLUSIVE:
        assume(not received_after_close(calendar, start))
    due = calendar.add(start, amount, unit)
    over = calendar.measure(start, end, unit) > amount
    assert over == (calendar.business_seconds_between(due, end) > 0)


@settings(max_examples=100, deadline=None)
@given(st.data(), calendars)
def test_business_seconds_match_a_day_by_day_reference(data, calendar):
    start = data.draw(instants(calendar))
    end = start + data.draw(
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=90))
    )
    expected = reference_seconds(calendar, start, end)
    assert calendar.business_seconds_between(start, end) == pytest.approx(expected, abs=1e-6)


@FAST
@given(st.data(), calendars)
def test_business_seconds_add_up_and_round_trip(data, calendar):
    a, b, c = sorted(data.draw(instants(calendar)) for _ in range(3))
    between = calendar.business_seconds_between
    assert between(a, b) + between(b, c) == pytest.approx(between(a, c), abs=1e-6)
    seconds = data.draw(st.integers(min_value=0, max_value=400 * 3600))
    assert between(a, calendar.add_business_seconds(a, seconds)) == seconds


DST_CHANGES = (
    dt.datetime(2024, 3, 10, 7, tzinfo=UTC),  # New York, spring forward
    dt.datetime(2024, 11, 3, 6, tzinfo=UTC),  # New York, fall back
    dt.datetime(2025, 3, 30, 1, tzinfo=UTC),  # London, spring forward
    dt.datetime(2025, 10, 26, 1, tzinfo=UTC),  # London, fall back
    dt.datetime(2024, 9, 8, 4, tzinfo=UTC),  # Santiago, spring forward at midnight
    dt.datetime(2025, 4, 6, 3, tzinfo=UTC),  # Santiago, fall back at midnight
)


@FAST
@given(
    st.sampled_from((NEW_YORK, ENGLAND, SANTIAGO)),
    st.sampled_from(DST_CHANGES),
    st.integers(min_value=-4 * 86_400_000_000, max_value=86_400_000_000),
    st.integers(min_value=0, max_value=3 * 86_400_000_000),
    units,
)
def test_arithmetic_is_exact_across_dst_changes(calendar, change, before, span, unit):
    start = change + dt.timedelta(microseconds=before)
    end = start + dt.timedelta(microseconds=span)
    expected = reference_seconds(calendar, start, end)
    assert calendar.business_seconds_between(start, end) == pytest.approx(expected, abs=1e-6)
    amount = Decimal(span // 3_600_000_000)
    if unit is Unit.BUSINESS_DAYS_INCLUSIVE:
        assume(amount >= 1 or not received_after_close(calendar, start))
    assert calendar.measure(start, calendar.add(start, amount, unit), unit) == amount


@FAST
@given(st.data(), calendars, units)
def test_a_pause_moves_the_due_instant_by_the_time_paused(data, calendar, unit):
    due = data.draw(instants(calendar))
    paused_start, paused_end = sorted(
        (data.draw(instants(calendar)), data.draw(instants(calendar)))
    )
    moved = calendar.shift_due(due, paused_start, paused_end, unit)
    if unit is Unit.CALENDAR_DAYS:
        assert moved - due == paused_end - paused_start
    else:
        paused = calendar.business_seconds_between(paused_start, paused_end)
        assert calendar.business_seconds_between(due, moved) == pytest.approx(paused, abs=1e-6)
        assert moved >= due


@FAST
@given(st.data(), calendars, st.sampled_from(tuple(Unit)[2:]))
def test_fractional_days_round_trip_to_the_microsecond(data, calendar, unit):
    start = data.draw(instants(calendar))
    amount = Decimal(data.draw(st.integers(min_value=1, max_value=4000))) / 100
    if unit is Unit.BUSINESS_DAYS_INCLUSIVE:
        assume(amount >= 1 or not received_after_close(calendar, start))
    assert abs(calendar.measure(start, calendar.add(start, amount, unit), unit) - amount) < Decimal(
        "1e-9"
    )
