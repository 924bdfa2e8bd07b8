"""Business time: working hours, public holidays and closures in one time zone.

ISO 10002 7.3 asks that complaints are addressed promptly against published time limits, and
regulators count those limits in working hours, business days or calendar days (SLA templates in
docs/iso10002-requirements.md §4 and §7). This module turns a limit into a due instant and measures
elapsed business time, so every clock in Sori counts the same way.

Pure on purpose (stdlib, ``holidays``, ``zoneinfo``; no Django, no ORM): the calendar tables are
turned into `Calendar` objects elsewhere, and the arithmetic is property-tested without a database.

Model: each local date has zero or more working spans (its shifts as real UTC instants, so a shift
that spans a DST change lasts the time that really elapses). Business time is the real time inside
those spans; a span's end is inclusive, so a limit that uses up a shift exactly is that shift's end.
Spans and running totals are computed once per year and cached: adding or measuring skips whole days
with a binary search instead of stepping through them.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from sori.sla.shifts import (
    DEFAULT_WEEK,
    WEEKDAYS,
    CalendarError,
    Shift,
    _ordered_shifts,
    gettext_noop,
    parse_shifts,
    parse_week,
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_US_PER_HOUR = 3_600_000_000
_FOREVER = 1 << 62  # microseconds beyond any instant a datetime can hold
_EMPTY_YEARS_LIMIT = 3  # years in a row without working time before a search gives up

__all__ = [
    "CLOSURE_NAME",
    "DEFAULT_WEEK",
    "WEEKDAYS",
    "Calendar",
    "CalendarError",
    "Shift",
    "Unit",
    "parse_shifts",
    "parse_week",
]

Span = tuple[int, int]  # [start, end] in microseconds since the Unix epoch, UTC

CLOSURE_NAME = gettext_noop("Organisation closure")


class Unit(StrEnum):
    """How a time limit is counted (docs/iso10002-requirements.md §4 and §7).

    - BUSINESS_HOURS: working hours (민원처리법 "즉시" = 3 working hours).
    - WORKING_DAYS_8H: N days of 8 working hours (민원처리법, periods of 5 days or less).
    - BUSINESS_DAYS: close of business on the Nth business day after the day of receipt (FCA, PSD2).
    - BUSINESS_DAYS_INCLUSIVE: the same, the day of receipt being day 1 when it is a business day
      (민원처리법, periods of 6 days or more: 첫날 산입).
    - CALENDAR_DAYS: the end (next local midnight) of the Nth calendar day after the day of receipt
      (ASIC RG 271, CFPB).
    """

    BUSINESS_HOURS = "business_hours"
    WORKING_DAYS_8H = "working_days_8h"
    BUSINESS_DAYS = "business_days"
    BUSINESS_DAYS_INCLUSIVE = "business_days_inclusive"
    CALENDAR_DAYS = "calendar_days"


@functools.lru_cache(maxsize=64)
def _check_country(country: str, subdivision: str | None) -> str | None:
    """Validate the pair once and return the country's own language for holiday names."""
    try:
        return holidays.country_holidays(country, subdiv=subdivision).default_language
    except NotImplementedError as error:
        raise CalendarError(
            gettext_noop("The holidays library does not know country %(country)s / %(sub)s."),
            country=country,
            sub=subdivision or "-",
        ) from error


@functools.lru_cache(maxsize=512)
def _holiday_names(
    country: str, subdivision: str | None, year: int, language: str | None
) -> Mapping[dt.date, str]:
    # An explicit language: without one `holidays` follows the process locale (LANG), not the country.
    language = language or _check_country(country, subdivision)
    found = holidays.country_holidays(country, subdiv=subdivision, years=year, language=language)
    return dict(found)


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    # Substitute (대체공휴일) and temporary (임시공휴일) holidays are in the library's default set.
    return frozenset(_holiday_names(country, subdivision, year, None))


class _Year:
    """One year of a calendar: spans per day and running totals (index i = days before day i)."""

    __slots__ = ("count", "days", "first", "work")

    def __init__(self, first: int, days: list[tuple[Span, ...]]) -> None:
        self.first, self.days = first, days
        self.work, self.count = [0], [0]
        for spans in days:
            total = sum(end - start for start, end in spans)
            self.work.append(self.work[-1] + total)
            self.count.append(self.count[-1] + (1 if total else 0))


class _State:
    def __init__(self, calendar: Calendar) -> None:
        self.zone = ZoneInfo(calendar.time_zone)
        self.extra = dict(calendar.extra_days)
        self.years: dict[int, _Year] = {}


@functools.lru_cache(maxsize=64)
def _state_for(calendar: Calendar) -> _State:
    # Keyed by value: equal calendars built afresh from the database share their year tables.
    return _State(calendar)


def _to_us(instant: dt.datetime) -> int:
    if not isinstance(instant, dt.datetime) or instant.utcoffset() is None:
        raise ValueError("business time needs timezone-aware datetimes")
    return (instant - _EPOCH) // _MICRO


def _from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


def _local_us(day: dt.date, time: dt.time, zone: ZoneInfo) -> int:
    # fold=0: an ambiguous wall time is its first occurrence; a skipped one moves forward by the gap.
    return (dt.datetime.combine(day, time, tzinfo=zone) - _EPOCH) // _MICRO


def _amount(value: Decimal | int | float) -> Decimal:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"a time limit must be a finite amount of zero or more, not {value!r}")
    return number


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_EVEN))


def _fraction(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole)


def _walk(spans: tuple[Span, ...], amount: int) -> int:
    """The instant `amount` µs of working time into a day (its first span start for 0)."""
    for start, end in spans:
        if amount <= end - start:
            return start + amount
        amount -= end - start
    raise AssertionError("a day was asked for more working time than it has")


@dataclass(frozen=True)
class Calendar:
    """Working time of one organisation in one time zone. Build once; every method is pure."""

    time_zone: str = "Asia/Seoul"
    week: tuple[tuple[Shift, ...], ...] = DEFAULT_WEEK  # index 0 = Monday
    country: str | None = "KR"  # `holidays` country code; None = no public holidays
    subdivision: str | None = None  # e.g. "ENG" with country "GB"
    closures: frozenset[dt.date] = frozenset()  # organisation closed on top of public holidays
    # Extra working days with their hours; they override weekends, holidays (and nothing else).
    extra_days: tuple[tuple[dt.date, tuple[Shift, ...]], ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
            raise CalendarError(
                gettext_noop("Unknown time zone %(zone)s."), zone=repr(self.time_zone)
            ) from error
        if len(self.week) != 7:
            raise CalendarError(gettext_noop("A week has seven days, Monday first."))
        week = tuple(_ordered_shifts(WEEKDAYS[i], tuple(day)) for i, day in enumerate(self.week))
        closures = frozenset(self.closures)
        extra: dict[dt.date, tuple[Shift, ...]] = {}
        for day, shifts in self.extra_days:
            label = day.isoformat()
            if day in extra:
                raise CalendarError(gettext_noop("%(day)s is given twice."), day=label)
            if day in closures:
                raise CalendarError(
                    gettext_noop("%(day)s cannot be both a closure and an extra working day."),
                    day=label,
                )
            if not shifts:
                raise CalendarError(
                    gettext_noop("%(day)s: an extra working day needs hours."), day=label
                )
            extra[day] = _ordered_shifts(label, tuple(shifts))
        if self.country is None and self.subdivision is not None:
            raise CalendarError(gettext_noop("A subdivision needs a country."))
        if self.country is not None:
            _check_country(self.country, self.subdivision)
        if not any(week) and not extra:
            raise CalendarError(gettext_noop("The calendar has no working hours."))
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "closures", closures)
        object.__setattr__(self, "extra_days", tuple(sorted(extra.items())))

    @functools.cached_property
    def _state(self) -> _State:
        return _state_for(self)

    # --- days -------------------------------------------------------------------------------

    def holiday_name(self, day: dt.date, language: str | None = None) -> str | None:
        """The public holiday's name (in the country's language unless `language` is given), else
        `CLOSURE_NAME` (a msgid to translate) for an organisation closure, else None."""
        if self.country is not None:
            name = _holiday_names(self.country, self.subdivision, day.year, language).get(day)
            if name:
                return name
        return CLOSURE_NAME if day in self.closures else None

    def shifts_on(self, day: dt.date) -> tuple[Shift, ...]:
        extra = self._state.extra.get(day)
        if extra is not None:
            return extra
        if day in self.closures:
            return ()
        if self.country is not None and day in _holiday_dates(
            self.country, self.subdivision, day.year
        ):
            return ()
        return self.week[day.weekday()]

    def is_business_day(self, day: dt.date) -> bool:
        return bool(self.shifts_on(day))

    def is_working_time(self, instant: dt.datetime) -> bool:
        """True inside a shift, both ends included."""
        at = _to_us(instant)
        ordinal = self._ordinal(at)
        return any(
            s <= at <= e for d in (ordinal - 1, ordinal, ordinal + 1) for s, e in self._spans(d)
        )

    # --- public arithmetic ------------------------------------------------------------------

    def add(
        self, start: dt.datetime, amount: Decimal | int | float, unit: Unit | str
    ) -> dt.datetime:
        """The due instant (aware, UTC) of a limit of `amount` `unit`s that starts at `start`."""
        at, number, unit = _to_us(start), _amount(amount), Unit(unit)
        if unit is Unit.BUSINESS_HOURS:
            return _from_us(self._advance(at, _round(number * _US_PER_HOUR)))
        if unit is Unit.WORKING_DAYS_8H:  # 민원처리법: one day = 8 working hours
            return _from_us(self._advance(at, _round(number * 8 * _US_PER_HOUR)))
        if unit is Unit.CALENDAR_DAYS:
            whole = int(number)
            begin = self._midnight(self._ordinal(at) + whole + 1)
            if number == whole:
                return _from_us(begin)
            length = self._midnight(self._ordinal(at) + whole + 2) - begin
            return _from_us(begin + _round((number - whole) * length))
        return _from_us(self._add_days(at, number, unit is Unit.BUSINESS_DAYS_INCLUSIVE))

    def add_business_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        if not seconds >= 0:
            raise ValueError(f"business seconds must be zero or more, not {seconds!r}")
        return _from_us(self._advance(_to_us(start), round(seconds * 1_000_000)))

    def business_seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working time in [start, end] in seconds; 0 if end <= start."""
        return self._between(_to_us(start), _to_us(end)) / 1_000_000

    def measure(self, start: dt.datetime, end: dt.datetime, unit: Unit | str) -> Decimal:
        """Elapsed time in `unit`, defined so that ``measure(s, add(s, n, u), u) == n``; for business
        units it passes n exactly when working time passes after ``add(s, n, u)``. (Lateness is
        decided by comparing instants with the due instant; a measure is for reports.)

        Day units count whole days passed plus the elapsed share of the current day: its working time
        for business days, its real length for calendar days. 0 when end <= start, except that with
        BUSINESS_DAYS_INCLUSIVE a complaint received after close of business has already used day 1
        (and `add` gives that day's close, before the receipt, for any amount up to 1).
        """
        a, b, unit = _to_us(start), _to_us(end), Unit(unit)
        if unit is Unit.BUSINESS_HOURS:
            return _fraction(self._between(a, b), _US_PER_HOUR)
        if unit is Unit.WORKING_DAYS_8H:
            return _fraction(self._between(a, b), 8 * _US_PER_HOUR)
        received = self._ordinal(a)
        counted = Decimal(0)
        if unit is Unit.BUSINESS_DAYS_INCLUSIVE and self._spans(received):
            left = self._overlap(received, a, _FOREVER)
            counted = _fraction(self._overlap(received, a, b), left) if left else Decimal(1)
        ordinal = self._ordinal(b)
        if b <= a or ordinal <= received:
            return counted
        if unit is Unit.CALENDAR_DAYS:
            begin = self._midnight(ordinal)
            share = _fraction(max(0, b - begin), self._midnight(ordinal + 1) - begin)
            return ordinal - received - 1 + share
        spans = self._spans(ordinal)
        total = sum(e - s for s, e in spans)
        share = _fraction(self._overlap(ordinal, -_FOREVER, b), total) if total else Decimal(0)
        return counted + self._totals(received + 1, ordinal)[1] + share

    def shift_due(
        self,
        due: dt.datetime,
        paused_start: dt.datetime,
        paused_end: dt.datetime,
        unit: Unit | str,
    ) -> dt.datetime:
        """`due` moved later by the time spent paused: wall-clock time for CALENDAR_DAYS, business
        time otherwise (ISO 10002 7.3: waiting for the complainant does not use up the handler's time)."""
        at, pause_from, pause_to = _to_us(due), _to_us(paused_start), _to_us(paused_end)
        if Unit(unit) is Unit.CALENDAR_DAYS:
            return _from_us(at + max(0, pause_to - pause_from))
        paused = self._between(pause_from, pause_to)
        return _from_us(self._advance(at, paused) if paused else at)

    # --- spans and running totals ------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        years = self._state.years
        table = years.get(year)
        if table is None:
            zone, first = self._state.zone, dt.date(year, 1, 1)
            days = []
            for offset in range((dt.date(year + 1, 1, 1) - first).days):
                day = first + dt.timedelta(days=offset)
                spans = (
                    (_local_us(day, shift.start, zone), _local_us(day, shift.end, zone))
                    for shift in self.shifts_on(day)
                )
                days.append(tuple((s, e) for s, e in spans if e > s))
            table = years[year] = _Year(first.toordinal(), days)
        return table

    def _spans(self, ordinal: int) -> tuple[Span, ...]:
        table = self._year(dt.date.fromordinal(ordinal).year)
        return table.days[ordinal - table.first]

    def _ordinal(self, at: int) -> int:
        """Local date (as an ordinal) of an instant."""
        return (_EPOCH + dt.timedelta(microseconds=at)).astimezone(self._state.zone).toordinal()

    def _midnight(self, ordinal: int) -> int:
        return _local_us(dt.date.fromordinal(ordinal), dt.time(0), self._state.zone)

    def _overlap(self, ordinal: int, a: int, b: int) -> int:
        return sum(max(0, min(e, b) - max(s, a)) for s, e in self._spans(ordinal))

    def _tables_from(self, ordinal: int) -> Iterator[tuple[_Year, int]]:
        """Year tables from the day `ordinal` on, with that day's index in the first one."""
        empty = 0
        while True:
            table = self._year(dt.date.fromordinal(ordinal).year)
            index = ordinal - table.first
            yield table, index
            empty = empty + 1 if table.count[-1] == table.count[index] else 0
            if empty > _EMPTY_YEARS_LIMIT:
                raise CalendarError(gettext_noop("The calendar has no working time ahead."))
            ordinal = table.first + len(table.days)

    def _totals(self, first: int, stop: int) -> tuple[int, int]:
        """(working µs, business days) over the days [first, stop)."""
        work = count = 0
        while first < stop:
            table = self._year(dt.date.fromordinal(first).year)
            i, j = first - table.first, min(stop - table.first, len(table.days))
            work += table.work[j] - table.work[i]
            count += table.count[j] - table.count[i]
            first = table.first + j
        return work, count

    def _nth_day(self, first: int, n: int) -> int:
        """The nth (n >= 1) day with working time on or after the day `first`."""
        for table, index in self._tables_from(first):
            target = table.count[index] + n
            if target <= table.count[-1]:
                return table.first + bisect_left(table.count, target) - 1
            n -= table.count[-1] - table.count[index]
        raise AssertionError("unreachable")  # pragma: no cover

    def _first_working(self, at: int) -> int:
        # Neighbouring days too: near a DST change a local date and UTC order can disagree.
        ordinal = self._ordinal(at)
        for day in (ordinal - 1, ordinal, ordinal + 1):
            for s, e in self._spans(day):
                if e >= at:
                    return max(s, at)
        return self._spans(self._nth_day(ordinal + 2, 1))[0][0]

    def _advance(self, at: int, amount: int) -> int:
        """`at` plus `amount` µs of working time; outside working time the clock starts at the next
        shift start, and exactly using up a shift ends at that shift's end."""
        if amount <= 0:
            return self._first_working(at)
        ordinal = self._ordinal(at)
        for day in (ordinal - 1, ordinal, ordinal + 1):
            for s, e in self._spans(day):
                if e > at:
                    begin = max(s, at)
                    if amount <= e - begin:
                        return begin + amount
                    amount -= e - begin
        for table, index in self._tables_from(ordinal + 2):
            target = table.work[index] + amount
            if target <= table.work[-1]:
                day_index = bisect_left(table.work, target) - 1
                return _walk(table.days[day_index], target - table.work[day_index])
            amount -= table.work[-1] - table.work[index]
        raise AssertionError("unreachable")  # pragma: no cover

    def _between(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        first, last = self._ordinal(a), self._ordinal(b)
        if last - first <= 4:
            return sum(self._overlap(day, a, b) for day in range(first - 1, last + 2))
        edges = (first - 1, first, first + 1, last - 1, last, last + 1)
        return sum(self._overlap(day, a, b) for day in edges) + self._totals(first + 2, last - 1)[0]

    def _add_days(self, at: int, number: Decimal, inclusive: bool) -> int:
        """Close of business on the Nth business day (after receipt, or counting the day of receipt),
        or the matching share of the next one's working time for a fractional N."""
        received = self._ordinal(at)
        spans = self._spans(received)
        if inclusive and number <= 1 and spans and not self._overlap(received, at, _FOREVER):
            return spans[-1][1]  # received after close: day 1, counted by law, is already over
        if number == 0:
            return self._first_working(at)
        first = received if inclusive else received + 1
        whole = int(number)
        if number == whole:
            return self._spans(self._nth_day(first, whole))[-1][1]
        ordinal = self._nth_day(first, whole + 1)
        if ordinal == received:  # inclusive, under one day: a share of what is left of day 1
            left = self._overlap(received, at, _FOREVER)
            return self._advance(at, _round((number - whole) * left))
        spans = self._spans(ordinal)
        return _walk(spans, _round((number - whole) * sum(e - s for s, e in spans)))
