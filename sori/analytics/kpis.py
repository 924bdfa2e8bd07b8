"""The KPI catalogue's values for a period, as database aggregates (ISO 10002 8.4, 6.2).

One selector, ``kpis()``, for the API, the dashboards and the printed reports, so they show the
same numbers. Every value is an aggregate over indexed columns (``Count``/``Sum``/``Avg`` with
``filter=``, ``Exists`` subqueries, percentiles in the database): nothing walks complaints in
Python. The viewer's scope (``sori.complaints.scope.visible``) bounds every query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sori.analytics import figures, kpi_figures
from sori.analytics import kpi_queries as queries
from sori.analytics.catalogue import CATALOGUE, UNAVAILABLE, Direction, Kpi
from sori.analytics.exposure import customers_in
from sori.analytics.filters import (
    MAX_PERIOD_DAYS,
    check_period,
    period_bounds,
    scoped,
    time_zone,
)
from sori.complaints.scope import WIDE_ROLES
from sori.core.actors import Actor, ActorKind
from sori.core.errors import InvalidInput
from sori.sla.models import Stage

__all__ = ["MAX_PERIOD_DAYS", "KpiReport", "KpiValue", "kpis", "period_bounds", "time_zone"]


@dataclass(frozen=True)
class KpiValue:
    code: str
    name: str
    value: float | None
    unit: str
    numerator: float | None
    denominator: float | None
    target: float | None
    status: str  # met, not_met or none
    available: bool
    direction: str
    formula: str
    iso_clause: str
    owner_role: str


@dataclass(frozen=True)
class KpiReport:
    period_from: dt.date
    period_to: dt.date
    time_zone: str
    unit: str | None
    category: str | None
    channel: str | None
    customers: int | None
    kpis: list[KpiValue] = field(default_factory=list)

    def by_code(self) -> dict[str, KpiValue]:
        return {kpi.code: kpi for kpi in self.kpis}


def _ratio(numerator: float | None, denominator: float | None, scale: int = 100) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(float(numerator) * scale / float(denominator), 2)


def _status(kpi: Kpi, value: float | None) -> str:
    if value is None or kpi.target is None or kpi.direction is Direction.NEITHER:
        return "none"
    target = float(kpi.target)
    good = value >= target if kpi.direction is Direction.HIGHER else value <= target
    return "met" if good else "not_met"


def _money(amount: Decimal | None) -> float:
    return float(amount or 0)


def _values(
    counts: dict[str, Any],
    timers: dict[str, Any],
    referrals: dict[str, Any],
    durations: dict[str, float | None],
    customers: int | None,
    actions: dict[str, Any],
) -> dict[str, tuple[float | None, float | None, float | None]]:
    """code → (value, numerator, denominator)."""
    c, t = counts, timers
    total = _money(c["redress_total"])
    satisfaction = c["satisfaction"]
    values: dict[str, tuple[float | None, float | None, float | None]] = {
        name: (c[name], None, None)
        for name in ("received", "closed", "open_at_start", "open_at_end")
    }
    values["received_per_1000_customers"] = (
        _ratio(c["received"], customers, scale=1000),
        c["received"],
        customers,
    )
    for code, stage in (
        ("acknowledged_on_time", Stage.ACKNOWLEDGE),
        ("decided_on_time", Stage.DECISION),
        ("review_decided_on_time", Stage.INTERNAL_REVIEW),
        ("closed_on_time", Stage.CLOSE),
    ):
        met, ended = t[f"{stage}_met"], t[f"{stage}_ended"]
        values[code] = (_ratio(met, ended), met, ended)
    for code, value in durations.items():
        values[code] = (value, None, None)
    values["extensions"] = (t["extensions"], None, None)
    values["extended_decisions"] = (
        _ratio(c["decided_extended"], c["decided"]),
        c["decided_extended"],
        c["decided"],
    )
    for code in ("upheld", "partly_upheld", "not_upheld"):
        values[code] = (_ratio(c[code], c["with_outcome"]), c[code], c["with_outcome"])
    values["redress_total"] = (round(total, 2), None, None)
    values["redress_average"] = (_ratio(total, c["redressed"], scale=1), total, c["redressed"])
    for code, name in (
        ("first_contact_resolution", "stage_one"),
        ("escalation_rate", "reviewed"),
        ("external_referral_rate", "referred"),
        ("reopened_rate", "reopened"),
        ("survey_response_rate", "surveyed"),
    ):
        values[code] = (_ratio(c[name], c["closed"]), c[name], c["closed"])
    values["external_changed_rate"] = (
        _ratio(referrals["favourable"], referrals["verdicts"]),
        referrals["favourable"],
        referrals["verdicts"],
    )
    values["repeat_rate"] = (_ratio(c["repeat"], c["received"]), c["repeat"], c["received"])
    values["satisfaction_score"] = (
        None if satisfaction is None else round(float(satisfaction), 2),
        c["surveyed"],
        None,
    )
    values["data_quality"] = (_ratio(c["complete"], c["received"]), c["complete"], c["received"])
    values["improvement_actions_opened"] = (actions["opened"], None, None)
    values["improvement_actions_closed"] = (actions["implemented"], None, None)
    values["improvement_actions_effective"] = (
        _ratio(actions["effective"], actions["checked"]),
        actions["effective"],
        actions["checked"],
    )
    return values


def _sees_every_complaint(viewer: Actor) -> bool:
    return viewer.kind is ActorKind.SYSTEM or (viewer.is_staff and viewer.role in WIDE_ROLES)


def kpis(
    *,
    viewer: Actor,
    period_from: dt.date,
    period_to: dt.date,
    unit: str | None = None,
    category: str | None = None,
    channel: str | None = None,
    product: str | None = None,
    customers: int | None = None,
) -> KpiReport:
    """Every KPI of the catalogue over the viewer's complaints in [period_from, period_to]."""
    check_period(period_from, period_to)
    if customers is not None and customers < 1:
        raise InvalidInput(_("The number of customers must be at least 1."),
                           code="invalid_customers", field="customers")  # fmt: skip
    if customers is None:
        # ISO 10002 8.4: the rate per 1,000 customers from the monthly figures, when they are there.
        customers = customers_in(period_from, period_to, unit or "")
    rows = scoped(
        viewer,
        unit=unit or "",
        category=category or "",
        channel=channel or "",
        product=product or "",
    )
    start, end = period_bounds(period_from, period_to)
    narrowed = bool(unit or category or channel or product) or not _sees_every_complaint(viewer)
    # ISO 10002 8.4 at scale: the pre-aggregated figures answer when they can (same counts).
    plan = figures.plan(
        viewer, unit=unit or "", category=category or "", channel=channel or "",
        product=product or "",
    )  # fmt: skip
    if plan is None:
        counts = queries.complaint_counts(rows, start, end)
        timers = queries.timer_counts(rows, start, end)
        durations = queries.durations(rows, start, end)
    else:
        if plan.extra_ids is not None:
            # A handler's complaints, the same set as ``visible()``'s, in a form the indexes serve.
            rows = plan.complaints()
        counts = kpi_figures.complaint_counts(plan, period_from, period_to)
        timers = kpi_figures.timer_counts(plan, period_from, period_to)
        durations = (
            kpi_figures.durations(plan, period_from, period_to)
            if plan.histogram_answers
            else queries.durations(rows, start, end)
        )
    # The medians and 90th percentiles read from the hourly histogram say so (≈).
    approximate = plan is not None and plan.histogram_answers
    values = _values(
        counts,
        timers,
        queries.referral_counts(rows, period_from, period_to),
        durations,
        customers,
        queries.improvement_counts(rows, start, end, narrowed=narrowed),
    )
    report = []
    for kpi in CATALOGUE:
        available = kpi.code not in UNAVAILABLE and kpi.code in values
        if kpi.code == "received_per_1000_customers" and customers is None:
            available = False
        value, numerator, denominator = values.get(kpi.code, (None, None, None))
        if not available:
            value = numerator = denominator = None
        report.append(
            KpiValue(
                code=kpi.code,
                name=str(kpi.name),
                value=value,
                unit=kpi.unit.value,
                numerator=numerator,
                denominator=denominator,
                target=None if kpi.target is None else float(kpi.target),
                status=_status(kpi, value),
                available=available,
                direction=kpi.direction.value,
                formula=kpi_figures.approximate_formula(kpi.code, str(kpi.formula))
                if approximate
                else str(kpi.formula),
                iso_clause=kpi.iso_clause,
                owner_role=kpi.owner_role,
            )
        )
    return KpiReport(
        period_from=period_from,
        period_to=period_to,
        time_zone=str(time_zone()),
        unit=unit or None,
        category=category or None,
        channel=channel or None,
        customers=customers,
        kpis=report,
    )
