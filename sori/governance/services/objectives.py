"""Setting, changing and retiring measurable objectives (ISO 10002 6.2).

ISO 10002 6.2 asks top management to set measurable objectives for the complaints-handling
process. An objective follows one KPI of the catalogue (``sori.analytics.catalogue``) over a
period, against a target, with an owner; ``sori.governance.objectives`` follows it month by month
or quarter by quarter. Complaints managers and top management set them; every change is audited.
A red objective can open an improvement action (8.7) for its latest red period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Unit
from sori.analytics.catalogue import BY_CODE, Direction
from sori.analytics.filters import MAX_PERIOD_DAYS
from sori.audit.services import record
from sori.complaints.models import Category, Channel
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sori.governance.models import (
    ActionSource,
    Cadence,
    ImprovementAction,
    Objective,
    TargetSide,
)
from sori.governance.objectives import (
    TARGET_LIMITS,
    Rag,
    action_key,
    can_set_objectives,
    objective_progress,
    usable_kpis,
)
from sori.governance.services.action_opening import open_improvement_action

MAX_TITLE = 200
# The model's DecimalField(max_digits=12, decimal_places=2).
MAX_NUMBER = Decimal("9999999999.99")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ObjectiveInput:
    """What an objective says; unit and category are codes, empty for the whole organisation."""

    title: str
    kpi_code: str
    target: Decimal
    period_from: dt.date
    period_to: dt.date
    owner_id: int
    amber_margin: Decimal = Decimal("0")
    cadence: str = Cadence.MONTH
    unit: str = ""
    category: str = ""
    channel: str = ""
    # ``TargetSide``: needed for an indicator with no better direction of its own.
    target_side: str = ""


def _check_writer(actor: Actor) -> None:
    if not can_set_objectives(actor):
        raise Forbidden(_("Only complaints managers and top management set objectives."))


def _invalid(message: str, code: str, field: str) -> InvalidInput:
    return InvalidInput(message, code=code, field=field)


def _number(value: Decimal, field: str) -> Decimal:
    """Two decimal places, as stored (the audit trail then shows what is stored)."""
    number = Decimal(value)
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise _invalid(_("Enter a number with at most 10 digits before the decimal point."),
                       "number_too_large", field)  # fmt: skip
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _validated(data: ObjectiveInput) -> dict[str, Any]:
    """The model's fields for ``data``, or the first rule it breaks as ``InvalidInput``."""
    title = " ".join(data.title.split())
    if not title:
        raise _invalid(_("Give the objective a title."), "title_required", "title")
    if len(title) > MAX_TITLE:
        raise _invalid(
            _("Keep the title under %(limit)d characters.") % {"limit": MAX_TITLE},
            "title_too_long",
            "title",
        )
    if data.kpi_code not in {kpi.code for kpi in usable_kpis()}:
        raise _invalid(
            _("Choose an indicator from the list."),
            "unknown_kpi",
            "kpi_code",
        )  # fmt: skip
    kpi = BY_CODE[data.kpi_code]
    if data.target_side and data.target_side not in TargetSide.values:
        raise _invalid(_("Choose at or below, or at or above the target."), "invalid_side",
                       "target_side")  # fmt: skip
    if kpi.direction is Direction.NEITHER and not data.target_side:
        raise _invalid(
            _("This indicator is neither better higher nor lower: say whether the target is a "
              "ceiling (at or below) or a floor (at or above)."),
            "side_required",
            "target_side",
        )  # fmt: skip
    if kpi.direction is not Direction.NEITHER and data.target_side not in ("", kpi.direction):
        raise _invalid(
            _("This indicator is better when higher: its target is met at or above it.")
            if kpi.direction is Direction.HIGHER
            else _("This indicator is better when lower: its target is met at or below it."),
            "side_contradicts_indicator",
            "target_side",
        )
    target = _number(data.target, "target")
    margin = _number(data.amber_margin, "amber_margin")
    if target < 0:
        raise _invalid(_("The target cannot be negative."), "negative_target", "target")
    limit = TARGET_LIMITS.get(kpi.unit)
    if limit is not None and target > limit:
        raise _invalid(
            _("This indicator cannot exceed %(limit)s, so neither can its target.")
            % {"limit": limit},
            "target_too_high",
            "target",
        )
    if margin < 0:
        raise _invalid(_("The amber margin cannot be negative."), "negative_margin",
                       "amber_margin")  # fmt: skip
    if data.period_to < data.period_from:
        raise _invalid(_("The end of the period must not be before its start."),
                       "invalid_period", "period_to")  # fmt: skip
    if (data.period_to - data.period_from).days >= MAX_PERIOD_DAYS:
        raise _invalid(_("The period may be at most five years long."), "period_too_long",
                       "period_to")  # fmt: skip
    if data.cadence not in Cadence.values:
        raise _invalid(_("Choose monthly or quarterly."), "invalid_cadence", "cadence")
    owner = get_user_model().objects.filter(
        pk=data.owner_id, is_active=True, staff_profile__isnull=False
    )
    if not owner.exists():
        raise _invalid(_("Choose an active staff member as the owner."), "invalid_owner", "owner")
    unit = None
    if data.unit:
        unit = Unit.objects.filter(code=data.unit).first()
        if unit is None:
            raise _invalid(_("There is no unit with this code."), "unknown_unit", "unit")
    category = None
    if data.category:
        category = Category.objects.filter(code=data.category).first()
        if category is None:
            raise _invalid(_("There is no category with this code."), "unknown_category",
                           "category")  # fmt: skip
    if data.channel and data.channel not in Channel.values:
        raise _invalid(_("There is no channel with this code."), "unknown_channel", "channel")
    return {
        "title": title,
        "kpi_code": data.kpi_code,
        "target": target,
        "target_side": data.target_side if kpi.direction is Direction.NEITHER else "",
        "amber_margin": margin,
        "period_from": data.period_from,
        "period_to": data.period_to,
        "cadence": data.cadence,
        "owner_id": data.owner_id,
        "unit": unit,
        "category": category,
        "channel": data.channel,
    }


def _audit_data(objective: Objective) -> dict[str, Any]:
    return {
        "title": objective.title,
        "kpi": objective.kpi_code,
        "target": str(objective.target),
        "target_side": objective.target_side,
        "amber_margin": str(objective.amber_margin),
        "from": objective.period_from.isoformat(),
        "to": objective.period_to.isoformat(),
        "cadence": objective.cadence,
        "owner": objective.owner_id,
        "unit": objective.unit.code if objective.unit else "",
        "category": objective.category.code if objective.category else "",
        "channel": objective.channel,
        "active": objective.active,
    }


def set_objective(*, actor: Actor, data: ObjectiveInput) -> Objective:
    """Record a new measurable objective (ISO 10002 6.2)."""
    _check_writer(actor)
    fields = _validated(data)
    with transaction.atomic():
        objective = Objective.objects.create(
            **fields, created_by_id=actor.user_id, created_at=clock.now()
        )
        record(
            action="sori.objective.set",
            actor=actor,
            object_type="objective",
            object_id=str(objective.pk),
            data=_audit_data(objective),
            iso_clause="6.2",
        )
    return objective


def _locked(objective_id: int) -> Objective:
    objective = (
        # Only the objective's row is locked; its unit and category may be absent.
        Objective.objects.select_for_update(of=("self",))
        .select_related("unit", "category")
        .filter(pk=objective_id)
        .first()
    )
    if objective is None:
        raise NotFound(_("There is no such objective."))
    if not objective.active:
        raise Conflict(_("This objective was retired and can no longer change."), code="retired")
    return objective


def update_objective(*, actor: Actor, objective_id: int, data: ObjectiveInput) -> Objective:
    """Change an active objective; the audit entry keeps what it said before (6.2)."""
    _check_writer(actor)
    fields = _validated(data)
    with transaction.atomic():
        objective = _locked(objective_id)
        before = _audit_data(objective)
        for name, value in fields.items():
            setattr(objective, name, value)
        objective.save()
        after = _audit_data(objective)
        record(
            action="sori.objective.updated",
            actor=actor,
            object_type="objective",
            object_id=str(objective.pk),
            data={
                "changed": {
                    name: {"from": before[name], "to": after[name]}
                    for name in after
                    if before[name] != after[name]
                }
            },
            iso_clause="6.2",
        )
    return objective


def retire_objective(*, actor: Actor, objective_id: int, note: str = "") -> Objective:
    """Stop following an objective (achieved, replaced or no longer relevant); it stays on record."""
    _check_writer(actor)
    with transaction.atomic():
        objective = _locked(objective_id)
        objective.active = False
        objective.save(update_fields=["active", "updated_at"])
        record(
            action="sori.objective.retired",
            actor=actor,
            object_type="objective",
            object_id=str(objective.pk),
            data={"title": objective.title, "note": note.strip()[:2000]},
            iso_clause="6.2",
        )
    return objective


def open_action_for_objective(
    *,
    actor: Actor,
    objective_id: int,
    title: str,
    description: str = "",
    owner_id: int | None = None,
    due_on: dt.date | None = None,
) -> ImprovementAction:
    """An improvement action for an objective whose latest measured period is red (6.2, 8.7)."""
    _check_writer(actor)
    objective = Objective.objects.select_related("unit", "category").filter(pk=objective_id).first()
    if objective is None:
        raise NotFound(_("There is no such objective."))
    progress = objective_progress(viewer=actor, objective=objective)
    latest = progress.latest
    if not objective.active or latest is None or progress.overall != Rag.RED:
        raise Conflict(
            _("Only an active objective whose latest result is off target (red) opens an "
              "improvement action from here."),
            code="objective_not_red",
        )  # fmt: skip
    key = action_key(objective, latest.start)
    with transaction.atomic():
        # One action per red period: a second click, or a second manager, finds the first one.
        if ImprovementAction.objects.filter(source_key=key).exists():
            raise Conflict(
                _("An improvement action is already open for this result."),
                code="already_actioned",
            )
        cause = _(
            "Objective “%(title)s”: %(kpi)s was %(value)s in %(period)s against a target of "
            "%(target)s."
        ) % {
            "title": objective.title,
            "kpi": progress.kpi_name,
            "value": latest.value,
            "period": latest.label,
            "target": objective.target,
        }
        return open_improvement_action(
            actor=actor,
            title=title,
            description=description,
            cause=cause,
            source=ActionSource.OBJECTIVE,
            source_key=key,
            owner_id=owner_id,
            due_on=due_on,
        )
