"""Measurable objectives and their red / amber / green results over time (ISO 10002 6.2).

Complaints managers and top management set, change and retire objectives, and open an
improvement action (8.7) for one that is off target; auditors and administrators read them.
Values come from the KPI catalogue (``sori.governance.objectives`` → ``sori.analytics.kpis``),
so the objectives show the numbers the dashboards and the API show.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sori.analytics.catalogue import Direction, Measure
from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.context import optional_url
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.objectives import ObjectiveActionForm, ObjectiveForm, RetireForm
from sori.core.errors import DomainError, NotFound
from sori.governance.models import Objective
from sori.governance.objectives import (
    OBJECTIVE_READERS,
    OBJECTIVE_WRITERS,
    ObjectiveProgress,
    can_set_objectives,
    objective_for,
    objective_progress,
    objectives_overview,
    owner_choices,
    scope_choices,
    today,
    usable_kpis,
)
from sori.governance.services.objectives import (
    open_action_for_objective,
    retire_objective,
    set_objective,
    update_objective,
)

_FORM_FIELDS = {"owner": "owner", "kpi_code": "kpi_code"}


def format_value(value: float | Decimal | None, measure: str) -> str:
    """A KPI value as a person reads it: 95.5%, 1.5 days, 4.2, 50,000."""
    if value is None:
        return "—"
    if measure == Measure.PERCENT:
        return f"{number_format(value, 1, use_l10n=True)}%"
    if measure == Measure.DAYS:
        return _("%(days)s days") % {"days": number_format(value, 1, use_l10n=True)}
    if measure in (Measure.MONEY, Measure.COUNT):
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return number_format(value, 2, use_l10n=True)


def _target_words(progress: ObjectiveProgress) -> str:
    target = format_value(progress.objective.target, progress.measure)
    if progress.direction == Direction.HIGHER:
        return _("at least %(target)s") % {"target": target}
    return _("at most %(target)s") % {"target": target}


def _row(progress: ObjectiveProgress) -> dict[str, Any]:
    latest = progress.latest
    return {
        "progress": progress,
        "objective": progress.objective,
        "target": _target_words(progress),
        "latest_value": format_value(latest.value if latest else None, progress.measure),
        "periods": [
            {
                "period": period,
                "value": format_value(period.value, progress.measure),
                # Written out as well as coloured: the period, its value and its result.
                "text": f"{period.label}: {format_value(period.value, progress.measure)} "
                f"({period.rag_label})",
            }
            for period in progress.periods
        ],
        "action_url": optional_url("backoffice:improvement-action", progress.action_reference)
        if progress.action_reference
        else None,
    }


def _objective_form(request: StaffRequest, *args: Any, **kwargs: Any) -> ObjectiveForm:
    return ObjectiveForm(
        *args,
        kpis=[(kpi.code, str(kpi.name)) for kpi in usable_kpis()],
        owners=owner_choices(viewer=request.actor),
        scope=scope_choices(viewer=request.actor),
        **kwargs,
    )


@require_GET
@roles_required(*OBJECTIVE_READERS)
def objectives(request: StaffRequest) -> HttpResponse:
    """Every active objective (or every retired one) with its latest result and its history."""
    retired = request.GET.get("retired") == "1"
    rows = [_row(progress) for progress in objectives_overview(viewer=request.actor,
                                                               retired=retired)]  # fmt: skip
    context = {"rows": rows, "retired": retired, "may_set": can_set_objectives(request.actor)}
    return render(request, "backoffice/objectives/list.html", context)


def _render_new(request: StaffRequest, form: ObjectiveForm, status: int = 200) -> HttpResponse:
    return render(request, "backoffice/objectives/new.html",
                  {"form": form, "has_errors": bool(form.errors)}, status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
@roles_required(*OBJECTIVE_WRITERS)
def new(request: StaffRequest) -> HttpResponse:
    """Set an objective (6.2)."""
    if request.method != "POST":
        year = today().year
        initial = {"period_from": f"{year}-01-01", "period_to": f"{year}-12-31",
                   "owner": request.actor.user_id, "amber_margin": "0"}  # fmt: skip
        return _render_new(request, _objective_form(request, initial=initial))
    form = _objective_form(request, request.POST)
    if not form.is_valid():
        return _render_new(request, form, status=400)
    try:
        objective = set_objective(actor=request.actor, data=form.objective_input())
    except DomainError as error:
        add_form_errors(form, error, _FORM_FIELDS)
        return _render_new(request, form, status=http_status_for(error))
    messages.success(request, _("The objective is set."))
    return redirect("backoffice:objective", objective_id=objective.pk)


def _edit_initial(objective: Objective) -> dict[str, Any]:
    return {
        "title": objective.title,
        "kpi_code": objective.kpi_code,
        "target": objective.target,
        "target_side": objective.target_side,
        "amber_margin": objective.amber_margin,
        "period_from": objective.period_from,
        "period_to": objective.period_to,
        "cadence": objective.cadence,
        "owner": objective.owner_id,
        "unit": objective.unit.code if objective.unit else "",
        "category": objective.category.code if objective.category else "",
        "channel": objective.channel,
    }


def _detail(request: StaffRequest, objective_id: int, bound: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    try:
        objective = objective_for(viewer=request.actor, objective_id=objective_id)
    except NotFound as error:
        return render(request, "backoffice/objectives/missing.html", {"message": error.message},
                      status=404)  # fmt: skip
    progress = objective_progress(viewer=request.actor, objective=objective)
    bound = bound or {}
    context: dict[str, Any] = {**_row(progress), "may_set": False}
    if can_set_objectives(request.actor) and objective.active:
        owners = owner_choices(viewer=request.actor)
        context["may_set"] = True
        context["edit_form"] = bound.get("edit") or _objective_form(
            request, initial=_edit_initial(objective)
        )
        context["retire_form"] = bound.get("retire") or RetireForm(auto_id="id_retire_%s")
        if "action" in bound:
            context["action_form"] = bound["action"]
        elif progress.may_open_action:
            context["action_form"] = ObjectiveActionForm(
                owners=owners,
                initial={
                    "title": _("Bring “%(title)s” back on target") % {"title": objective.title},
                    "owner": objective.owner_id,
                },
            )
    context["has_errors"] = any(form.errors for form in bound.values())
    return render(request, "backoffice/objectives/detail.html", context, status=status)


@require_GET
@roles_required(*OBJECTIVE_READERS)
def objective(request: StaffRequest, objective_id: int) -> HttpResponse:
    """One objective: its results per period, and for writers the forms to change it."""
    return _detail(request, objective_id)


@require_POST
@roles_required(*OBJECTIVE_WRITERS)
def edit(request: StaffRequest, objective_id: int) -> HttpResponse:
    form = _objective_form(request, request.POST)
    if not form.is_valid():
        return _detail(request, objective_id, {"edit": form}, status=400)
    try:
        update_objective(actor=request.actor, objective_id=objective_id,
                         data=form.objective_input())  # fmt: skip
    except DomainError as error:
        if isinstance(error, NotFound):
            return _detail(request, objective_id)
        add_form_errors(form, error, _FORM_FIELDS)
        return _detail(request, objective_id, {"edit": form}, status=http_status_for(error))
    messages.success(request, _("The objective is changed."))
    return redirect("backoffice:objective", objective_id=objective_id)


@require_POST
@roles_required(*OBJECTIVE_WRITERS)
def retire(request: StaffRequest, objective_id: int) -> HttpResponse:
    form = RetireForm(request.POST, auto_id="id_retire_%s")
    if not form.is_valid():
        return _detail(request, objective_id, {"retire": form}, status=400)
    try:
        retire_objective(actor=request.actor, objective_id=objective_id,
                         note=form.cleaned_data["note"])  # fmt: skip
    except DomainError as error:
        add_message(request, error)
        return redirect("backoffice:objective", objective_id=objective_id)
    messages.success(request, _("The objective is retired; its results stay on record."))
    return redirect("backoffice:objective", objective_id=objective_id)


@require_POST
@roles_required(*OBJECTIVE_WRITERS)
def open_action(request: StaffRequest, objective_id: int) -> HttpResponse:
    """An improvement action for an objective that is off target (6.2, 8.7)."""
    form = ObjectiveActionForm(request.POST, owners=owner_choices(viewer=request.actor))
    if not form.is_valid():
        return _detail(request, objective_id, {"action": form}, status=400)
    data = form.cleaned_data
    try:
        action = open_action_for_objective(
            actor=request.actor,
            objective_id=objective_id,
            title=data["title"],
            description=data["description"],
            owner_id=data["owner"],
            due_on=data["due_on"],
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            return _detail(request, objective_id)
        add_form_errors(form, error, {"owner": "owner", "due_on": "due_on"})
        return _detail(request, objective_id, {"action": form}, status=http_status_for(error))
    messages.success(
        request, _("Improvement action %(reference)s is open.") % {"reference": action.reference}
    )
    return redirect("backoffice:objective", objective_id=objective_id)
