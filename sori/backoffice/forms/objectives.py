"""The objective forms (ISO 10002 6.2): set or change an objective, retire it, and open an
improvement action (8.7) for one that is off target.

Shape only; ``sori.governance.services.objectives`` checks the rules (an indicator that can be
followed, a target its measure allows, a period whose end is not before its start, an active
owner). Its errors name the field they belong to, and the view puts them there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.backoffice.forms.action_fields import ActionFieldsForm
from sori.governance.models import Cadence, TargetSide
from sori.governance.objectives import ScopeChoices
from sori.governance.services.objectives import ObjectiveInput

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _decimal(label: Any, help_text: Any = "", required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter a number."),
            "invalid": _("Enter a number, for example 95 or 2.5."),
            "max_digits": _("Enter a number with at most 10 digits before the decimal point."),
            "max_decimal_places": _("Enter at most two decimal places."),
            "max_whole_digits": _(
                "Enter a number with at most 10 digits before the decimal point."
            ),
        },
    )


class ObjectiveForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: acknowledge 95 in every 100 complaints on time in 2026."),
        error_messages={
            "required": _("Give the objective a title."),
            "max_length": _("Keep the title under %(limit_value)d characters."),
        },
    )
    kpi_code = forms.ChoiceField(
        label=_("Indicator"),
        help_text=_("The KPI whose value is compared with the target."),
        error_messages={
            "required": _("Choose the indicator."),
            "invalid_choice": _("Choose an indicator from the list."),
        },
    )
    target = _decimal(
        _("Target"), _("Percentages from 0 to 100; days, scores and amounts as numbers.")
    )
    # ISO 10002 6.2: a volume or an outcome share has no better direction of its own.
    target_side = forms.ChoiceField(
        label=_("Met when the value is"),
        required=False,
        choices=[
            ("", _("as the indicator says (better higher, or lower)")),
            *TargetSide.choices,
        ],
        help_text=_(
            "Needed for an indicator that is neither better higher nor lower, such as the "
            "number of complaints received: a ceiling (at or below) or a floor (at or above)."
        ),
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    amber_margin = _decimal(
        _("Amber margin"),
        _("How far on the wrong side of the target still counts as amber rather than red."),
        required=False,
    )
    period_from = forms.DateField(
        label=_("From"),
        widget=_DATE,
        error_messages={
            "required": _("Enter the first day of the objective."),
            "invalid": _("Enter a date like 2026-01-01."),
        },
    )
    period_to = forms.DateField(
        label=_("To"),
        widget=_DATE,
        error_messages={
            "required": _("Enter the last day of the objective."),
            "invalid": _("Enter a date like 2026-12-31."),
        },
    )
    cadence = forms.ChoiceField(
        label=_("Measured"),
        choices=Cadence.choices,
        initial=Cadence.MONTH.value,
        error_messages={"invalid_choice": _("Choose monthly or quarterly.")},
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        error_messages={
            "required": _("Choose who owns the objective."),
            "invalid_choice": _("Choose an owner from the list."),
        },
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, help_text=_("Includes its sub-categories.")
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(
        self,
        *args: Any,
        kpis: list[tuple[str, str]],
        owners: list[tuple[int, str]],
        scope: ScopeChoices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        whole = [("", _("the whole organisation"))]
        self._choices("kpi_code", [("", _("Choose…")), *kpis])
        self._choices("owner", [("", _("Choose…")), *owners])
        self._choices("unit", [*whole, *scope.units])
        self._choices("category", [("", _("every category")), *scope.categories])
        self._choices("channel", [("", _("every channel")), *scope.channels])
        for name in ("unit", "category", "channel"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose from the list.")

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        self.fields[name].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("period_to", _("The end of the period must not be before its start."))
        return data

    def objective_input(self) -> ObjectiveInput:
        data = self.cleaned_data
        return ObjectiveInput(
            title=data["title"],
            kpi_code=data["kpi_code"],
            target=data["target"],
            target_side=data.get("target_side") or "",
            amber_margin=data.get("amber_margin") or Decimal("0"),
            period_from=data["period_from"],
            period_to=data["period_to"],
            cadence=data["cadence"],
            owner_id=data["owner"],
            unit=data.get("unit") or "",
            category=data.get("category") or "",
            channel=data.get("channel") or "",
        )


class RetireForm(forms.Form):
    note = forms.CharField(
        label=_("Why the objective is retired"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: achieved, or replaced by a new objective."),
        error_messages={"max_length": _("Keep the note under %(limit_value)d characters.")},
    )


class ObjectiveActionForm(ActionFieldsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
