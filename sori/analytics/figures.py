"""Reading the pre-aggregated figures (ISO 10002 8.4): sums of stored rows plus the live days.

A filter can be answered from the figures when the viewer sees every complaint, or is a handler
or investigator (``sori.complaints.scope.visible``: their unit — with no unit, the intake pool of
complaints not routed yet — plus the complaints assigned to them or with an investigation task
of theirs): then the stored rows of their unit (or of "no unit") plus a
live count of the few complaints of the second part not in their unit (disjoint, so the sums
add up to the live path's); and it narrows only by the figures' dimensions (unit, category,
channel; not the product), and the figures have been built in the organisation's current time zone. Then every period is summed
from stored rows for the days before ``built_through`` — month rows for the whole months, day
rows for the rest — and from the same grouped queries run live (``sori.analytics.figure_queries``)
for the days since, so the figures and the live path count the same complaints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Sum

from sori.accounts.models import Unit
from sori.analytics import figure_queries as fq
from sori.analytics.figure_models import ALL, DAY, MONTH
from sori.analytics.figure_scope import scoped_extra
from sori.analytics.filters import month_after, time_zone
from sori.analytics.models import (
    DailyFigure,
    DurationBin,
    FigureState,
    ReopenDay,
    RootCauseFigure,
    TimerFigure,
)
from sori.complaints.models import Category, Complaint
from sori.complaints.scope import WIDE_ROLES
from sori.core.actors import Actor, ActorKind

EARLIEST = dt.date(1900, 1, 1)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """Which stored rows answer a filter: built days, and the dimensions it narrows by."""

    built: dt.date  # the first day not in the tables
    unit_id: int | None
    category_ids: tuple[int, ...] | None
    channel: str
    # A scoped viewer's complaints outside ``unit_id`` (assigned to them or with their task):
    # counted live over the whole period and added to the unit's stored rows.
    extra_ids: tuple[int, ...] | None = None
    # The intake pool: the complaints with no unit (a handler with no unit works them).
    pool: bool = False

    def unit_q(self) -> Q | None:
        """The condition on ``unit_id`` the plan narrows by (None: every unit)."""
        if self.pool:
            return Q(unit_id__isnull=True)
        return None if self.unit_id is None else Q(unit_id=self.unit_id)

    def dimensions(self, *, unit: bool = True) -> Q:
        """The plan's narrowing as a condition on ``unit_id``, ``category_id`` and ``channel``
        columns (complaints, stored figures, ended complaints alike); ``unit=False`` leaves the
        unit out."""
        found = Q()
        unit_q = self.unit_q() if unit else None
        if unit_q is not None:
            found &= unit_q
        if self.category_ids is not None:
            found &= Q(category_id__in=self.category_ids)
        if self.channel:
            found &= Q(channel=self.channel)
        return found

    def has_unit(self, unit: int | None) -> bool:
        return (unit is None) if self.pool else (self.unit_id is None or unit == self.unit_id)

    def extra(self) -> QuerySet[Complaint] | None:
        """The scoped viewer's complaints outside the unit, narrowed like the plan (or None)."""
        if not self.extra_ids:
            return None
        return Complaint.objects.filter(self.dimensions(unit=False), pk__in=self.extra_ids)

    def complaints(self) -> QuerySet[Complaint]:
        """The complaints the plan counts (a scoped viewer's: their unit's plus the extra ones)."""
        found = Complaint.objects.filter(self.dimensions(unit=False))
        unit = self.unit_q()
        if unit is not None:
            found = found.filter(unit | Q(pk__in=self.extra_ids or ()))
        return found

    @staticmethod
    def whole(first: dt.date, last: dt.date) -> fq.Ranges:
        return [(midnight(first), midnight(last + ONE_DAY))]

    @property
    def narrowed(self) -> bool:
        return (
            self.unit_id is not None
            or self.pool
            or self.category_ids is not None
            or bool(self.channel)
        )

    @property
    def histogram_answers(self) -> bool:
        """The duration histogram is kept per unit only: the percentiles of a view narrowed by
        category or channel are computed live (exactly) instead."""
        return self.category_ids is None and not self.channel

    def rows(self, model: type[Any], first: dt.date, last: dt.date, split_at: Iterable[dt.date] = (),
             by: Sequence[str] = ()) -> QuerySet[Any] | None:  # fmt: skip
        """``model``'s stored rows for the built days of [first, last] (None if there are none).

        Unnarrowed and not grouped by a dimension: the whole-organisation month rows.
        """
        last = min(last, self.built - ONE_DAY)
        if first > last:
            return None
        whole = not self.narrowed and not set(by) & {"unit_id", "category_id", "channel"}
        grain = ALL if whole else MONTH
        return model.objects.filter(_days(first, last, set(split_at), grain), self.dimensions())

    def live(self, first: dt.date | dt.datetime, last: dt.date) -> fq.Ranges:
        """The range not built yet within [first, last] (a datetime ``first`` starts there)."""
        built = midnight(self.built)
        start = first if isinstance(first, dt.datetime) else midnight(first)
        end = midnight(last + ONE_DAY)
        start = max(start, built)
        return [(start, end)] if start < end else []

    def keeps(self, key: fq.Key) -> bool:
        _day, unit, category, channel = key
        return (
            self.has_unit(unit)
            and (self.category_ids is None or category in self.category_ids)
            and (not self.channel or channel == self.channel)
        )


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=time_zone()).astimezone(dt.UTC)


def _days(first: dt.date, last: dt.date, split_at: set[dt.date], grain: str = MONTH) -> Q:
    """Month rows for the whole months of [first, last] that no ``split_at`` day cuts, day rows
    for every other day (a range of months and a few exceptions: the SQL stays short)."""
    month_from = first if first.day == 1 else month_after(first)
    month_to = last.replace(day=1) if month_after(last) - ONE_DAY == last else (
        last.replace(day=1) - ONE_DAY).replace(day=1)  # fmt: skip
    if month_from > month_to:
        return Q(grain=DAY, day__gte=first, day__lte=last)
    cut = sorted({c.replace(day=1) for c in split_at if c.day != 1 and month_from <= c <= month_to
                  + dt.timedelta(days=31)})  # fmt: skip
    cut = [m for m in cut if m <= month_to]
    months = Q(grain=grain, day__gte=month_from, day__lte=month_to) & ~Q(day__in=cut)
    # Each run of days its own tight range, so the index on (grain, day) reads only those.
    spans = [(month, month_after(month) - ONE_DAY) for month in cut]
    if first < month_from:
        spans.append((first, month_from - ONE_DAY))
    if month_after(month_to) <= last:
        spans.append((month_after(month_to), last))
    for low, high in spans:
        months |= Q(grain=DAY, day__gte=low, day__lte=high)
    return months


def sees_every_complaint(viewer: Actor) -> bool:
    return viewer.kind is ActorKind.SYSTEM or (viewer.is_staff and viewer.role in WIDE_ROLES)


def plan(
    viewer: Actor, *, unit: str = "", category: str = "", channel: str = "", product: str = ""
) -> Plan | None:
    """How to answer from the figures, or None when the live queries must (see the module)."""
    if product.strip():
        return None
    extra_ids: tuple[int, ...] | None = None
    pool = False
    if not sees_every_complaint(viewer):
        scoped = scoped_extra(viewer, unit)
        if scoped is None:
            return None
        unit, extra_ids, pool = scoped.unit, scoped.extra_ids, scoped.pool
    built = (
        FigureState.objects.filter(pk=1, time_zone=str(time_zone()))
        .values_list("built_through", flat=True)
        .first()
    )
    if built is None:
        return None
    unit_id = Unit.objects.filter(code=unit).values_list("pk", flat=True).first() if unit else None
    if unit and unit_id is None:
        return None  # an unknown unit: the live path refuses it
    category_ids: tuple[int, ...] | None = None
    if category:
        # A category counts its sub-categories (two levels below it), as ``filters.scoped``.
        category_ids = tuple(
            Category.objects.filter(
                Q(code=category) | Q(parent__code=category) | Q(parent__parent__code=category)
            ).values_list("pk", flat=True)
        )
    return Plan(
        built=built, unit_id=unit_id, category_ids=category_ids, channel=channel,
        extra_ids=extra_ids, pool=pool,
    )  # fmt: skip


# --- sums --------------------------------------------------------------------------------------


def daily(
    p: Plan,
    first: dt.date,
    last: dt.date,
    columns: Sequence[str],
    *,
    by: Sequence[str] = (),
    split_at: Iterable[dt.date] = (),
    live: bool = True,
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """DailyFigure's columns summed over [first, last], grouped by ``by`` (``day`` groups by the
    stored row's day: a month row's is its first day)."""
    split_at = tuple(split_at)
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    stored = p.rows(DailyFigure, first, last, split_at, by)
    if stored is not None:
        sums = {f"s_{c}": Sum(c) for c in columns}
        grouped = (
            stored.values(*by).annotate(**sums).order_by() if by else [stored.aggregate(**sums)]
        )
        for row in grouped:
            found[tuple(row[k] for k in by)] = {c: row[f"s_{c}"] or 0 for c in columns}
    ranges = p.live(first, last) if live else []
    if ranges:
        for key, values in fq.complaint_figures(ranges).items():
            if p.keeps(key):
                _add(found, _by(key, by), values, columns)
    extra = p.extra() if live else None
    if extra is not None:
        for key, values in fq.complaint_figures(p.whole(first, last), extra).items():
            _add(found, _by(key, by), values, columns)
    return found


def _by(key: fq.Key, by: Sequence[str]) -> tuple[Any, ...]:
    day, unit, category, channel = key
    named = {"day": day, "unit_id": unit, "category_id": category, "channel": channel}
    return tuple(named[k] for k in by)


def _add(
    found: dict[Any, dict[str, Any]], key: Any, values: dict[str, Any], columns: Sequence[str]
) -> None:
    into = found.setdefault(key, dict.fromkeys(columns, 0))
    for column in columns:
        into[column] = into[column] + values.get(column, 0)


def total(p: Plan, first: dt.date, last: dt.date, columns: Sequence[str]) -> dict[str, Any]:
    return daily(p, first, last, columns).get((), dict.fromkeys(columns, 0))


def open_at(p: Plan, cuts: Sequence[dt.datetime]) -> list[int]:
    """Complaints open at each moment: received − closed − withdrawn or merged before it.

    The cuts are midnights (ends of days) or now; one grouped query for the built days.
    """
    columns = ("received_all", "closed_any", "ended")
    zone = time_zone()
    days = [cut.astimezone(zone).date() for cut in cuts]
    found = daily(p, EARLIEST, max(days) - ONE_DAY, columns, by=("day",), split_at=days, live=False)
    answer = []
    for cut, day in zip(cuts, days, strict=True):
        stored = [v for (key,), v in found.items() if key < min(day, p.built)]
        count = sum(v["received_all"] - v["closed_any"] - v["ended"] for v in stored)
        # The days after the built ones, up to the cut (today: up to now).
        built = midnight(p.built)
        if cut > built:
            for key, values in fq.complaint_figures([(built, cut)]).items():
                if p.keeps(key):
                    count += (
                        values.get("received_all", 0)
                        - values.get("closed_any", 0)
                        - values.get("ended", 0)
                    )
        answer.append(count)
    extra = p.extra()
    if extra is not None and cuts:
        answer = [n + m for n, m in zip(answer, _open_at(extra, cuts), strict=True)]
    return answer


def _open_at(complaints: QuerySet[Complaint], cuts: Sequence[dt.datetime]) -> list[int]:
    """The open counts' definition (received − closed − withdrawn or merged) over a few complaints."""
    first_end = {pk: when for pk, _r, when, *_rest in fq.ended_complaints(complaints, max(cuts))}
    rows = list(complaints.values_list("pk", "received_at", "closed_at"))
    return [
        sum(received < cut for _pk, received, _closed in rows)
        - sum(closed is not None and closed < cut for _pk, _received, closed in rows)
        - sum(when < cut for when in first_end.values())
        for cut in cuts
    ]


def timers(
    p: Plan, first: dt.date, last: dt.date, columns: Sequence[str] = fq.TIMER_COLUMNS
) -> dict[str, dict[str, int]]:
    """TimerFigure's columns by stage over [first, last]."""
    found: dict[str, dict[str, int]] = {}
    stored = p.rows(TimerFigure, first, last)
    if stored is not None:
        for row in stored.values("stage").annotate(**{c: Sum(c) for c in columns}).order_by():
            found[row["stage"]] = {c: row[c] or 0 for c in columns}
    ranges = p.live(first, last)
    if ranges:
        for (key, stage), values in fq.timer_figures(ranges).items():
            if p.keeps(key):
                _add(found, stage, values, columns)
    extra = p.extra()
    if extra is not None:
        for (_key, stage), values in fq.timer_figures(p.whole(first, last), extra).items():
            _add(found, stage, values, columns)
    return found


def root_causes(p: Plan, first: dt.date, last: dt.date) -> dict[int | None, int]:
    """Complaints received by root cause (the plan must not narrow by category)."""
    found: Counter[int | None] = Counter()
    stored = p.rows(RootCauseFigure, first, last)
    if stored is not None:
        for row in stored.values("root_cause_id").annotate(n=Sum("received")).order_by():
            found[row["root_cause_id"]] += row["n"] or 0
    ranges = p.live(first, last)
    if ranges:
        for ((day, unit, _c, channel), cause), n in fq.root_cause_figures(ranges).items():
            if p.keeps((day, unit, None, channel)):
                found[cause] += n
    extra = p.extra()
    if extra is not None:
        for (_key, cause), n in fq.root_cause_figures(p.whole(first, last), extra).items():
            found[cause] += n
    return dict(found)


def duration_bins(p: Plan, first: dt.date, last: dt.date) -> dict[str, dict[int, fq.Bin]]:
    """(count, shortest, longest) per whole hour since receipt, per measure: the unit's (or the
    whole organisation's) stored bins, the days not built yet and a handler's complaints outside
    their unit read live. Only for a plan the histogram answers (``histogram_answers``)."""
    if not p.histogram_answers:
        raise ValueError("the duration histogram has no category or channel")
    found: dict[str, dict[int, fq.Bin]] = {measure: {} for measure in fq.MEASURES}

    def add(measure: str, hour: int, n: int, low: float, high: float) -> None:
        was = found[measure].get(hour)
        found[measure][hour] = (
            (n, low, high) if was is None else (was[0] + n, min(was[1], low), max(was[2], high))
        )

    stored = p.rows(DurationBin, first, last)
    if stored is not None:
        for row in (
            stored.values("measure", "hour")
            .annotate(n=Sum("count"), low=Min("low"), high=Max("high"))
            .order_by()
        ):
            add(row["measure"], row["hour"], row["n"] or 0, row["low"], row["high"])
    ranges = p.live(first, last)
    if ranges:
        for (_day, unit, measure, hour), (n, low, high) in fq.duration_bins(ranges).items():
            if p.has_unit(unit):
                add(measure, hour, n, low, high)
    extra = p.extra()
    if extra is not None:  # disjoint from the unit's: added to its bins
        for (_d, _u, measure, hour), (n, low, high) in fq.duration_bins(
            p.whole(first, last), extra
        ).items():
            add(measure, hour, n, low, high)
    return found


def reopened(p: Plan, first: dt.date, last: dt.date) -> int:
    """Complaints reopened at least once in [first, last] (each counted once)."""
    narrowing = Q()
    complaints: QuerySet[Complaint] | None = None
    if p.narrowed:
        complaints = Complaint.objects.filter(p.dimensions())
        # Each reopening of the period checks its own complaint (a few thousand look-ups by
        # key), rather than listing every complaint of the unit or category first.
        narrowing = Q(Exists(complaints.filter(pk=OuterRef("complaint_id"))))
    stored = ReopenDay.objects.filter(
        narrowing, day__gte=first, day__lte=min(last, p.built - ONE_DAY)
    )
    ranges = p.live(first, last)
    if not ranges:
        return stored.values("complaint_id").distinct().count() + _reopened_extra(p, first, last)
    live = {pk for pk, _day in fq.reopen_days(complaints, ranges)}
    found = set(stored.values_list("complaint_id", flat=True).distinct())
    return len(found | live) + _reopened_extra(p, first, last)


def _reopened_extra(p: Plan, first: dt.date, last: dt.date) -> int:
    extra = p.extra()
    if extra is None:
        return 0
    return len({pk for pk, _day in fq.reopen_days(extra, p.whole(first, last))})


def percentile(bins: dict[int, fq.Bin], fraction: float) -> float | None:
    """The interpolated percentile (seconds) from a histogram of whole hours.

    Within an hour the values are taken as evenly spread between the bin's shortest and longest,
    so the answer is exact when they are equal and never more than an hour off (docs/analytics.md).
    """
    count = sum(n for n, _low, _high in bins.values())
    if not count:
        return None
    position = fraction * (count - 1)
    low = int(position)

    def value(rank: int) -> float:
        seen = 0
        for hour in sorted(bins):
            n, shortest, longest = bins[hour]
            if rank < seen + n:
                step = (longest - shortest) / (n - 1) if n > 1 else 0.0
                return shortest + step * (rank - seen)
            seen += n
        raise IndexError(rank)

    below = value(low)
    above = value(low + 1) if low + 1 < count else below
    return below + (above - below) * (position - low)
