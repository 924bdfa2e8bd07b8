"""Builds and refreshes the pre-aggregated figures (ISO 10002 8.4: monitoring that stays fast).

``rebuild_figures`` recomputes every day before today from the complaints (install, upgrade,
``sori figures --rebuild``); ``refresh_figures`` — the worker's periodic job ``analytics-figures``
— recomputes only the days that changes since its last run can have touched, then builds the
days that have ended since. A day is always recomputed whole (every unit, category and channel),
from a handful of GROUP BY queries (``sori.analytics.figure_queries``); nothing walks complaints
in Python. Month rows are then re-summed from the day rows of the months touched.

Which days a change touches: for each complaint changed since the watermark (its ``updated_at``,
a clock stopped or extended, a survey answer, an external referral), the days of its receipt,
acknowledgement, decision and closure, of every line of its timeline (an earlier closure undone
by a reopening was a timeline line) and of its clocks' stops and extensions; and the receipt days
of the same person's later complaints (their "repeat" depends on this one).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sori.analytics import figure_queries as fq
from sori.analytics.figure_models import ALL, DAY, MONTH
from sori.analytics.filters import month_after, time_zone
from sori.analytics.kpi_queries import REPEAT_WINDOW_DAYS
from sori.analytics.models import (
    DailyFigure,
    DurationBin,
    EndedComplaint,
    FigureState,
    ReopenDay,
    RootCauseFigure,
    TimerFigure,
)
from sori.audit.services import record
from sori.complaints.models import Complaint, ComplaintEvent, ExternalReferral, SurveyResponse
from sori.core import clock
from sori.core.actors import SYSTEM, Actor
from sori.sla.models import Timer

log = logging.getLogger(__name__)
REBUILT = "sori.analytics.figures.rebuilt"
EARLIEST = dt.date(1900, 1, 1)
BATCH = 2_000
# Ranges per batch of days recomputed: keeps each statement's OR list short.
RANGES_PER_BATCH = 200
# A rebuild that started longer ago than this is taken to have died: the next run starts over.
REBUILD_TIMEOUT = dt.timedelta(hours=2)
# More changed complaints than this since the last run: a full rebuild instead (also keeps the
# list of ids within every database's limit on query parameters).
MAX_TOUCHED = 20_000


@dataclass(frozen=True)
class FigureSummary:
    built_through: dt.date
    days: int  # days recomputed
    rows: int  # day rows written
    full: bool


def interval_seconds() -> float:
    """How often the worker refreshes the figures (``SORI_FIGURES_SECONDS``, 5 minutes)."""
    return float(getattr(settings, "SORI_FIGURES_SECONDS", 300))


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=time_zone()).astimezone(dt.UTC)


def today() -> dt.date:
    return clock.now().astimezone(time_zone()).date()


def day_ranges(days: Iterable[dt.date]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Consecutive days merged into ``[midnight, midnight)`` ranges."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] == day:
            ranges[-1] = (ranges[-1][0], day + dt.timedelta(days=1))
        else:
            ranges.append((day, day + dt.timedelta(days=1)))
    return [(midnight(first), midnight(after)) for first, after in ranges]


def _watermark() -> dt.datetime:
    # ``updated_at`` is the real time; the services' timestamps are ``clock.now()``: the earlier
    # of the two, so no change made during a run is missed by the next.
    return min(clock.now(), timezone.now())


# --- writing days and months ---------------------------------------------------------------


def _day_rows(ranges: fq.Ranges) -> tuple[list[Any], ...]:
    daily = [
        DailyFigure(
            grain=DAY, day=day, unit_id=unit, category_id=category, channel=channel, **values
        )
        for (day, unit, category, channel), values in fq.complaint_figures(ranges).items()
    ]
    timers = [
        TimerFigure(
            grain=DAY,
            day=day,
            unit_id=unit,
            category_id=category,
            channel=channel,
            stage=stage,
            **values,
        )
        for ((day, unit, category, channel), stage), values in fq.timer_figures(ranges).items()
    ]
    causes = [
        RootCauseFigure(
            grain=DAY, day=day, unit_id=unit, channel=channel, root_cause_id=cause, received=n
        )
        for ((day, unit, _category, channel), cause), n in fq.root_cause_figures(ranges).items()
    ]
    bins = [
        DurationBin(
            grain=DAY,
            day=day,
            unit_id=unit,
            measure=measure,
            hour=hour,
            count=n,
            low=low,
            high=high,
        )
        for (day, unit, measure, hour), (n, low, high) in fq.duration_bins(ranges).items()
    ]
    return daily, timers, causes, bins


MODELS: tuple[tuple[type[Any], tuple[str, ...], tuple[str, ...]], ...] = (
    (DailyFigure, ("unit_id", "category_id", "channel"), fq.COMPLAINT_COLUMNS),
    (TimerFigure, ("unit_id", "category_id", "channel", "stage"), fq.TIMER_COLUMNS),
    (RootCauseFigure, ("unit_id", "channel", "root_cause_id"), ("received",)),
    (DurationBin, ("unit_id", "measure", "hour"), ("count",)),
)


# The duration bins keep their shortest and longest value, not a sum.
EXTREMES: dict[type[Any], dict[str, Any]] = {DurationBin: {"low": Min("low"), "high": Max("high")}}


# The keys that are dimensions (summed away in the whole-organisation rows).
DIMENSIONS = ("unit_id", "category_id", "channel")


def _months(months: set[dt.date] | None) -> None:
    """Re-sum the month rows (per key, and for the whole organisation) of these months (every
    month when None) from their day rows."""
    for model, keys, columns in MODELS:
        rows: QuerySet[Any] = model.objects.filter(grain__in=[MONTH, ALL])
        days: QuerySet[Any] = model.objects.filter(grain=DAY)
        if months is not None:
            spans = Q(pk__in=[])
            for month in months:
                spans |= Q(day__gte=month, day__lt=month_after(month))
            rows, days = rows.filter(spans), days.filter(spans)
        rows.delete()
        others = tuple(k for k in keys if k not in DIMENSIONS)
        for grain, by in ((MONTH, keys), (ALL, others)):
            summed = (
                days.annotate(month=TruncMonth("day"))
                .values("month", *by)
                .annotate(**{f"s_{c}": Sum(c) for c in columns}, **EXTREMES.get(model, {}))
                .order_by()
            )
            model.objects.bulk_create(
                (
                    model(
                        grain=grain,
                        day=row["month"],
                        **{k: row[k] for k in by},
                        **{c: row[f"s_{c}"] or 0 for c in columns},
                        **{name: row[name] for name in EXTREMES.get(model, {})},
                    )
                    for row in summed.iterator(chunk_size=BATCH)
                ),
                batch_size=BATCH,
            )


def _write(rows: tuple[list[Any], ...], clear: Q | None, months: set[dt.date]) -> int:
    """Replace day rows (``clear``: which; None: none to clear) and re-sum their months."""
    if clear is not None:
        for model, _keys, _columns in MODELS:
            model.objects.filter(clear, grain=DAY).delete()
    for found in rows:
        if found:
            type(found[0]).objects.bulk_create(found, batch_size=BATCH)
    _months(months)
    return len(rows[0])


def _store_all(until: dt.date) -> int:
    """Every day before ``until``, a month at a time: the reading (the heavy part) happens
    outside any transaction, each month is written in a short one, so complaints keep being
    written meanwhile (SQLite has one writer at a time)."""
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return 0
    month = first.astimezone(time_zone()).date().replace(day=1)
    written = 0
    while month < until:
        end = min(month_after(month), until)
        rows = _day_rows([(midnight(month), midnight(end))])
        with transaction.atomic():
            written += _write(rows, None, {month})
        month = month_after(month)
    return written


def _store_days(days: set[dt.date], until: dt.date) -> int:
    """These days (those before ``until``) and their months, read first, written in one go."""
    ranges = day_ranges(d for d in days if d < until)
    if not ranges:
        return 0
    batches = [ranges[i : i + RANGES_PER_BATCH] for i in range(0, len(ranges), RANGES_PER_BATCH)]
    found = [_day_rows(batch) for batch in batches]
    months = {d.replace(day=1) for d in days if d < until}
    written = 0
    with transaction.atomic():
        for batch, rows in zip(batches, found, strict=True):
            for model, _keys, _columns in MODELS:
                model.objects.filter(_day_in(batch), grain=DAY).delete()
            written += _write(rows, None, set())
        _months(months)
    return written


def _day_in(ranges: fq.Ranges) -> Q:
    found = Q(pk__in=[])
    zone = time_zone()
    for start, end in ranges or ():
        found |= Q(day__gte=start.astimezone(zone).date(), day__lt=end.astimezone(zone).date())
    return found


def _store_reopenings(complaints: QuerySet[Complaint] | None, until: dt.date) -> None:
    """The per-complaint facts (reopenings, first endings) of these complaints (all: None)."""
    found = fq.reopen_days(complaints, [(midnight(EARLIEST), midnight(until))])
    ended = fq.ended_complaints(complaints, midnight(until))
    with transaction.atomic():
        for model in (ReopenDay, EndedComplaint):
            rows = model.objects.all()
            if complaints is not None:
                rows = rows.filter(complaint_id__in=complaints.values("pk"))
            rows.delete()
        ReopenDay.objects.bulk_create(
            (ReopenDay(complaint_id=pk, day=day) for pk, day in found), batch_size=BATCH
        )
        EndedComplaint.objects.bulk_create(
            (
                EndedComplaint(
                    complaint_id=pk,
                    received_at=received,
                    ended_at=end,
                    unit_id=unit,
                    category_id=category,
                    channel=channel,
                )
                for pk, received, end, unit, category, channel in ended
            ),
            batch_size=BATCH,
        )


# --- the two entry points ------------------------------------------------------------------


def rebuild_figures(*, actor: Actor) -> FigureSummary:
    """Every day before today, from scratch (install, upgrade, a change of time zone).

    While it runs the readers use the live queries (the state says nothing is built).
    """
    started = _watermark()
    until = today()
    with transaction.atomic():
        state = _state()
        state.built_through, state.rebuild_started_at = None, clock.now()
        state.save()
        for model, _keys, _columns in MODELS:
            model.objects.all().delete()
    rows = _store_all(until)
    _store_reopenings(None, until)
    with transaction.atomic():
        state = _state()
        _save(state, until, started)
        # ISO 10002 8.4: the figures behind the monitoring were recomputed (who and when).
        record(action=REBUILT, actor=actor, object_type="analytics.figurestate",
               object_id=str(state.pk), data={"built_through": until.isoformat(), "rows": rows},
               iso_clause="8.4")  # fmt: skip
    return FigureSummary(built_through=until, days=-1, rows=rows, full=True)


def refresh_figures(*, actor: Actor = SYSTEM) -> FigureSummary | None:
    """The days touched since the last run, and the days ended since (the periodic job).

    Not audited: derived figures, recomputed every few minutes, change no record. Nothing built
    yet (or another time zone): a full rebuild — unless one is under way (None).
    """
    started = _watermark()
    until = today()
    state = _state(lock=False)
    rebuilding = state.built_through is None and state.rebuild_started_at is not None
    if rebuilding and clock.now() - state.rebuild_started_at < REBUILD_TIMEOUT:  # type: ignore[operator]
        return None  # another worker is rebuilding
    if (
        state.built_through is None
        or state.changes_since is None
        or state.time_zone != str(time_zone())
    ):
        return rebuild_figures(actor=actor)
    # The changed complaints are read once (the scan of updated_at), then named by id.
    ids = list(touched_complaints(state.changes_since).values_list("pk", flat=True))
    if len(ids) > MAX_TOUCHED:
        return rebuild_figures(actor=actor)  # after a bulk change, quicker from scratch
    touched = Complaint.objects.filter(pk__in=ids)
    days = touched_days(touched)
    day = state.built_through
    while day < until:  # the days that ended since the last run
        days.add(day)
        day += dt.timedelta(days=1)
    rows = _store_days(days, until)
    _store_reopenings(touched, until)
    with transaction.atomic():
        _save(_state(), until, started)
    log.info("figures refreshed: %s days, %s rows", len(days), rows)
    return FigureSummary(built_through=until, days=len(days), rows=rows, full=False)


def scheduled_refresh() -> FigureSummary | None:
    return refresh_figures(actor=SYSTEM)


def _state(*, lock: bool = True) -> FigureState:
    rows = FigureState.objects.select_for_update() if lock else FigureState.objects.all()
    state = rows.filter(pk=1).first()
    return state or FigureState.objects.get_or_create(pk=1)[0]


def _save(state: FigureState, until: dt.date, started: dt.datetime) -> None:
    state.built_through = until
    state.changes_since = started
    state.rebuilt_at = clock.now()
    state.time_zone = str(time_zone())
    state.rebuild_started_at = None
    state.save()


# --- what a change touches -----------------------------------------------------------------


def touched_complaints(since: dt.datetime) -> QuerySet[Complaint]:
    clocks = Timer.objects.filter(Q(stopped_at__gte=since) | Q(extended_at__gte=since))
    return Complaint.objects.filter(
        Q(updated_at__gte=since)
        | Q(pk__in=clocks.values("complaint_id"))
        | Q(pk__in=SurveyResponse.objects.filter(submitted_at__gte=since).values("complaint_id"))
        | Q(pk__in=ExternalReferral.objects.filter(created_at__gte=since).values("complaint_id"))
    )


def touched_days(touched: QuerySet[Complaint]) -> set[dt.date]:
    days: set[dt.date] = set()

    def add(rows: QuerySet[Any], column: str) -> None:
        found = rows.filter(**{f"{column}__isnull": False}).annotate(_d=fq.local_day(column))
        days.update(found.values_list("_d", flat=True).distinct().order_by())

    for column in ("received_at", "acknowledged_at", "decision_issued_at", "closed_at"):
        add(touched, column)
    add(ComplaintEvent.objects.filter(complaint__in=touched), "occurred_at")
    clocks = Timer.objects.filter(complaint__in=touched)
    add(clocks, "stopped_at")
    add(clocks, "extended_at")
    # The same person's later complaints: whether they are repeats depends on this one.
    people = touched.filter(complainant__isnull=False)
    span = people.aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is not None:
        emails = people.exclude(complainant__email_index="").values("complainant__email_index")
        phones = people.exclude(complainant__phone_index="").values("complainant__phone_index")
        later = Complaint.objects.filter(
            Q(complainant__email_index__in=emails) | Q(complainant__phone_index__in=phones),
            received_at__gt=span["first"],
            received_at__lte=span["last"] + dt.timedelta(days=REPEAT_WINDOW_DAYS),
        )
        add(later, "received_at")
    return days
