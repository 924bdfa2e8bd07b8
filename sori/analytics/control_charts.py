"""Control charts of monthly complaint numbers, with their special-cause signals (ISO 10002 8.2).

ISO 10002 8.2 asks that complaints be analysed to find systemic and recurring problems and
trends. A control chart per category and per unit separates the month-to-month noise from a
special cause; each signal is listed for a complaints manager to acknowledge or turn into an
improvement action (8.7), and that answer is kept as a ``SignalReview``.

Selectors only: the counts are ONE grouped database aggregate (months in the organisation's time
zone); Python fills the months with no complaint with 0 and hands the series to
the pure ``sori.analytics.spc``. A series is a u-chart (complaints per 1,000 customers) when
``ExposureFigure`` gives customers for every month of it — the unit's own figures for a unit,
the organisation's for the whole organisation and for a category — otherwise a c-chart.

Chart keys are stable (they are stored with a review): ``all``, ``category:<code>`` (a top-level
category, its sub-categories counted in it) and ``unit:<code>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sori.accounts.models import Unit
from sori.analytics import figures, spc
from sori.analytics.control_chart_counts import (
    Dimension,
    customers_by_month,
    monthly_counts,
)
from sori.analytics.filters import scoped, time_zone
from sori.analytics.models import SignalReview
from sori.complaints.models import Category, Complaint
from sori.complaints.workflow import Status
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import InvalidInput
from sori.governance.models import ImprovementAction

DEFAULT_MONTHS = 24
# A span longer than five years would be a report; a shorter one than a year has no baseline.
SPAN_CHOICES = (12, 24, 36, 48, 60)
# Phase I: the limits come from the first year of the span (all of it when shorter).
BASELINE_MONTHS = 12
# The exposure is entered as customers; the u-chart counts complaints per 1,000 of them.
CUSTOMERS_PER_EXPOSURE = Decimal(1000)


DIMENSION_LABELS = {
    Dimension.ALL: gettext_lazy("Whole organisation"),
    Dimension.CATEGORY: gettext_lazy("Per category"),
    Dimension.UNIT: gettext_lazy("Per unit"),
}

RULE_LABELS = {
    spc.Rule.BEYOND_LIMITS: gettext_lazy("Point beyond the control limits"),
    spc.Rule.TWO_OF_THREE: gettext_lazy("Two of three points beyond two standard deviations"),
    spc.Rule.FOUR_OF_FIVE: gettext_lazy("Four of five points beyond one standard deviation"),
    spc.Rule.RUN: gettext_lazy("Run on one side of the centre line"),
    spc.Rule.TREND: gettext_lazy("Steady trend"),
}

_DIMENSIONS = frozenset(d.value for d in Dimension)
_RULES = {rule.value: rule for rule in spc.Rule}

ZONE_LABELS = {
    spc.Zone.C: gettext_lazy("C (within 1σ)"),
    spc.Zone.B: gettext_lazy("B (1σ to 2σ)"),
    spc.Zone.A: gettext_lazy("A (2σ to 3σ)"),
    spc.Zone.BEYOND: gettext_lazy("beyond the limits"),
}


@dataclass(frozen=True)
class ChartPoint:
    month: dt.date
    count: int
    customers: int | None
    value: float  # the count (c-chart) or complaints per 1,000 customers (u-chart)
    centre: float
    lcl: float
    ucl: float
    zone: str
    zone_label: str
    signalled: bool  # part of at least one signal


@dataclass(frozen=True)
class ReviewView:
    decision: str
    decision_label: str
    note: str
    reviewed_by: str
    reviewed_at: dt.datetime
    action_reference: str
    action_title: str


@dataclass(frozen=True)
class SignalView:
    chart: str
    rule: str
    rule_label: str
    direction: str
    period_start: dt.date  # the first day of the month in which the rule fired
    months: tuple[dt.date, ...]  # every month involved, ascending
    message: str  # in the reader's language
    review: ReviewView | None
    action_reference: str  # an improvement action opened for it ("" when none)

    @property
    def source_key(self) -> str:
        return signal_source_key(self.chart, self.rule, self.period_start)

    @property
    def is_open(self) -> bool:
        """Not answered yet (an action opened elsewhere with the same key is shown with it)."""
        return self.review is None


@dataclass(frozen=True)
class PastReview:
    """A review of a signal of this chart in the span (still detected or not)."""

    rule: str
    rule_label: str
    period_start: dt.date
    detected: bool  # the signal is still on the chart with today's figures
    review: ReviewView


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    kind: str  # "c" or "u"
    baseline: int
    centre: float
    points: list[ChartPoint]
    signals: list[SignalView]
    reviews: list[PastReview] = field(default_factory=list)

    @property
    def open_signals(self) -> list[SignalView]:
        return [signal for signal in self.signals if signal.is_open]

    @property
    def kind_label(self) -> str:
        if self.kind == spc.ChartKind.U:
            return _("u-chart: complaints per 1,000 customers")
        return _("c-chart: complaints per month")


@dataclass(frozen=True)
class ControlCharts:
    dimension: str
    months: list[dt.date]
    series: list[Series]


def signal_source_key(chart: str, rule: str, period_start: dt.date | str) -> str:
    """What an improvement action opened from a signal names as its source (ISO 10002 8.7)."""
    start = period_start if isinstance(period_start, str) else period_start.isoformat()
    return f"spc:{chart}:{rule}:{start}"


def span_months(months: int = DEFAULT_MONTHS, *, today: dt.date | None = None) -> list[dt.date]:
    """The first days of the last ``months`` full months before the current one, oldest first."""
    if today is None:
        today = clock.now().astimezone(time_zone()).date()
    year, month = today.year, today.month
    found = []
    for _step in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        found.append(dt.date(year, month, 1))
    return found[::-1]


def check_span(dimension: str, months: int) -> None:
    if dimension not in _DIMENSIONS:
        raise InvalidInput(_("Choose the whole organisation, per category or per unit."),
                           code="invalid_dimension", field="dimension")  # fmt: skip
    if months not in SPAN_CHOICES:
        raise InvalidInput(_("Choose a span of 12, 24, 36, 48 or 60 months."),
                           code="invalid_span", field="months")  # fmt: skip


def parse_chart_key(key: str) -> tuple[Dimension, str]:
    """``all``, ``category:<code>`` or ``unit:<code>`` → (dimension, code); anything else refused."""
    if key == Dimension.ALL:
        return Dimension.ALL, ""
    kind, _sep, code = key.partition(":")
    if kind == Dimension.CATEGORY and code:
        if Category.objects.filter(code=code, parent__isnull=True).exists():
            return Dimension.CATEGORY, code
    elif kind == Dimension.UNIT and code and Unit.objects.filter(code=code).exists():
        return Dimension.UNIT, code
    raise InvalidInput(_("There is no control chart with this name."), code="unknown_chart",
                       field="chart")  # fmt: skip


def series_complaints(viewer: Actor, key: str) -> QuerySet[Complaint]:
    """The viewer's complaints that a chart counts (merged duplicates are not counted)."""
    dimension, code = parse_chart_key(key)
    rows = scoped(
        viewer,
        category=code if dimension is Dimension.CATEGORY else "",
        unit=code if dimension is Dimension.UNIT else "",
    )
    return rows.exclude(status=Status.MERGED)


def _labels(dimension: Dimension, keys: Iterable[str]) -> dict[str, str]:
    codes = [key.partition(":")[2] for key in keys]
    if dimension is Dimension.CATEGORY:
        return {f"category:{c.code}": c.label for c in Category.objects.filter(code__in=codes)}
    if dimension is Dimension.UNIT:
        return {f"unit:{u.code}": str(u) for u in Unit.objects.filter(code__in=codes)}
    return {Dimension.ALL.value: _("Whole organisation")}


def _review_view(review: SignalReview) -> ReviewView:
    action = review.improvement_action
    return ReviewView(
        decision=review.decision,
        decision_label=str(review.get_decision_display()),
        note=review.note,
        reviewed_by=review.reviewed_by.get_username(),
        reviewed_at=review.reviewed_at,
        action_reference=action.reference if action else "",
        action_title=action.title if action else "",
    )


def _message(signal: spc.Signal) -> str:
    return _(signal.message) % signal.params if signal.params else _(signal.message)


def _build(
    months: Sequence[dt.date],
    counts: dict[dt.date, int],
    customers: dict[dt.date, int],
) -> tuple[spc.Chart, list[int | None]]:
    values = [counts.get(month, 0) for month in months]
    baseline = min(BASELINE_MONTHS, len(months))
    if all(month in customers and customers[month] > 0 for month in months):
        people = [customers[month] for month in months]
        exposures = [Decimal(n) / CUSTOMERS_PER_EXPOSURE for n in people]
        return spc.u_chart(values, exposures, baseline=baseline), list(people)
    return spc.c_chart(values, baseline=baseline), [customers.get(month) for month in months]


def _series(
    *,
    key: str,
    label: str,
    months: Sequence[dt.date],
    counts: dict[dt.date, int],
    customers: dict[dt.date, int],
    reviews: dict[tuple[str, str, dt.date], SignalReview],
    actions: dict[str, str],
) -> Series:
    chart, people = _build(months, counts, customers)
    flagged = {index for signal in chart.signals for index in signal.indices}
    points = [
        ChartPoint(
            month=months[p.index],
            count=p.count,
            customers=people[p.index],
            value=p.value,
            centre=p.centre,
            lcl=p.lcl,
            ucl=p.ucl,
            zone=p.zone.value,
            zone_label=str(ZONE_LABELS[p.zone]),
            signalled=p.index in flagged,
        )
        for p in chart.points
    ]
    signals = []
    detected = set()
    for signal in chart.signals:
        start = months[signal.detected_at]
        review = reviews.get((key, signal.rule.value, start))
        detected.add((signal.rule.value, start))
        signals.append(
            SignalView(
                chart=key,
                rule=signal.rule.value,
                rule_label=str(RULE_LABELS[signal.rule]),
                direction=signal.direction.value,
                period_start=start,
                months=tuple(months[index] for index in signal.indices),
                message=_message(signal),
                review=_review_view(review) if review is not None else None,
                action_reference=actions.get(signal_source_key(key, signal.rule, start), ""),
            )
        )
    past = [
        PastReview(
            rule=rule,
            rule_label=str(RULE_LABELS[_RULES[rule]]) if rule in _RULES else rule,
            period_start=start,
            detected=(rule, start) in detected,
            review=_review_view(review),
        )
        for (chart_key, rule, start), review in sorted(reviews.items(), key=lambda i: i[0][2])
        if chart_key == key
    ]
    return Series(
        key=key,
        label=label,
        kind=chart.kind.value,
        baseline=chart.baseline,
        centre=chart.centre,
        points=points,
        signals=signals,
        reviews=past,
    )


def _reviews(
    keys: Sequence[str], months: Sequence[dt.date]
) -> dict[tuple[str, str, dt.date], SignalReview]:
    rows = SignalReview.objects.filter(
        chart__in=keys, period_start__gte=months[0], period_start__lte=months[-1]
    ).select_related("reviewed_by", "improvement_action")
    return {(r.chart, r.rule, r.period_start): r for r in rows}


def _actions(keys: Sequence[str]) -> dict[str, str]:
    """Source key → reference of the improvement actions already opened from a signal."""
    wanted = Q(pk__in=[])
    for key in keys:
        wanted |= Q(source_key__startswith=f"spc:{key}:")
    rows = ImprovementAction.objects.filter(wanted).order_by("opened_at", "pk")
    found: dict[str, str] = {}
    for source_key, reference in rows.values_list("source_key", "reference"):
        found.setdefault(source_key, reference)
    return found


def _assemble(
    dimension: Dimension,
    months: list[dt.date],
    counts: dict[str, dict[dt.date, int]],
    keys: list[str],
) -> list[Series]:
    exposures = customers_by_month(months)
    labels = _labels(dimension, keys)
    reviews = _reviews(keys, months)
    actions = _actions(keys)
    built = []
    for key in keys:
        unit_code = key.partition(":")[2] if dimension is Dimension.UNIT else ""
        built.append(
            _series(
                key=key,
                label=labels.get(key, key.partition(":")[2] or key),
                months=months,
                counts=counts.get(key, {}),
                customers=exposures.get(unit_code, {}),
                reviews=reviews,
                actions=actions,
            )
        )
    # Series that need a manager's look first, then the rest by name.
    built.sort(key=lambda s: (not s.open_signals, not s.signals, s.label))
    return built


def control_charts(
    *, viewer: Actor, dimension: str = Dimension.ALL, months: int = DEFAULT_MONTHS
) -> ControlCharts:
    """Every chart of a dimension over the last ``months`` full months, signals first.

    Categories and units with no complaint in the span have no chart (there is nothing to
    control); "all" always has one.
    """
    check_span(dimension, months)
    chosen = Dimension(dimension)
    span = span_months(months)
    counts = monthly_counts(scoped(viewer), chosen, span, figures.plan(viewer))
    keys = [Dimension.ALL.value] if chosen is Dimension.ALL else sorted(counts)
    return ControlCharts(
        dimension=chosen.value, months=span, series=_assemble(chosen, span, counts, keys)
    )


def chart_series(*, viewer: Actor, key: str, months: int = DEFAULT_MONTHS) -> Series:
    """One chart, recomputed from today's figures (to check a signal before acting on it)."""
    check_span(Dimension.ALL, months)
    dimension, code = parse_chart_key(key)
    span = span_months(months)
    rows = series_complaints(viewer, key)
    plan = figures.plan(viewer, category=code if dimension is Dimension.CATEGORY else "",
                        unit=code if dimension is Dimension.UNIT else "")  # fmt: skip
    counts = monthly_counts(rows, dimension, span, plan)
    return _assemble(dimension, span, counts, [key])[0]
