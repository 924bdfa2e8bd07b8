"""The grouped queries that make the pre-aggregated figures (ISO 10002 8.2, 8.4).

Each function runs one GROUP BY over the complaints (or clocks, or timeline) whose cohort date
falls in the given ranges — ``None`` for all time — and answers the grouped rows keyed by
``(day, unit_id, category_id, channel)``, the day taken in the organisation's time zone. The
builder (``sori.analytics.services.figures``) stores them; the readers (``sori.analytics.figures``)
run the same functions over the days not built yet, so stored and live figures are one
definition. The cohorts are those of ``sori.analytics.kpi_queries``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Floor, TruncDate

from sori.analytics.durations import seconds_between
from sori.analytics.filters import time_zone
from sori.analytics.kpi_queries import (
    complete_for_stage,
    extended_exists,
    referred_exists,
    repeat_exists,
)
from sori.complaints.models import Complaint, ComplaintEvent, Outcome
from sori.complaints.workflow import ENDED_STATUSES, ENDING_EVENTS, Event, Status
from sori.sla.models import Timer, TimerState

Ranges = list[tuple[dt.datetime, dt.datetime]] | None
Key = tuple[dt.date, int | None, int | None, str]
# The duration histogram's resolution: whole hours since receipt (docs/analytics.md).
BIN_SECONDS = 3600
MEASURES = ("acknowledge", "decide", "close")

COMPLAINT_COLUMNS = (
    "received", "received_all", "repeat", "complete", "closed_any", "closed", "stage_one",
    "reviewed", "referred", "surveyed", "survey_sum", "ended", "decided", "decided_extended",
    "with_outcome", "upheld", "partly_upheld", "not_upheld", "redressed", "redress_total",
)  # fmt: skip
TIMER_COLUMNS = ("met", "ended", "extensions")


def within(column: str, ranges: Ranges) -> Q:
    """``column`` in any of the ranges (``[start, end)``); every row when ``ranges`` is None."""
    if ranges is None:
        return Q()
    found = Q(pk__in=[])
    for start, end in ranges:
        found |= Q(**{f"{column}__gte": start, f"{column}__lt": end})
    return found


def local_day(column: str) -> TruncDate:
    return TruncDate(column, tzinfo=time_zone())


def _grouped(
    rows: QuerySet[Any], prefix: str = "", extra: tuple[str, ...] = (), **aggregates: Any
) -> Iterable[dict[str, Any]]:
    return (
        rows.values(
            "day",
            *extra,
            u=F(f"{prefix}unit_id"),
            c=F(f"{prefix}category_id"),
            ch=F(f"{prefix}channel"),
        )
        .annotate(**aggregates)
        .order_by()
    )


def _key(row: dict[str, Any]) -> Key:
    return (row["day"], row["u"], row["c"], row["ch"])


def complaint_figures(
    ranges: Ranges, complaints: QuerySet[Complaint] | None = None
) -> dict[Key, dict[str, Any]]:
    """DailyFigure's columns per key: five GROUP BYs, one per cohort date (over ``complaints``,
    all when None)."""
    found: dict[Key, dict[str, Any]] = defaultdict(dict)
    kept = ~Q(status=Status.MERGED)
    complaints = Complaint.objects.all() if complaints is None else complaints
    received = _grouped(
        complaints.filter(within("received_at", ranges)).annotate(day=local_day("received_at")),
        received=Count("pk", filter=kept),
        received_all=Count("pk"),
        repeat=Count("pk", filter=kept & Q(complainant__isnull=False) & Q(repeat_exists())),
        complete=Count("pk", filter=kept & complete_for_stage()),
    )
    closed = Q(status=Status.CLOSED)
    referred = Q(referred_exists())
    closures = _grouped(
        complaints.filter(within("closed_at", ranges), closed_at__isnull=False).annotate(
            day=local_day("closed_at")
        ),
        closed_any=Count("pk"),
        closed=Count("pk", filter=closed),
        stage_one=Count("pk", filter=closed & Q(review_round=0) & ~referred),
        reviewed=Count("pk", filter=closed & Q(review_round__gt=0)),
        referred=Count("pk", filter=closed & referred),
        surveyed=Count("pk", filter=closed & Q(survey_response__isnull=False)),
        survey_sum=Sum("survey_response__process", filter=closed),
    )
    with_outcome = ~Q(outcome="")
    decisions = _grouped(
        complaints.filter(
            within("decision_issued_at", ranges), decision_issued_at__isnull=False
        ).annotate(day=local_day("decision_issued_at")),
        decided=Count("pk"),
        decided_extended=Count("pk", filter=Q(extended_exists())),
        with_outcome=Count("pk", filter=with_outcome),
        upheld=Count("pk", filter=with_outcome & Q(outcome=Outcome.UPHELD)),
        partly_upheld=Count("pk", filter=with_outcome & Q(outcome=Outcome.PARTLY_UPHELD)),
        not_upheld=Count("pk", filter=with_outcome & Q(outcome=Outcome.NOT_UPHELD)),
        redressed=Count("pk", filter=Q(remedy_amount__gt=0)),
        redress_total=Sum("remedy_amount"),
    )
    first_end = Subquery(
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), kind__in=ENDING_EVENTS)
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    ended = complaints.filter(status__in=ENDED_STATUSES)
    if ranges is not None:
        # A withdrawal or merge saves the complaint, so one that ended in a range was updated
        # since its start: a plain column test before the timeline is read for each.
        ended = ended.filter(updated_at__gte=min((start for start, _end in ranges), default=None))
    endings = _grouped(
        ended.annotate(first_end=first_end)
        .filter(within("first_end", ranges), first_end__isnull=False)
        .annotate(day=local_day("first_end")),
        ended=Count("pk"),
    )
    for rows in (received, closures, decisions, endings):
        for row in rows:
            values = found[_key(row)]
            for name, value in row.items():
                if name not in ("day", "u", "c", "ch"):
                    values[name] = values.get(name, 0) + (value or 0)
    return found


def timer_figures(
    ranges: Ranges, complaints: QuerySet[Complaint] | None = None
) -> dict[tuple[Key, str], dict[str, int]]:
    """TimerFigure's columns per key and stage: clocks ended (by stop day), extended (by day)."""
    found: dict[tuple[Key, str], dict[str, int]] = defaultdict(dict)
    timers = Timer.objects.all()
    if complaints is not None:
        timers = timers.filter(complaint__in=complaints.values("pk"))
    ended = timers.filter(
        within("stopped_at", ranges),
        stopped_at__isnull=False,
        state__in=[TimerState.MET, TimerState.MISSED],
    ).annotate(day=local_day("stopped_at"))
    extended = timers.filter(within("extended_at", ranges), extended_at__isnull=False).annotate(
        day=local_day("extended_at")
    )
    for rows in (
        _grouped(ended, "complaint__", ("stage",), met=Count("pk", filter=Q(state=TimerState.MET)),
                 ended=Count("pk")),
        _grouped(extended, "complaint__", ("stage",), extensions=Count("pk")),
    ):  # fmt: skip
        for row in rows:
            values = found[(_key(row), row["stage"])]
            for name in TIMER_COLUMNS:
                if name in row:
                    values[name] = values.get(name, 0) + row[name]
    return found


def root_cause_figures(
    ranges: Ranges, complaints: QuerySet[Complaint] | None = None
) -> dict[tuple[Key, int | None], int]:
    """Complaints received (merged not counted) per day, unit, channel and root cause."""
    rows = (
        (Complaint.objects.all() if complaints is None else complaints)
        .filter(within("received_at", ranges))
        .exclude(status=Status.MERGED)
        .annotate(day=local_day("received_at"))
        .values("day", "root_cause_id", u=F("unit_id"), ch=F("channel"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {((r["day"], r["u"], None, r["ch"]), r["root_cause_id"]): r["n"] for r in rows}


Bin = tuple[int, float, float]  # count, shortest, longest (seconds)


def duration_bins(
    ranges: Ranges, complaints: QuerySet[Complaint] | None = None
) -> dict[tuple[dt.date, int | None, str, int], Bin]:
    """(count, shortest, longest) per (day, unit, measure, whole hours since receipt), over
    ``complaints`` (all when None)."""
    found: dict[tuple[dt.date, int | None, str, int], Bin] = {}
    complaints = Complaint.objects.all() if complaints is None else complaints
    for measure, column, cohort in (
        ("acknowledge", "acknowledged_at", Q()),
        ("decide", "decision_issued_at", Q()),
        ("close", "closed_at", Q(status=Status.CLOSED)),
    ):
        # The cohort's condition inside the aggregates, the date range alone in WHERE: the index
        # on the date column is then the one read.
        seconds = seconds_between("received_at", column)
        hours = Cast(Floor(seconds / BIN_SECONDS, output_field=FloatField()), IntegerField())
        rows = (
            complaints.filter(within(column, ranges), **{f"{column}__isnull": False})
            .annotate(day=local_day(column), hour=hours)
            .values("day", "unit_id", "hour")
            .annotate(
                n=Count("pk", filter=cohort),
                low=Min(seconds, filter=cohort),
                high=Max(seconds, filter=cohort),
            )
            .order_by()
        )
        for row in rows:
            if row["n"]:
                key = (row["day"], row["unit_id"], measure, row["hour"])
                found[key] = (row["n"], row["low"], row["high"])
    return found


def reopen_days(complaints: QuerySet[Complaint] | None, ranges: Ranges) -> set[tuple[int, dt.date]]:
    """(complaint, day) of every reopening of these complaints (all when None) in the ranges."""
    events = ComplaintEvent.objects.filter(kind=Event.REOPEN.value).filter(
        within("occurred_at", ranges)
    )
    if complaints is not None:  # each reopening checks its own complaint (see figures.reopened)
        events = events.filter(Exists(complaints.filter(pk=OuterRef("complaint_id"))))
    rows = events.annotate(day=local_day("occurred_at")).values_list("complaint_id", "day")
    return set(rows.distinct().order_by())


def money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def ended_complaints(complaints: QuerySet[Complaint] | None, before: dt.datetime) -> list[Any]:
    """(complaint, received, first ended, unit, category, channel) of the withdrawn or merged
    complaints among these (all when None) that ended before ``before``."""
    first_end = Subquery(
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), kind__in=ENDING_EVENTS)
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    rows = Complaint.objects.filter(status__in=ENDED_STATUSES)
    if complaints is not None:
        rows = rows.filter(pk__in=complaints.values("pk"))
    return list(
        rows.annotate(first_end=first_end)
        .filter(first_end__lt=before)
        .values_list("pk", "received_at", "first_end", "unit_id", "category_id", "channel")
    )
