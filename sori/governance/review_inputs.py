"""The inputs of a management review, compiled by Sori itself (ISO 10002 8.6; R-8.6.1).

``compile_review_inputs`` gathers, for the review's period, what 8.6 asks top management to
look at: the KPIs (and the period before, to compare), the objectives with their red / amber /
green status, satisfaction, trends and recurring issues, the internal audits' results, the state
of the improvement actions, the actions decided at the previous review, and the two inputs a
person brings (changes, recommendations).

Every number comes from the selector the other pages use (``sori.analytics.kpis``, the dashboards'
trend and Pareto, ``sori.governance.objectives``), so the pack shows what the pages show. The
result is plain JSON (str, numbers, lists, dicts): it is stored in
``ManagementReview.inputs_snapshot`` when the review is held, so the record no longer moves.
Codes are stored next to words, so a held pack can still be read in another language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from sori.analytics.filters import AnalyticsFilter, month_after, period_bounds
from sori.analytics.kpis import kpis
from sori.analytics.models import RecurringGroup
from sori.analytics.paretos import categories
from sori.core.actors import Actor
from sori.governance.models import (
    ActionStatus,
    AuditFinding,
    AuditStatus,
    FindingKind,
    ImprovementAction,
    InternalAudit,
    ManagementReview,
)
from sori.governance.objectives import objectives_overview, today

SCHEMA_VERSION = 1
# Enough rows for a meeting; the pages hold the rest.
TOP_CATEGORIES = 5
TOP_RECURRING = 10
# ISO 10002 8.3: the satisfaction KPIs of the catalogue.
SATISFACTION_CODES = ("satisfaction_score", "survey_response_rate")
# Actions that are still being worked on (neither implemented, checked nor cancelled).
ACTIVE_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.NOT_EFFECTIVE)


def previous_period(period_from: dt.date, period_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period before, to compare with: the same number of whole months when the period is
    whole months (Q1 → Q4), else the same number of days, ending the day before ``period_from``.
    """
    end = period_from - dt.timedelta(days=1)
    if period_from.day == 1 and month_after(period_to) - dt.timedelta(days=1) == period_to:
        months = len(months_of(period_from, period_to))
        start = period_from
        for _month in range(months):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        return start, end
    return end - (period_to - period_from), end


def _kpis(viewer: Actor, period_from: dt.date, period_to: dt.date) -> list[dict[str, Any]]:
    current = kpis(viewer=viewer, period_from=period_from, period_to=period_to)
    before_from, before_to = previous_period(period_from, period_to)
    before = kpis(viewer=viewer, period_from=before_from, period_to=before_to).by_code()
    rows = []
    for kpi in current.kpis:
        if not kpi.available:
            continue
        earlier = before.get(kpi.code)
        rows.append({
            "code": kpi.code,
            "name": kpi.name,
            "unit": kpi.unit,
            "value": kpi.value,
            "previous": earlier.value if earlier is not None else None,
            "target": kpi.target,
            "status": kpi.status,
            "direction": kpi.direction,
            "iso_clause": kpi.iso_clause,
        })  # fmt: skip
    return rows


def _objectives(viewer: Actor) -> list[dict[str, Any]]:
    rows = []
    for progress in objectives_overview(viewer=viewer):
        latest = progress.latest
        rows.append({
            "id": progress.objective.pk,
            "title": progress.objective.title,
            "kpi_code": progress.objective.kpi_code,
            "kpi_name": progress.kpi_name,
            "measure": progress.measure,
            "direction": progress.direction,
            "target": float(progress.objective.target),
            "rag": progress.overall,
            "latest_value": latest.value if latest else None,
            "latest_period": latest.label if latest else "",
            "action_reference": progress.action_reference,
        })  # fmt: skip
    return rows


def _satisfaction(kpi_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in kpi_rows if row["code"] in SATISFACTION_CODES]


def months_of(period_from: dt.date, period_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months that meet the period, each cut to the days inside it."""
    found = []
    cursor = period_from.replace(day=1)
    while cursor <= period_to:
        following = month_after(cursor)
        found.append((max(cursor, period_from), min(following - dt.timedelta(days=1), period_to)))
        cursor = following
    return found


def _monthly(viewer: Actor, period_from: dt.date, period_to: dt.date) -> list[dict[str, Any]]:
    # ISO 10002 8.2: received, closed and open at the end per month, from the KPI catalogue (the
    # dashboards' trend counts the same cohorts, but by week for a quarter).
    rows = []
    for first, last in months_of(period_from, period_to):
        values = kpis(viewer=viewer, period_from=first, period_to=last).by_code()
        rows.append({
            "period": f"{first:%Y-%m}",
            "received": values["received"].value,
            "closed": values["closed"].value,
            "open": values["open_at_end"].value,
        })  # fmt: skip
    return rows


def _trends(viewer: Actor, period_from: dt.date, period_to: dt.date) -> dict[str, Any]:
    spec = AnalyticsFilter(period_from=period_from, period_to=period_to)
    start, end = period_bounds(period_from, period_to)
    groups = (
        RecurringGroup.objects.filter(
            dismissed_at__isnull=True, first_at__lt=end, last_at__gte=start
        )
        .select_related("improvement_action")
        .order_by("-size", "-last_at")[:TOP_RECURRING]
    )
    return {
        "grain": "month",
        "periods": _monthly(viewer, period_from, period_to),
        "top_categories": [
            {"label": str(row["label"]), "count": row["count"], "share": row["share"]}
            for row in categories(viewer, spec).rows[:TOP_CATEGORIES]
        ],
        "recurring": [
            {
                "kind": group.kind,
                "title": group.title or group.key,
                "size": group.size,
                "last_at": group.last_at.date().isoformat(),
                "action_reference": group.improvement_action.reference
                if group.improvement_action
                else "",
            }
            for group in groups
        ],
    }


def _audits(period_from: dt.date, period_to: dt.date) -> dict[str, Any]:
    start, end = period_bounds(period_from, period_to)
    completed = (
        InternalAudit.objects.filter(
            status=AuditStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
        )
        .annotate(
            **{
                kind: Count("findings", filter=Q(findings__kind=kind))
                for kind in FindingKind.values
            }
        )
        .order_by("completed_at", "id")
    )
    # A nonconformity stays open until an improvement action for it is found effective (8.7).
    still_open = AuditFinding.objects.filter(kind=FindingKind.NONCONFORMITY).exclude(
        improvement_action__status=ActionStatus.EFFECTIVE
    )
    return {
        "completed": [
            {
                "reference": audit.reference,
                "title": audit.title,
                "completed_on": audit.completed_at.date().isoformat() if audit.completed_at else "",
                "conclusion": audit.conclusion,
                **{kind: getattr(audit, kind) for kind in FindingKind.values},
            }
            for audit in completed
        ],
        "open_nonconformities": still_open.count(),
    }


def _actions(period_from: dt.date, period_to: dt.date) -> dict[str, Any]:
    start, end = period_bounds(period_from, period_to)
    counts = dict(
        ImprovementAction.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    checked = dict(
        ImprovementAction.objects.filter(
            effectiveness_checked_at__gte=start, effectiveness_checked_at__lt=end
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    overdue = ImprovementAction.objects.filter(
        status__in=ACTIVE_ACTION_STATUSES, due_on__lt=today()
    ).count()
    return {
        "by_status": {status: counts.get(status, 0) for status in ActionStatus.values},
        "overdue": overdue,
        "opened_in_period": ImprovementAction.objects.filter(
            opened_at__gte=start, opened_at__lt=end
        ).count(),
        "checked_effective": checked.get(ActionStatus.EFFECTIVE, 0),
        "checked_not_effective": checked.get(ActionStatus.NOT_EFFECTIVE, 0),
    }


def decision_rows(review: ManagementReview) -> list[dict[str, Any]]:
    """A review's decisions with owner, due date, done or not and the linked action's status."""
    rows = []
    for decision in review.decisions.select_related("owner", "improvement_action"):
        action = decision.improvement_action
        owner = decision.owner
        rows.append({
            "id": decision.pk,
            "kind": decision.kind,
            "text": decision.text,
            "owner": owner.get_full_name() or owner.get_username(),
            "due_on": decision.due_on.isoformat(),
            "done": decision.done_at is not None,
            "done_on": decision.done_at.date().isoformat() if decision.done_at else "",
            "action_reference": action.reference if action else "",
            "action_status": action.status if action else "",
        })  # fmt: skip
    return rows


def _previous(previous: ManagementReview | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    return {
        "reference": previous.reference,
        "held_on": previous.held_at.date().isoformat() if previous.held_at else "",
        "period_from": previous.period_from.isoformat(),
        "period_to": previous.period_to.isoformat(),
        "decisions": decision_rows(previous),
    }


def empty_inputs() -> dict[str, Any]:
    """The shape of the inputs with nothing in them."""
    return {
        "version": SCHEMA_VERSION,
        "compiled_on": "",
        "period": {"from": "", "to": "", "previous_from": "", "previous_to": ""},
        "kpis": [],
        "objectives": [],
        "satisfaction": [],
        "trends": {"grain": "month", "periods": [], "top_categories": [], "recurring": []},
        "audits": {"completed": [], "open_nonconformities": 0},
        "actions": {
            "by_status": {},
            "overdue": 0,
            "opened_in_period": 0,
            "checked_effective": 0,
            "checked_not_effective": 0,
        },
        "previous_review": None,
        "changes": "",
        "recommendations": "",
    }


def normalised(stored: Any) -> dict[str, Any]:
    """Stored inputs in the current shape: what is missing (an older or hand-made snapshot) is
    shown empty rather than breaking the held review's page.
    """
    result = empty_inputs()
    if not isinstance(stored, dict):
        return result
    for key, default in result.items():
        value = stored.get(key, default)
        if isinstance(default, dict) and isinstance(value, dict):
            result[key] = {**default, **{k: v for k, v in value.items() if k in default}}
        elif default is None or isinstance(value, type(default)):
            result[key] = value
    return result


def compile_review_inputs(
    *,
    viewer: Actor,
    period_from: dt.date,
    period_to: dt.date,
    previous: ManagementReview | None = None,
    changes: str = "",
    recommendations: str = "",
) -> dict[str, Any]:
    """Every input of the review for [period_from, period_to], as JSON-safe data (8.6)."""
    kpi_rows = _kpis(viewer, period_from, period_to)
    before_from, before_to = previous_period(period_from, period_to)
    return {
        "version": SCHEMA_VERSION,
        "compiled_on": today().isoformat(),
        "period": {
            "from": period_from.isoformat(),
            "to": period_to.isoformat(),
            "previous_from": before_from.isoformat(),
            "previous_to": before_to.isoformat(),
        },
        "kpis": kpi_rows,
        "objectives": _objectives(viewer),
        "satisfaction": _satisfaction(kpi_rows),
        "trends": _trends(viewer, period_from, period_to),
        "audits": _audits(period_from, period_to),
        "actions": _actions(period_from, period_to),
        "previous_review": _previous(previous),
        "changes": changes,
        "recommendations": recommendations,
    }
