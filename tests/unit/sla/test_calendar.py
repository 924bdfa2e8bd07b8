"""Business time on real calendars (pure core, no database).

Expected instants are worked out by hand from the holidays that `holidays` 0.109 returns:
- Korea 2025: 27 Jan 임시공휴일 (temporary), 28–30 Jan 설날 전날 / 설날 / 설날 다음날;
  6 Oct 추석 and 8 Oct 추석 대체 휴일 (substitute), 9 Oct 한글날.
- Korea 2024: 9–11 Feb (Fri–Sun) 설날, 12 Feb 설날 대체 휴일 (substitute).
- England 2024: 25 Dec Christmas Day, 26 Dec Boxing Day, 1 Jan 2025 New Year's Day.
- England 2027: 25/26 Dec fall on Saturday/Sunday; 27 and 28 Dec are "(observed)" substitutes.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sori.sla.calendar import (
    CLOSURE_NAME,
    DEFAULT_WEEK,
    Calendar,
    CalendarError,
    Shift,
    Unit,
    parse_shifts,
    parse_week,
)

KST = ZoneInfo("Asia/Seoul")
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
KOREA = Calendar()  # Asia/Seoul, Mon–Fri 09:00–18:00, Korean public holidays
ENGLAND = Calendar(
    time_zone="Europe/London", week=parse_week(WEEKDAYS_9_TO_5), country="GB", subdivision="ENG"
)


def kst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=KST)


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


# --- holidays as the library reports them -----------------------------------------------------


def test_korean_temporary_and_substitute_holidays_are_not_business_days():
    names = {
        dt.date(2025, 1, 27): "임시공휴일",
        dt.date(2025, 1, 28): "설날 전날",
        dt.date(2025, 1, 29): "설날",
        dt.date(2025, 1, 30): "설날 다음날",
        dt.date(2024, 2, 12): "설날 대체 휴일",
        dt.date(2025, 10, 8): "추석 대체 휴일",
    }
    for day, name in names.items():
        assert KOREA.holiday_name(day) == name
        assert not KOREA.is_business_day(day)
        assert KOREA.shifts_on(day) == ()
    assert KOREA.holiday_name(dt.date(2025, 1, 27), language="en_US") == "Temporary Public Holiday"
    assert KOREA.is_business_day(dt.date(2025, 1, 31))
    assert KOREA.holiday_name(dt.date(2025, 1, 31)) is None


def test_weekend_is_any_weekday_without_shifts():
    assert not KOREA.is_business_day(dt.date(2025, 2, 1))  # Saturday
    assert not KOREA.is_business_day(dt.date(2025, 2, 2))  # Sunday
    six_days = Calendar(week=(*DEFAULT_WEEK[:5], DEFAULT_WEEK[0], ()))
    assert six_days.is_business_day(dt.date(2025, 2, 1))


def test_english_christmas_substitutes_in_2027_are_bank_holidays():
    assert ENGLAND.holiday_name(dt.date(2027, 12, 27)) == "Christmas Day (observed)"
    assert ENGLAND.holiday_name(dt.date(2027, 12, 28)) == "Boxing Day (observed)"
    # Received Friday 24 Dec 2027 at noon: 27 and 28 Dec are closed, so one business day after
    # receipt is Wednesday 29 Dec, due at its close, 17:00 GMT (= UTC in winter).
    due = ENGLAND.add(london(2027, 12, 24, 12), 1, Unit.BUSINESS_DAYS)
    assert due == dt.datetime(2027, 12, 29, 17, tzinfo=UTC)


# --- 설날 2025: Friday 17:30 before the holiday and the temporary holiday -----------------------

RECEIVED_BEFORE_SEOLLAL = kst(2025, 1, 24, 17, 30)  # Friday; 27–30 Jan closed, weekend before


@pytest.mark.parametrize(
    ("amount", "unit", "due", "why"),
    [
        (3, Unit.BUSINESS_HOURS, kst(2025, 1, 31, 11, 30), "즉시: 0.5 h Fri + 2.5 h on Fri 31 Jan"),
        (1, Unit.WORKING_DAYS_8H, kst(2025, 1, 31, 16, 30), "8 h: 0.5 h Fri + 7.5 h on 31 Jan"),
        (5, Unit.WORKING_DAYS_8H, kst(2025, 2, 6, 12, 30), "40 h: 0.5 + 9 × 4 (31, 3, 4, 5) + 3.5"),
        (3, Unit.BUSINESS_DAYS, kst(2025, 2, 4, 18), "after receipt: 31 Jan, 3 Feb, 4 Feb"),
        (7, Unit.BUSINESS_DAYS_INCLUSIVE, kst(2025, 2, 7, 18), "24 Jan is day 1; 31, 3–7 Feb"),
        (30, Unit.CALENDAR_DAYS, kst(2025, 2, 24), "end of 23 Feb, the 30th day after receipt"),
    ],
)
def test_complaint_received_friday_evening_before_seollal(amount, unit, due, why):
    assert KOREA.add(RECEIVED_BEFORE_SEOLLAL, amount, unit) == due, why
    assert KOREA.measure(RECEIVED_BEFORE_SEOLLAL, due, unit) == amount


def test_korean_substitute_holiday_after_seollal_2024_is_skipped():
    # Thursday 8 Feb 2024 17:30 is the last working half hour before 설날 (Fri 9 – Sun 11 Feb) and
    # its substitute on Monday 12 Feb, so 3 working hours end on Tuesday 13 Feb at 11:30.
    received = kst(2024, 2, 8, 17, 30)
    assert KOREA.add(received, 3, Unit.BUSINESS_HOURS) == kst(2024, 2, 13, 11, 30)
    assert KOREA.add(received, 1, Unit.BUSINESS_DAYS) == kst(2024, 2, 13, 18)


def test_chuseok_2025_with_its_substitute_and_hangul_day():
    # Thursday 2 Oct 2025: 3 Oct 개천절, weekend, 6–7 Oct 추석, 8 Oct substitute, 9 Oct 한글날.
    assert KOREA.add(kst(2025, 10, 2, 17), 1, Unit.BUSINESS_DAYS) == kst(2025, 10, 10, 18)


# --- England: Christmas and Boxing Day, FCA DISP counting ---------------------------------------


def test_fca_three_business_days_after_receipt_on_christmas_eve():
    received = london(2024, 12, 24, 16)  # Tuesday; Wed 25 and Thu 26 Dec are bank holidays
    # After the day of receipt: Fri 27 (1), Mon 30 (2), Tue 31 Dec (3) -> 17:00 GMT on 31 Dec.
    due = ENGLAND.add(received, 3, Unit.BUSINESS_DAYS)
    assert due == dt.datetime(2024, 12, 31, 17, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert ENGLAND.measure(received, london(2024, 12, 31, 16, 59), Unit.BUSINESS_DAYS) < 3
    assert ENGLAND.measure(received, london(2025, 1, 2, 9, 30), Unit.BUSINESS_DAYS) > 3


def test_payment_services_15_and_35_business_days_over_christmas():
    received = london(2024, 12, 24, 16)
    # 27, 30, 31 Dec, 2, 3 Jan (5), 6–10 Jan (10), 13–17 Jan (15); then 4 more weeks to 14 Feb (35).
    assert ENGLAND.add(received, 15, Unit.BUSINESS_DAYS) == dt.datetime(2025, 1, 17, 17, tzinfo=UTC)
    assert ENGLAND.add(received, 35, Unit.BUSINESS_DAYS) == dt.datetime(2025, 2, 14, 17, tzinfo=UTC)


# --- a DST change in London ---------------------------------------------------------------------


def test_business_hours_across_the_spring_dst_change_in_london():
    # Friday 28 Mar 2025 16:00 GMT: 1 h left that day; clocks go forward on Sunday 30 Mar, so the
    # second hour ends at 10:00 BST on Monday 31 Mar, which is 09:00 UTC.
    due = ENGLAND.add(london(2025, 3, 28, 16), 2, Unit.BUSINESS_HOURS)
    assert due == dt.datetime(2025, 3, 31, 9, tzinfo=UTC)


def test_calendar_days_across_a_23_hour_day():
    received = london(2025, 3, 29, 12)  # Saturday; Sunday 30 Mar has 23 hours
    due = ENGLAND.add(received, 1, Unit.CALENDAR_DAYS)
    assert due == dt.datetime(2025, 3, 30, 23, tzinfo=UTC)  # 00:00 BST on 31 Mar
    # 11:00 UTC on 30 Mar is 11 of the day's 23 hours.
    noon = dt.datetime(2025, 3, 30, 11, tzinfo=UTC)
    assert ENGLAND.measure(received, noon, Unit.CALENDAR_DAYS) == Decimal(11) / 23


def test_a_night_shift_lasts_the_hours_that_really_pass_over_dst():
    nights = Calendar(time_zone="Europe/London", week=((Shift(dt.time(0), dt.time(4)),),) * 7)
    spring, autumn = dt.date(2025, 3, 30), dt.date(2025, 10, 26)
    day_length = nights.business_seconds_between
    assert day_length(london(2025, 3, 30), london(2025, 3, 30, 12)) == 3 * 3600
    assert day_length(london(2025, 10, 26), london(2025, 10, 26, 12)) == 5 * 3600
    assert nights.shifts_on(spring) == nights.shifts_on(autumn)


# --- behaviour at the edges of working time -----------------------------------------------------


def test_starting_outside_working_time_starts_at_the_next_shift():
    saturday = kst(2025, 2, 8, 10)
    assert KOREA.add(saturday, 1, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 10)
    assert KOREA.add(kst(2025, 2, 10, 7), 1, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 10)


def test_using_up_a_shift_exactly_ends_at_that_shift_end():
    assert KOREA.add(kst(2025, 2, 10, 17), 1, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 18)
    assert KOREA.is_working_time(kst(2025, 2, 10, 18))
    assert not KOREA.is_working_time(kst(2025, 2, 10, 18, 0, 1))


def test_zero_hours_is_the_first_working_instant_at_or_after_start():
    assert KOREA.add(kst(2025, 2, 8, 10), 0, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 9)
    assert KOREA.add(kst(2025, 2, 10, 11), 0, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 11)
    assert KOREA.add(kst(2025, 2, 10, 18), 0, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 18)


def test_split_shifts_leave_the_lunch_break_out():
    lunch = Calendar(week=parse_week({"mon": [["09:00", "12:00"], ["13:00", "18:00"]]}))
    monday = kst(2025, 2, 10, 11)
    assert lunch.add(monday, 2, Unit.BUSINESS_HOURS) == kst(2025, 2, 10, 14)
    assert lunch.measure(monday, kst(2025, 2, 10, 14), Unit.BUSINESS_HOURS) == 2
    assert lunch.add(monday, 1, Unit.BUSINESS_DAYS) == kst(2025, 2, 17, 18)  # next Monday


def test_closures_and_extra_working_days_override_the_week():
    closed = dt.date(2025, 2, 12)  # a Wednesday
    saturday = dt.date(2025, 2, 15)
    seollal = dt.date(2025, 1, 29)
    calendar = Calendar(
        closures=frozenset({closed}),
        extra_days=(
            (saturday, (Shift(dt.time(10), dt.time(14)),)),
            (seollal, (Shift(dt.time(9), dt.time(12)),)),
        ),
    )
    assert calendar.holiday_name(closed) == CLOSURE_NAME
    assert calendar.holiday_name(seollal) == "설날"  # still the holiday, but worked
    assert not calendar.is_business_day(closed)
    assert calendar.is_business_day(saturday)
    assert calendar.shifts_on(seollal) == (Shift(dt.time(9), dt.time(12)),)
    # Tue 11 Feb close -> (Wed closed) Thu 13, Fri 14, Sat 15 10:00–14:00.
    assert calendar.add(kst(2025, 2, 11, 17), 3, Unit.BUSINESS_DAYS) == kst(2025, 2, 15, 14)
    assert calendar.add(kst(2025, 1, 28, 8), 3, Unit.BUSINESS_HOURS) == kst(2025, 1, 29, 12)


def test_business_days_count_the_share_of_the_current_day():
    received = kst(2025, 2, 10, 15)  # Monday
    assert KOREA.measure(received, kst(2025, 2, 11, 12), Unit.BUSINESS_DAYS) == Decimal(3) / 9
    assert KOREA.measure(received, kst(2025, 2, 12, 18), Unit.BUSINESS_DAYS) == 2
    assert KOREA.measure(received, kst(2025, 2, 10, 17), Unit.BUSINESS_DAYS) == 0


def test_inclusive_days_count_the_day_of_receipt_even_after_close():
    # 민원처리법: 첫날 산입. Received Monday 20:00, after close: Monday is still day 1, so a
    # one-day period already ended at 18:00 and a 7-day one ends at close on Tuesday next week.
    received = kst(2025, 2, 10, 20)
    assert KOREA.add(received, 1, Unit.BUSINESS_DAYS_INCLUSIVE) == kst(2025, 2, 10, 18)
    assert KOREA.add(received, 7, Unit.BUSINESS_DAYS_INCLUSIVE) == kst(2025, 2, 18, 18)
    assert KOREA.measure(received, received, Unit.BUSINESS_DAYS_INCLUSIVE) == 1
    # Received on a Saturday: Monday is day 1.
    saturday = kst(2025, 2, 8, 10)
    assert KOREA.add(saturday, 1, Unit.BUSINESS_DAYS_INCLUSIVE) == kst(2025, 2, 10, 18)


def test_measures_are_zero_when_end_is_not_after_start():
    start = kst(2025, 2, 10, 10)
    assert KOREA.business_seconds_between(start, start - dt.timedelta(hours=1)) == 0
    for unit in (Unit.BUSINESS_HOURS, Unit.BUSINESS_DAYS, Unit.CALENDAR_DAYS):
        assert KOREA.measure(start, start, unit) == 0


def test_a_pause_moves_the_due_instant_by_the_business_time_spent_waiting():
    due = kst(2025, 2, 14, 17)  # Friday
    # Paused Tue 10:00 – Wed 11:00: 8 + 2 = 10 working hours; 1 h on Friday + 9 h on Monday.
    moved = KOREA.shift_due(due, kst(2025, 2, 11, 10), kst(2025, 2, 12, 11), Unit.BUSINESS_HOURS)
    assert moved == kst(2025, 2, 17, 18)
    # Calendar days move by the wall-clock time paused, weekends included.
    moved = KOREA.shift_due(due, kst(2025, 2, 8), kst(2025, 2, 10), Unit.CALENDAR_DAYS)
    assert moved == kst(2025, 2, 16, 17)
    assert KOREA.shift_due(due, due, due, Unit.BUSINESS_DAYS) == due


def test_business_seconds_round_trip():
    start = kst(2025, 1, 24, 17, 30)
    due = KOREA.add_business_seconds(start, 3 * 3600)
    assert due == kst(2025, 1, 31, 11, 30)
    assert KOREA.business_seconds_between(start, due) == 3 * 3600


def test_naive_instants_and_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        KOREA.add(dt.datetime(2025, 2, 10, 9), 1, Unit.BUSINESS_HOURS)
    with pytest.raises(ValueError, match="zero or more"):
        KOREA.add(kst(2025, 2, 10, 9), -1, Unit.BUSINESS_DAYS)
    with pytest.raises(ValueError, match="zero or more"):
        KOREA.add_business_seconds(kst(2025, 2, 10, 9), -5)


def test_adding_60_business_days_and_measuring_a_year_take_well_under_a_millisecond():
    start, end = kst(2025, 3, 3, 10), kst(2026, 3, 3, 10)
    KOREA.measure(start, end, Unit.BUSINESS_DAYS)  # build the year tables once
    began = time.perf_counter()
    for _ in range(200):
        KOREA.add(start, 60, Unit.BUSINESS_DAYS)
        KOREA.add(start, 480, Unit.BUSINESS_HOURS)
        KOREA.measure(start, end, Unit.BUSINESS_DAYS)
        KOREA.business_seconds_between(start, end)
    assert (time.perf_counter() - began) / 200 < 0.001


# --- definitions: parse_week and validation -----------------------------------------------------


def test_parse_week_reads_split_shifts_and_closes_missing_days():
    week = parse_week({"MON": [["13:00", "18:00"], ["09:00", "12:00"]], "sat": []})
    assert week[0] == (Shift(dt.time(9), dt.time(12)), Shift(dt.time(13), dt.time(18)))
    assert week[1:] == ((),) * 6
    assert parse_week({d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}) == (
        DEFAULT_WEEK
    )
    assert parse_shifts([["08:30", "12:00:30"]]) == (Shift(dt.time(8, 30), dt.time(12, 0, 30)),)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ({"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}, "mon: the shifts 09:00–13:00 and"),
        ({"tue": [["18:00", "09:00"]]}, "tue: the shift 18:00–09:00 ends before it starts"),
        ({"wed": [["9am", "18:00"]]}, "wed: '9am' is not a time of day"),
        ({"thu": [["09:00", "24:00"]]}, "thu: '24:00' is not a time of day"),
        ({"fri": [["09:00"]]}, "fri: each shift is a pair [start, end]"),
        ({"fri": "09:00-18:00"}, "fri: give a list of [start, end] pairs"),
        ({"monday": []}, "Unknown weekday 'monday'"),
    ],
)
def test_parse_week_says_what_is_wrong(spec, says):
    with pytest.raises(CalendarError) as raised:
        parse_week(spec)
    assert says in str(raised.value)
    # The msgid and its parameters let a front-end translate the message.
    assert raised.value.message % raised.value.params == str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone"),
        ({"country": "XX"}, "does not know country XX"),
        ({"country": "GB", "subdivision": "XYZ"}, "GB / XYZ"),
        ({"country": None, "subdivision": "ENG"}, "needs a country"),
        ({"week": DEFAULT_WEEK[:5]}, "seven days"),
        ({"week": ((),) * 7}, "no working hours"),
        (
            {
                "closures": frozenset({dt.date(2025, 2, 15)}),
                "extra_days": ((dt.date(2025, 2, 15), DEFAULT_WEEK[0]),),
            },
            "both a closure and an extra working day",
        ),
        ({"extra_days": ((dt.date(2025, 2, 15), ()),)}, "needs hours"),
    ],
)
def test_invalid_calendars_are_refused(kwargs, says):
    with pytest.raises(CalendarError, match=says):
        Calendar(**kwargs)


def test_shift_must_end_after_it_starts():
    with pytest.raises(CalendarError, match="ends before it starts"):
        Shift(dt.time(12), dt.time(12))


def test_equal_calendars_are_equal_and_hashable():
    again = Calendar(week=tuple(list(day) for day in DEFAULT_WEEK))  # type: ignore[arg-type]
    assert again == KOREA
    assert hash(again) == hash(KOREA)
    assert Calendar(country=None).holiday_name(dt.date(2025, 1, 29)) is None
