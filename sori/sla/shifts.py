"""Working hours: shifts, a week of them, and the errors a calendar definition can have.

Pure (stdlib only), like `sori.sla.calendar`, which builds on it; the admin validates the hours
people type with `parse_week` and `parse_shifts`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")


def gettext_noop(message: str) -> str:
    """Mark a msgid for `makemessages` without importing Django; callers translate it on display."""
    return message


class CalendarError(ValueError):
    """An invalid calendar definition. `message` is an English msgid with %-placeholders filled from
    `params`, so a front-end can show ``gettext(err.message) % err.params`` in the reader's language."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


def _hm(value: dt.time) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


@dataclass(frozen=True)
class Shift:
    """One working period of a local day: wall-clock times, start < end, both ends inclusive."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not isinstance(self.start, dt.time) or not isinstance(self.end, dt.time):
            raise CalendarError(gettext_noop("A shift needs a start time and an end time."))
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise CalendarError(gettext_noop("Shift times are local times without a time zone."))
        if self.end <= self.start:
            raise CalendarError(
                gettext_noop("The shift %(start)s–%(end)s ends before it starts."),
                start=_hm(self.start),
                end=_hm(self.end),
            )


_OFFICE_HOURS = (Shift(dt.time(9), dt.time(18)),)
DEFAULT_WEEK: tuple[tuple[Shift, ...], ...] = (_OFFICE_HOURS,) * 5 + ((), ())


def _ordered_shifts(label: str, shifts: Sequence[Shift]) -> tuple[Shift, ...]:
    if not all(isinstance(shift, Shift) for shift in shifts):
        raise CalendarError(gettext_noop("%(day)s: every shift must be a Shift."), day=label)
    ordered = tuple(sorted(shifts, key=lambda shift: shift.start))
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise CalendarError(
                gettext_noop("%(day)s: the shifts %(first)s and %(second)s overlap."),
                day=label,
                first=f"{_hm(before.start)}–{_hm(before.end)}",
                second=f"{_hm(after.start)}–{_hm(after.end)}",
            )
    return ordered


def _parse_time(day: str, text: object) -> dt.time:
    match = _TIME_OF_DAY.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(
            gettext_noop("%(day)s: %(value)s is not a time of day (HH:MM, 00:00 to 23:59)."),
            day=day,
            value=repr(text),
        )
    hour, minute, second = match.groups()
    return dt.time(int(hour), int(minute), int(second or 0))


def parse_shifts(pairs: Sequence[Sequence[str]], day: str = "day") -> tuple[Shift, ...]:
    """``[["09:00", "12:00"], ["13:00", "18:00"]]`` -> ordered shifts; `day` labels error messages."""
    if isinstance(pairs, str) or not isinstance(pairs, Sequence):
        raise CalendarError(gettext_noop("%(day)s: give a list of [start, end] pairs."), day=day)
    shifts = []
    for pair in pairs:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise CalendarError(
                gettext_noop("%(day)s: each shift is a pair [start, end], not %(value)s."),
                day=day,
                value=repr(pair),
            )
        start, end = _parse_time(day, pair[0]), _parse_time(day, pair[1])
        if end <= start:
            raise CalendarError(
                gettext_noop("%(day)s: the shift %(start)s–%(end)s ends before it starts."),
                day=day,
                start=_hm(start),
                end=_hm(end),
            )
        shifts.append(Shift(start, end))
    return _ordered_shifts(day, shifts)


def parse_week(spec: Mapping[str, Sequence[Sequence[str]]]) -> tuple[tuple[Shift, ...], ...]:
    """``{"mon": [["09:00", "12:00"], ["13:00", "18:00"]], ...}`` -> a week; a missing day is closed."""
    by_day: dict[str, Sequence[Sequence[str]]] = {}
    for key, pairs in spec.items():
        day = str(key).strip().lower()
        if day not in WEEKDAYS:
            raise CalendarError(
                gettext_noop("Unknown weekday %(day)s: use mon, tue, wed, thu, fri, sat or sun."),
                day=repr(key),
            )
        if day in by_day:
            raise CalendarError(gettext_noop("%(day)s is given twice."), day=day)
        by_day[day] = pairs
    return tuple(parse_shifts(by_day.get(day, ()), day) for day in WEEKDAYS)
