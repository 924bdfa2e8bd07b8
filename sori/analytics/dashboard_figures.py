"""The dashboards' counts from the pre-aggregated figures (ISO 10002 8.2, 8.3, 8.4).

Each function answers what the matching live query in ``dashboards`` / ``paretos`` answers, in
the same shape, for a filter ``sori.analytics.figures.plan`` accepted; the tables are then built
by the same code. Counts are the live path's numbers (tests/integration/analytics/test_figures.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from sori.analytics import figure_queries as fq
from sori.analytics import figures
from sori.analytics.dashboard_parts import Bucket
from sori.analytics.filters import AnalyticsFilter
from sori.analytics.models import EndedComplaint
from sori.complaints.models import Complaint
from sori.core.actors import Actor


def plan(viewer: Actor, spec: AnalyticsFilter) -> figures.Plan | None:
    return figures.plan(
        viewer, unit=spec.unit, category=spec.category, channel=spec.channel,
        product=spec.product,
    )  # fmt: skip


def indexed(viewer: Actor, spec: AnalyticsFilter, rows: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """A handler's complaints as their unit's plus a list of their own elsewhere: the same set
    as ``visible()``'s (ISO 10002 4.10), which the indexes serve (the live tables read it)."""
    p = plan(viewer, spec)
    return p.complaints() if p is not None and p.extra_ids is not None else rows


def _bucket_of(buckets: Sequence[Bucket]) -> Any:
    def find(day: dt.date) -> int:
        for i, bucket in enumerate(buckets):
            if bucket.first <= day <= bucket.last:
                return i
        raise KeyError(day)

    return find


def _by_bucket(
    p: figures.Plan, spec: AnalyticsFilter, buckets: Sequence[Bucket], columns: Sequence[str]
) -> list[dict[str, int]]:
    """``columns`` summed per bucket (month rows only for months no bucket cuts)."""
    found = figures.daily(
        p, spec.period_from, spec.period_to, columns, by=("day",),
        split_at=[b.first for b in buckets] + [spec.period_to + dt.timedelta(days=1)],
    )  # fmt: skip
    answer = [dict.fromkeys(columns, 0) for _bucket in buckets]
    find = _bucket_of(buckets)
    for (day,), values in found.items():
        into = answer[find(day)]
        for column in columns:
            into[column] += values[column]
    return answer


def trend(
    p: figures.Plan, spec: AnalyticsFilter, buckets: Sequence[Bucket], cuts: Sequence[dt.datetime]
) -> tuple[list[int], dict[str, Any]]:
    """``dashboard_parts.open_counts``' answer for the trend: open at each cut, and the
    received and closed counts per bucket."""
    per_bucket = _by_bucket(p, spec, buckets, ("received", "closed"))
    counted: dict[str, Any] = {}
    for i, values in enumerate(per_bucket):
        counted[f"received{i}"] = values["received"]
        counted[f"closed{i}"] = values["closed"]
    return figures.open_at(p, cuts), counted


def satisfaction(
    p: figures.Plan, spec: AnalyticsFilter, buckets: Sequence[Bucket]
) -> dict[str, Any]:
    """The satisfaction table's aggregates (closed, answers, average per month of closure)."""
    found: dict[str, Any] = {}
    for i, values in enumerate(_by_bucket(p, spec, buckets, ("closed", "surveyed", "survey_sum"))):
        found[f"closed{i}"] = values["closed"]
        found[f"answers{i}"] = values["surveyed"]
        found[f"average{i}"] = (
            values["survey_sum"] / values["surveyed"] if values["surveyed"] else None
        )
    return found


def grouped(p: figures.Plan, spec: AnalyticsFilter, column: str) -> dict[Any, int]:
    """Complaints received in the period by ``column`` (``category_id`` or ``channel``)."""
    found = figures.daily(p, spec.period_from, spec.period_to, ("received",), by=(column,))
    return {key: values["received"] for (key,), values in found.items()}


def timers(p: figures.Plan, spec: AnalyticsFilter) -> dict[str, dict[str, int]]:
    """Clocks met and missed per stage in the period."""
    found = figures.timers(p, spec.period_from, spec.period_to, ("met", "ended"))
    return {
        stage: {"met": values["met"], "missed": values["ended"] - values["met"]}
        for stage, values in found.items()
    }


def root_causes(p: figures.Plan, spec: AnalyticsFilter) -> dict[int | None, int]:
    """Complaints received in the period by root cause (the plan has no category)."""
    return figures.root_causes(p, spec.period_from, spec.period_to)


def ended(p: figures.Plan, windows: Sequence[tuple[dt.datetime, dt.datetime | None, dt.datetime]]
          ) -> list[int] | None:  # fmt: skip
    """Per window (cut, since, until): complaints received in [since, until) that were withdrawn
    or merged before the cut — or None when a cut is after the built days (read live then)."""
    if any(cut > figures.midnight(p.built) for cut, _since, _until in windows):
        return None
    rows = EndedComplaint.objects.filter(p.dimensions())
    found = rows.filter(ended_at__lt=max(cut for cut, _s, _u in windows)).aggregate(
        **{
            f"e{i}": Count("pk", filter=Q(ended_at__lt=cut, received_at__lt=until)
                           & (Q(received_at__gte=since) if since else Q()))
            for i, (cut, since, until) in enumerate(windows)
        }
    )  # fmt: skip
    counts = [found[f"e{i}"] for i in range(len(windows))]
    extra = p.extra()
    if extra is not None:  # a handler's complaints outside their unit, counted live (few)
        ends = fq.ended_complaints(extra, max(cut for cut, _s, _u in windows))
        for i, (cut, since, until) in enumerate(windows):
            counts[i] += sum(
                1
                for _pk, received, first_end, *_rest in ends
                if first_end < cut and received < until and (since is None or received >= since)
            )
    return counts
