"""Following the measurable objectives against the KPIs (ISO 10002 6.2, 8.4).

An objective names a KPI of the catalogue (``sori.analytics.catalogue``), a target, a period, an
owner and optionally a scope (unit, category, channel). ``objective_progress`` cuts the period
into months or quarters up to today, takes each one's value from ``sori.analytics.kpis.kpis``
with the objective's scope and the viewer's, and rates it:

- **green**: the target is met (at or above it when higher is better, at or below when lower is;
  for an indicator with no better direction — a volume, a share of outcomes — the objective says
  whether its target is a ceiling or a floor);
- **amber**: missed, but by no more than the objective's amber margin;
- **red**: missed by more than the margin;
- **grey**: no value for the period (nothing to measure, such as no clock stopped).

The objective's overall status is that of its latest period with a value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sori.accounts.models import Role, Unit
from sori.analytics.catalogue import BY_CODE, CATALOGUE, UNAVAILABLE, Direction, Kpi, Measure
from sori.analytics.filters import time_zone
from sori.analytics.kpis import KpiValue, kpis
from sori.complaints.models import Channel
from sori.complaints.workspace_selectors import category_choices
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, NotFound
from sori.governance.models import ActionStatus, Cadence, ImprovementAction, Objective

# ISO 10002 6.2: top management sets objectives with the complaints manager; auditors and
# administrators read them.
OBJECTIVE_WRITERS = frozenset({Role.COMPLAINTS_MANAGER.value, Role.TOP_MANAGEMENT.value})
OBJECTIVE_READERS = OBJECTIVE_WRITERS | {Role.AUDITOR.value, Role.ADMINISTRATOR.value}
# Upper bounds of targets by measure: percentages and the 1–5 satisfaction score.
TARGET_LIMITS = {Measure.PERCENT: Decimal("100"), Measure.SCORE: Decimal("5")}


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"


RAG_LABELS = {
    Rag.GREEN: gettext_lazy("on target"),
    Rag.AMBER: gettext_lazy("near target"),
    Rag.RED: gettext_lazy("off target"),
    Rag.GREY: gettext_lazy("no data"),
}


def can_read_objectives(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in OBJECTIVE_READERS


def can_set_objectives(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in OBJECTIVE_WRITERS


def usable_kpis() -> list[Kpi]:
    """KPIs an objective may follow: every one computed today. Those with no better direction
    (volumes, outcome shares) need the objective to say which side of its target meets it; the
    rate per 1,000 customers has a value where the monthly customer figures are entered."""
    return [kpi for kpi in CATALOGUE if kpi.code not in UNAVAILABLE]


def direction_of(objective: Objective, kpi: Kpi | None) -> str:
    """Which way the objective's indicator gets better: the objective's own say, else the KPI's."""
    if objective.target_side:
        return objective.target_side
    return kpi.direction.value if kpi is not None else ""


def rate(value: float | None, target: Decimal, margin: Decimal, direction: str) -> Rag:
    """Red, amber, green or grey for one value against the target (see the module's rules)."""
    if value is None:
        return Rag.GREY
    actual = Decimal(str(value))
    # How far on the wrong side of the target the value is (negative or zero when met).
    shortfall = target - actual if direction == Direction.HIGHER else actual - target
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= margin:
        return Rag.AMBER
    return Rag.RED


@dataclass(frozen=True)
class PeriodResult:
    start: dt.date
    end: dt.date
    label: str
    value: float | None
    rag: str
    rag_label: str
    # The period is not over yet (it ends today): its value is the value so far.
    partial: bool


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    kpi_name: str
    measure: str
    direction: str
    formula: str
    periods: list[PeriodResult]
    overall: str
    overall_label: str
    latest: PeriodResult | None
    # The improvement action opened for the latest red period, if any.
    action_reference: str = ""
    action_status: str = ""
    scope: list[str] = field(default_factory=list)

    @property
    def may_open_action(self) -> bool:
        return self.objective.active and self.overall == Rag.RED and not self.action_reference


def today() -> dt.date:
    return clock.now().astimezone(time_zone()).date()


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def periods_of(objective: Objective, until: dt.date) -> list[tuple[dt.date, dt.date, str, bool]]:
    """(start, end, label, partial) of each month or quarter of the objective up to ``until``."""
    quarterly = objective.cadence == Cadence.QUARTER
    found = []
    cursor = objective.period_from.replace(day=1)
    if quarterly:
        cursor = cursor.replace(month=(cursor.month - 1) // 3 * 3 + 1)
    last = min(objective.period_to, until)
    while cursor <= last:
        natural_end = _month_end(cursor.replace(month=cursor.month + 2) if quarterly else cursor)
        start = max(cursor, objective.period_from)
        end = min(natural_end, objective.period_to, until)
        if quarterly:
            label = _("%(year)d Q%(quarter)d") % {
                "year": cursor.year,
                "quarter": (cursor.month - 1) // 3 + 1,
            }
        else:
            label = f"{cursor:%Y-%m}"
        found.append((start, end, label, end < min(natural_end, objective.period_to)))
        cursor = natural_end + dt.timedelta(days=1)
    return found


Cache = dict[tuple[dt.date, dt.date, str, str, str], dict[str, KpiValue]]


def _scope_codes(objective: Objective) -> tuple[str, str, str]:
    return (
        objective.unit.code if objective.unit else "",
        objective.category.code if objective.category else "",
        objective.channel or "",
    )


def _scope_words(objective: Objective) -> list[str]:
    words = []
    if objective.unit:
        words.append(_("unit: %(name)s") % {"name": objective.unit})
    if objective.category:
        words.append(_("category: %(name)s") % {"name": objective.category.label})
    if objective.channel:
        label = dict(Channel.choices).get(objective.channel, objective.channel)
        words.append(_("channel: %(name)s") % {"name": label})
    return words


def objective_progress(
    *, viewer: Actor, objective: Objective, cache: Cache | None = None
) -> ObjectiveProgress:
    """The objective's value and RAG per period up to today, and its overall status (6.2)."""
    if not can_read_objectives(viewer):
        raise Forbidden(_("Your role does not give access to the objectives."))
    cache = {} if cache is None else cache
    kpi = BY_CODE.get(objective.kpi_code)
    unit, category, channel = _scope_codes(objective)
    results = []
    for start, end, label, partial in periods_of(objective, today()):
        key = (start, end, unit, category, channel)
        if key not in cache:
            report = kpis(viewer=viewer, period_from=start, period_to=end, unit=unit,
                          category=category, channel=channel)  # fmt: skip
            cache[key] = report.by_code()
        found = cache[key].get(objective.kpi_code)
        value = found.value if found is not None and found.available else None
        direction = direction_of(objective, kpi)
        rag = (
            rate(value, objective.target, objective.amber_margin, direction)
            if direction in (Direction.HIGHER, Direction.LOWER)
            else Rag.GREY
        )
        results.append(PeriodResult(start=start, end=end, label=label, value=value,
                                    rag=rag.value, rag_label=str(RAG_LABELS[rag]),
                                    partial=partial))  # fmt: skip
    latest = next((period for period in reversed(results) if period.value is not None), None)
    overall = Rag(latest.rag) if latest is not None else Rag.GREY
    action = None
    if latest is not None:
        action = (
            ImprovementAction.objects.filter(source_key=action_key(objective, latest.start))
            .values("reference", "status")
            .first()
        )
    return ObjectiveProgress(
        objective=objective,
        kpi_name=str(kpi.name) if kpi else objective.kpi_code,
        measure=kpi.unit.value if kpi else "",
        direction=direction_of(objective, kpi),
        formula=str(kpi.formula) if kpi else "",
        periods=results,
        overall=overall.value,
        overall_label=str(RAG_LABELS[overall]),
        latest=latest,
        action_reference=action["reference"] if action else "",
        action_status=str(ActionStatus(action["status"]).label) if action else "",
        scope=_scope_words(objective),
    )


def action_key(objective: Objective, period_start: dt.date) -> str:
    """The source key of the improvement action for one red period of the objective."""
    return f"objective:{objective.pk}:{period_start.isoformat()}"


def objective_for(*, viewer: Actor, objective_id: int) -> Objective:
    if not can_read_objectives(viewer):
        raise Forbidden(_("Your role does not give access to the objectives."))
    objective = (
        Objective.objects.select_related("owner", "unit", "category")
        .filter(pk=objective_id)
        .first()
    )
    if objective is None:
        raise NotFound(_("There is no such objective."))
    return objective


def objectives_overview(*, viewer: Actor, retired: bool = False) -> list[ObjectiveProgress]:
    """Every active (or every retired) objective with its progress, for the list page."""
    if not can_read_objectives(viewer):
        raise Forbidden(_("Your role does not give access to the objectives."))
    cache: Cache = {}
    rows = Objective.objects.select_related("owner", "unit", "category").filter(active=not retired)
    return [objective_progress(viewer=viewer, objective=row, cache=cache) for row in rows]


def owner_choices(*, viewer: Actor) -> list[tuple[int, str]]:
    """Active staff members who may own an objective or an improvement action."""
    if not viewer.is_staff:
        return []
    roles = dict(Role.choices)
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .order_by("username")
        .values_list("pk", "username", "first_name", "last_name", "staff_profile__role")
    )
    choices = []
    for pk, username, first, last, role in users:
        name = " ".join(part for part in (first, last) if part) or username
        choices.append((pk, f"{name} ({roles.get(role, role)})"))
    return choices


@dataclass(frozen=True)
class ScopeChoices:
    units: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    channels: list[tuple[str, str]]


def scope_choices(*, viewer: Actor) -> ScopeChoices:
    """The units, categories (as a tree) and channels an objective may be narrowed to."""
    if not can_read_objectives(viewer):
        return ScopeChoices(units=[], categories=[], channels=[])
    return ScopeChoices(
        units=[(unit.code, str(unit)) for unit in Unit.objects.order_by("code")],
        categories=category_choices(viewer=viewer),
        channels=[(value, str(label)) for value, label in Channel.choices],
    )
