"""The KPIs' counts from the pre-aggregated figures (ISO 10002 8.4), in ``kpi_queries``' shapes.

``kpis()`` calls these instead of ``kpi_queries`` when ``sori.analytics.figures.plan`` says the
filter can be answered from the figures; the dicts have the same keys, so the KPI catalogue's
arithmetic is one. Counts and sums are the same numbers as the live queries'; the medians and
90th percentiles of the whole organisation or of a unit (a handler's view too) come from an hourly
histogram (within one hour of the exact value, the formula text says so) — a view narrowed by
category or channel computes them live, exactly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from sori.analytics import figures
from sori.analytics.durations import SECONDS_PER_DAY
from sori.analytics.figure_queries import MEASURES
from sori.analytics.filters import period_bounds
from sori.sla.models import Stage

CLOSED = ("closed", "stage_one", "reviewed", "referred", "surveyed", "survey_sum")
RECEIVED = ("received", "repeat", "complete")
DECIDED = (
    "decided", "decided_extended", "with_outcome", "upheld", "partly_upheld", "not_upheld",
    "redressed", "redress_total",
)  # fmt: skip
STAGES = (Stage.ACKNOWLEDGE, Stage.DECISION, Stage.INTERNAL_REVIEW, Stage.CLOSE)
APPROXIMATE = ("median_days_to", "p90_days_to")


def complaint_counts(p: figures.Plan, period_from: dt.date, period_to: dt.date) -> dict[str, Any]:
    """``kpi_queries.complaint_counts``' dict from the figures."""
    found = figures.total(p, period_from, period_to, RECEIVED + CLOSED + DECIDED)
    start, end = period_bounds(period_from, period_to)
    open_start, open_end = figures.open_at(p, [start, end])
    answer: dict[str, Any] = {name: found[name] for name in RECEIVED + CLOSED + DECIDED}
    answer["open_at_start"], answer["open_at_end"] = open_start, open_end
    answer["reopened"] = figures.reopened(p, period_from, period_to)
    surveyed = found["surveyed"]
    answer["satisfaction"] = found["survey_sum"] / surveyed if surveyed else None
    answer["redress_total"] = found["redress_total"] if found["decided"] else None
    return answer


def timer_counts(p: figures.Plan, period_from: dt.date, period_to: dt.date) -> dict[str, Any]:
    """``kpi_queries.timer_counts``' dict from the figures."""
    by_stage = figures.timers(p, period_from, period_to)
    answer: dict[str, Any] = {
        "extensions": sum(values["extensions"] for values in by_stage.values())
    }
    for stage in STAGES:
        values = by_stage.get(stage.value, {})
        answer[f"{stage}_ended"] = values.get("ended", 0)
        answer[f"{stage}_met"] = values.get("met", 0)
    return answer


def durations(p: figures.Plan, period_from: dt.date, period_to: dt.date) -> dict[str, float | None]:
    """``kpi_queries.durations``' dict from the hourly histogram (no category or channel)."""
    bins = figures.duration_bins(p, period_from, period_to)
    answer: dict[str, float | None] = {}
    for measure in MEASURES:
        for fraction, label in ((0.5, "median"), (0.9, "p90")):
            seconds = figures.percentile(bins[measure], fraction)
            answer[f"{label}_days_to_{measure}"] = (
                None if seconds is None else round(seconds / SECONDS_PER_DAY, 2)
            )
    return answer


def approximate_formula(code: str, formula: str) -> str:
    """The formula text of a percentile read from the histogram says it is approximate."""
    if not code.startswith(APPROXIMATE):
        return formula
    return (
        formula
        + " "
        + _(
            "≈ From the pre-aggregated figures: whole hours since receipt, interpolated within the "
            "hour, so within one hour of the exact value."
        )
    )
