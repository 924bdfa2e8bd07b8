"""The dashboards' tables: trends, Paretos, backlog ageing, SLA compliance, satisfaction, channels.

ISO 10002 8.2 asks that complaints be classified and analysed for trends and recurring problems,
8.3 that satisfaction be measured, 8.4 that the process be monitored. Every selector here takes
the ``viewer`` and an ``AnalyticsFilter``, starts from ``sori.analytics.filters.filtered`` (the
viewer's scope, then the filters) and returns a ``Table`` of database aggregates: grouped counts
over indexed columns, never a walk over complaints in Python. Only the handful of grouped rows
and the small category and root-cause trees are handled in Python.

The cohorts are those of the KPI catalogue (``sori.analytics.kpi_queries``), so the dashboards
and the KPI table agree: received = received in the period, merged duplicates not counted;
closed = current closure in the period; open at a moment = received before it and neither
closed, withdrawn nor merged by then.

Each row that stands for a set of complaints carries the queue's query string for exactly that
set (``Table.drill`` / ``Table.links``), or None where the queue cannot express it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from sori.analytics import dashboard_figures as figures
from sori.analytics import dashboard_parts as parts
from sori.analytics.filters import AnalyticsFilter, filtered
from sori.analytics.kpi_table import kpi_table
from sori.analytics.paretos import categories, root_causes
from sori.analytics.tables import Column, Table
from sori.complaints.models import Channel
from sori.complaints.queue.filters import MISSABLE_STAGES, OPEN, SURVEY_ANSWERED
from sori.core import clock
from sori.core.actors import Actor
from sori.sla.models import Stage, Timer, TimerState

# Backlog ageing: days since receipt (calendar days in the organisation's time zone).
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 7),
    (8, 14),
    (15, 30),
    (31, 60),
    (61, 90),
    (91, None),
)


# --- 1. trend ----------------------------------------------------------------------------------


def trend(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Received, closed and still open at each month's (or week's) end (ISO 10002 8.2, 8.4)."""
    rows = filtered(viewer, spec)
    grain = parts.grain(spec)
    buckets = parts.buckets(spec, grain)
    spans = [parts.span(bucket) for bucket in buckets]
    now = clock.now()
    cuts = [min(hi, now) for _lo, hi in spans]
    # One conditional count per month or week (bounds in the organisation's time zone): plain
    # comparisons on both engines, where SQLite would call Python on each row to truncate a
    # date. They ride along with the open counts, which read the same complaints.
    counts: dict[str, Any] = {}
    for i, span in enumerate(spans):
        counts[f"received{i}"] = Count("pk", filter=parts.received(*span))
        counts[f"closed{i}"] = Count("pk", filter=parts.closed(*span))
    plan = figures.plan(viewer, spec)
    if plan is not None:  # ISO 10002 8.4 at scale: the same counts, pre-aggregated
        still_open, counted = figures.trend(plan, spec, buckets, cuts)
    else:
        still_open, counted = parts.open_counts(rows, [(cut, None, cut) for cut in cuts], counts)
    table_rows: list[dict[str, Any]] = []
    drill: list[str | None] = []
    links: list[dict[str, str | None]] = []
    for i, bucket in enumerate(buckets):
        table_rows.append({
            "period": bucket.label,
            "received": counted[f"received{i}"],
            "closed": counted[f"closed{i}"],
            "open": still_open[i],
        })  # fmt: skip
        drill.append(parts.received_query(spec, bucket.first, bucket.last))
        # "Open at the end" of the current period is the open queue; of an earlier one, the
        # queue's complaints open at the end of its last day (ISO 10002 8.2).
        open_link = (
            parts.query(spec, state="open", received_to=parts.local_day(now))
            if cuts[i] == now
            else parts.query(spec, state="any", open_at=bucket.last)
        )
        links.append({
            "received": drill[-1],
            "closed": parts.closed_query(spec, bucket.first, bucket.last),
            "open": open_link,
        })  # fmt: skip
    period_label = _("Week beginning") if grain == "week" else _("Month")
    return Table(
        key="trend",
        title=_("Trend: complaints received, closed and open"),
        columns=[
            Column("period", period_label, "date" if grain == "week" else "month"),
            Column("received", _("Complaints received"), "int"),
            Column("closed", _("Complaints closed"), "int"),
            Column("open", _("Still open at the end"), "int"),
        ],
        rows=table_rows,
        drill=drill,
        drill_column="received",
        links=links,
        note=_(
            "Received: merged duplicates not counted. Closed: the current closure falls in the "
            "period. Open at the end: received by then and neither closed, withdrawn nor merged; "
            "for the current period, now."
        ),
        extra={"grain": grain},
    )


# --- 4. backlog ageing ----------------------------------------------------------------------------


def ageing(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Complaints open at the end of the period (or now), by days since receipt (7.3, 8.4)."""
    rows = figures.indexed(viewer, spec, filtered(viewer, spec))
    cut, day, is_now = parts.cut(spec)
    windows: list[parts.Window] = []
    for low, high in AGE_BUCKETS:
        # Received on days [day - high, day - low]; ages counted in calendar days.
        until = min(parts.midnight(day - dt.timedelta(days=low - 1)), cut)
        since = None if high is None else parts.midnight(day - dt.timedelta(days=high))
        windows.append((cut, since, until))
    if is_now:
        # Open now is the queue's "open": the partial index of open complaints answers it.
        found = rows.filter(OPEN).aggregate(
            **{
                f"n{i}": Count("pk", filter=parts.received_between(since, until))
                for i, (_cut, since, until) in enumerate(windows)
            }
        )
        counts = [found[f"n{i}"] for i in range(len(windows))]
    else:
        plan = figures.plan(viewer, spec)
        ended = figures.ended(plan, windows) if plan is not None else None
        counts, _none = parts.open_counts(rows, windows, ended_counts=ended)
    table_rows: list[dict[str, Any]] = []
    drill: list[str | None] = []
    for i, (low, high) in enumerate(AGE_BUCKETS):
        label = (
            _("%(low)s–%(high)s days") % {"low": low, "high": high}
            if high is not None
            else _("more than %(days)s days") % {"days": low - 1}
        )
        table_rows.append({"bucket": label, "count": counts[i]})
        first = None if high is None else day - dt.timedelta(days=high)
        # Now: the open queue; at a past moment: the complaints open at the end of that day.
        state: dict[str, Any] = {"state": "open"} if is_now else {"state": "any", "open_at": day}
        drill.append(parts.query(spec, received_from=first,
                                 received_to=day - dt.timedelta(days=low), **state))  # fmt: skip
    note = (
        _("Complaints open now, by calendar days since receipt.")
        if is_now
        else _("Complaints open at the end of %(day)s, by calendar days since receipt.")
        % {"day": day.isoformat()}
    )
    return Table(
        key="ageing",
        title=_("Backlog ageing"),
        columns=[
            Column("bucket", _("Days since receipt"), "text"),
            Column("count", _("Open complaints"), "int"),
        ],
        rows=table_rows,
        drill=drill,
        drill_column="count",
        note=note,
        extra={"as_of": day, "now": is_now},
    )


# --- 5. SLA compliance ----------------------------------------------------------------------------


def sla(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Stage clocks met and missed in the period, and those still running past due (4.15, 7.3)."""
    rows = figures.indexed(viewer, spec, filtered(viewer, spec))
    start, end = spec.bounds()
    cut, _day, _is_now = parts.cut(spec)
    ended = parts.between("stopped_at", start, end) & Q(
        state__in=[TimerState.MET, TimerState.MISSED]
    )
    # A running clock has never stopped: the index on stopped_at finds the running ones.
    overdue = Q(
        state=TimerState.RUNNING, stopped_at__isnull=True, due_at__lt=cut, started_at__lt=cut
    )
    plan = figures.plan(viewer, spec)
    if plan is None:
        found = (
            Timer.objects.filter(ended | overdue, complaint__in=rows.values("pk"))
            .values("stage")
            .annotate(
                met=Count("pk", filter=ended & Q(state=TimerState.MET)),
                missed=Count("pk", filter=ended & Q(state=TimerState.MISSED)),
                overdue=Count("pk", filter=overdue),
            )
            .order_by()
        )
        by_stage = {row["stage"]: row for row in found}
    else:
        # Met and missed from the figures; running clocks are read live (few, by index).
        running = Timer.objects.filter(overdue)
        if rows.query.where:
            # No clock runs on a complaint that was closed, withdrawn or merged (the SLA's
            # CANCELS_ALL): only those with no closure date are looked at, by the index on
            # (unit, closed_at) rather than every complaint of the unit.
            running = running.filter(complaint__in=rows.filter(closed_at__isnull=True).values("pk"))
        late = dict(running.values_list("stage").annotate(n=Count("pk")).order_by())
        by_stage = {}
        for stage, values in figures.timers(plan, spec).items():
            if values["met"] or values["missed"]:
                by_stage[stage] = {**values, "overdue": late.get(stage, 0)}
        for stage, n in late.items():
            by_stage.setdefault(stage, {"met": 0, "missed": 0, "overdue": n})
    table_rows = []
    drill: list[str | None] = []
    missable = {value for value, _label in MISSABLE_STAGES}
    for stage in Stage:
        row = by_stage.get(stage.value)
        if row is None:
            continue
        # ISO 10002 7.4, 4.15: the complaints behind the misses, where the queue can list them.
        drill.append(
            parts.query(
                spec,
                state="any",
                missed=stage.value,
                missed_from=spec.period_from,
                missed_to=spec.period_to,
            )
            if stage.value in missable
            else None
        )
        table_rows.append({
            "stage": str(stage.label),
            "met": row["met"],
            "missed": row["missed"],
            "overdue": row["overdue"],
            "percent_met": parts.rate(row["met"], row["met"] + row["missed"]),
        })  # fmt: skip
    return Table(
        key="sla",
        title=_("Deadline compliance by stage"),
        columns=[
            Column("stage", _("Stage"), "text"),
            Column("met", _("Met"), "int"),
            Column("missed", _("Missed"), "int"),
            Column("overdue", _("Running and overdue"), "int"),
            Column("percent_met", _("Met (%)"), "percent"),
        ],
        rows=table_rows,
        drill=drill,
        drill_column="missed",
        note=_(
            "Met and missed: clocks that stopped in the period. Running and overdue: clocks "
            "still running past their deadline at the end of the period (or now). A missed "
            "count opens the complaints whose clock for that stage stopped late."
        ),
    )


# --- 6. satisfaction ------------------------------------------------------------------------------


def satisfaction(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Survey answers, average score and response rate by month of closure (ISO 10002 8.3)."""
    rows = filtered(viewer, spec)
    start, end = spec.bounds()
    buckets = parts.buckets(spec, "month")
    aggregates: dict[str, Any] = {}
    for i, bucket in enumerate(buckets):
        closed = parts.closed(*parts.span(bucket))
        answered = closed & Q(survey_response__isnull=False)
        aggregates[f"closed{i}"] = Count("pk", filter=closed)
        aggregates[f"answers{i}"] = Count("pk", filter=answered)
        aggregates[f"average{i}"] = Avg("survey_response__process", filter=answered)
    plan = figures.plan(viewer, spec)
    if plan is not None:
        found = figures.satisfaction(plan, spec, buckets)
    else:
        found = rows.filter(parts.closed(start, end)).aggregate(**aggregates)
    table_rows: list[dict[str, Any]] = []
    links: list[dict[str, str | None]] = []
    for i, bucket in enumerate(buckets):
        average = found[f"average{i}"]
        table_rows.append({
            "month": bucket.label,
            "closed": found[f"closed{i}"],
            "answers": found[f"answers{i}"],
            "average": None if average is None else round(float(average), 2),
            "response_rate": parts.rate(found[f"answers{i}"], found[f"closed{i}"]),
        })  # fmt: skip
        links.append({
            "closed": parts.closed_query(spec, bucket.first, bucket.last),
            # ISO 10002 8.3: the complaints whose complainant answered the survey.
            "answers": parts.closed_query(spec, bucket.first, bucket.last, survey=SURVEY_ANSWERED),
        })  # fmt: skip
    return Table(
        key="satisfaction",
        title=_("Satisfaction with complaints handling"),
        columns=[
            Column("month", _("Month of closure"), "month"),
            Column("closed", _("Complaints closed"), "int"),
            Column("answers", _("Survey answers"), "int"),
            Column("average", _("Average score (1–5)"), "float"),
            Column("response_rate", _("Response rate (%)"), "percent"),
        ],
        rows=table_rows,
        drill=[link["closed"] for link in links],
        drill_column="closed",
        links=links,
        note=_(
            "Complaints closed in each month and the complainants' answers to the survey: the "
            "score is satisfaction with the handling (1 to 5)."
        ),
    )


# --- 7. channel mix -------------------------------------------------------------------------------


def channels(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Complaints received by channel (ISO 10002 6.4, 8.2: how people reach the organisation)."""
    rows = filtered(viewer, spec)
    start, end = spec.bounds()
    plan = figures.plan(viewer, spec)
    found = (
        figures.grouped(plan, spec, "channel")
        if plan is not None
        else dict(
            rows.filter(parts.received(start, end))
            .values_list("channel")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("channel", "n")
        )
    )
    total = sum(found.values())
    ordered = sorted((c for c in Channel if found.get(c.value)), key=lambda c: -found[c.value])
    table_rows = [
        {
            "channel": str(c.label),
            "count": found[c.value],
            "share": parts.share(found[c.value], total),
        }
        for c in ordered
    ]
    return Table(
        key="channels",
        title=_("Channels"),
        columns=[
            Column("channel", _("Channel"), "text"),
            Column("count", _("Complaints"), "int"),
            Column("share", _("Share (%)"), "percent"),
        ],
        rows=table_rows,
        drill=[
            parts.received_query(spec, spec.period_from, spec.period_to, channel=c.value)
            for c in ordered
        ],
        drill_column="count",
        note=_("Complaints received in the period (merged duplicates not counted)."),
    )


# The page's order; each selector is ``(viewer, spec) -> Table``.
TABLES: dict[str, Callable[[Actor, AnalyticsFilter], Table]] = {
    "kpis": kpi_table,
    "trend": trend,
    "categories": categories,
    "root_causes": root_causes,
    "ageing": ageing,
    "sla": sla,
    "satisfaction": satisfaction,
    "channels": channels,
}


def table(viewer: Actor, spec: AnalyticsFilter, key: str) -> Table:
    """One table by its key (``KeyError`` for an unknown one)."""
    return TABLES[key](viewer, spec)
