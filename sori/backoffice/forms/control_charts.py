"""The control-chart page's forms (ISO 10002 8.2): which charts to show, and a manager's answer
to one signal — acknowledge it with a note, or open an improvement action (8.7).

Shape only; ``sori.analytics.services.signals`` checks that the signal is really on the chart.
Each signal on the page has its own pair of forms, so each form gets its own element ids.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.analytics.control_chart_counts import Dimension
from sori.analytics.control_charts import (
    DEFAULT_MONTHS,
    DIMENSION_LABELS,
    SPAN_CHOICES,
)
from sori.analytics.services.signals import MAX_NOTE
from sori.backoffice.forms.action_fields import ActionFieldsForm

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChartFilterForm(forms.Form):
    dimension = forms.ChoiceField(
        label=_("Charts"),
        choices=[(d.value, DIMENSION_LABELS[d]) for d in Dimension],
        initial=Dimension.ALL.value,
        error_messages={
            "invalid_choice": _("Choose the whole organisation, per category or per unit.")
        },
    )
    months = forms.TypedChoiceField(
        label=_("Months shown"),
        help_text=_("Full months up to the end of last month; the limits come from the first 12."),
        choices=[(str(n), str(n)) for n in SPAN_CHOICES],
        coerce=int,
        initial=str(DEFAULT_MONTHS),
        error_messages={"invalid_choice": _("Choose a span of 12, 24, 36, 48 or 60 months.")},
    )


class _SignalForm(forms.Form):
    """Names the signal being answered, and the page it was answered on."""

    chart = forms.CharField(widget=forms.HiddenInput, max_length=80)
    rule = forms.CharField(widget=forms.HiddenInput, max_length=24)
    period_start = forms.DateField(widget=forms.HiddenInput)
    dimension = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[(d.value, d.value) for d in Dimension]
    )
    months = forms.TypedChoiceField(
        widget=forms.HiddenInput, choices=[(str(n), str(n)) for n in SPAN_CHOICES], coerce=int
    )

    # Element ids are ``id_<prefix_name>_<slot>_<field>``: one pair of forms per signal.
    prefix_name = "signal"

    def __init__(self, *args: Any, slot: str = "x", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_{slot}_%s")
        super().__init__(*args, **kwargs)


class AcknowledgeForm(_SignalForm):
    prefix_name = "ack"

    note = forms.CharField(
        label=_("Why no action is needed"),
        help_text=_("For example a known, one-off cause that has already been dealt with."),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the signal needs no action."),
            "max_length": _("Keep the note under %(limit_value)d characters."),
        },
    )


class SignalActionForm(_SignalForm, ActionFieldsForm):
    prefix_name = "act"
