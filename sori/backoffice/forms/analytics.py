"""The dashboards' filter form (GET): period, unit, category, channel, product (ISO 10002 8.2).

Shape only: ``sori.analytics.filters`` decides whether the period and the codes are acceptable
(its ``InvalidInput`` errors name the field they belong to, and the view puts them there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sori.analytics.filters import AnalyticsFilter
from sori.complaints.models import Channel
from sori.complaints.queue import FilterChoices

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Keys of the dashboard's address that make up a filter (the exports and charts take the same).
FILTER_KEYS = ("from", "to", "unit", "category", "channel", "product", "customers")


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """Twelve monthly points: the eleven full months before this one, and this month to today."""
    first = today.replace(day=1)
    for _month in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, today


class AnalyticsFilterForm(forms.Form):
    """The period is required (the view fills in the default); the rest narrows it."""

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        help_text=_("Includes its sub-categories; the Pareto then shows the sub-categories."),
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    product = forms.CharField(
        label=_("Product or service"),
        required=False,
        max_length=300,
        help_text=_("As recorded on the complaint, in full."),
        error_messages={"max_length": _("Enter at most 300 characters.")},
    )
    # ISO 10002 8.4: the denominator of "complaints per 1,000 customers".
    customers = forms.IntegerField(
        label=_("Customers served in the period"),
        required=False,
        min_value=1,
        max_value=2_000_000_000,
        help_text=_("Leave empty to use the monthly customer figures, when every month has one."),
        error_messages={
            "invalid": _("Enter a whole number of customers."),
            "min_value": _("The number of customers must be at least 1."),
            "max_value": _("Enter at most 2,000,000,000 customers."),
        },
    )

    def __init__(self, data: Any, *, choices: FilterChoices) -> None:
        super().__init__(data)
        # "from" and "to" are the API's names too; Python reserves "from", so they are added here.
        self.fields["from"] = forms.DateField(
            label=_("From"),
            widget=_DATE,
            help_text=_("The first day of the period."),
            error_messages={
                "required": _("Enter the first day of the period."),
                "invalid": _("Enter a date like 2026-03-01."),
            },
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            widget=_DATE,
            help_text=_("The last day of the period, included."),
            error_messages={
                "required": _("Enter the last day of the period."),
                "invalid": _("Enter a date like 2026-03-31."),
            },
        )
        self.order_fields(["from", "to", "unit", "category", "channel", "product", "customers"])
        unit, category, channel = (
            cast(forms.ChoiceField, self.fields[name]) for name in ("unit", "category", "channel")
        )
        unit.choices = [("", _("Every unit")), *((u.value, u.label) for u in choices.units)]
        category.choices = [
            ("", _("Every category")),
            *((c.value, "\u2003" * c.depth + c.label) for c in choices.categories),
        ]
        channel.choices = [("", _("Every channel")), *Channel.choices]
        for field in (unit, category, channel):
            field.error_messages["invalid_choice"] = _("Choose one of the options in the list.")

    @staticmethod
    def with_defaults(query: QueryDict, today: dt.date) -> QueryDict:
        """The query with the default period filled in where the address gives none."""
        data = query.copy()
        start, end = default_period(today)
        if "from" not in data:
            data["from"] = start.isoformat()
        if "to" not in data:
            data["to"] = end.isoformat()
        return data

    def to_filter(self) -> AnalyticsFilter:
        data = self.cleaned_data
        return AnalyticsFilter(
            period_from=data["from"],
            period_to=data["to"],
            unit=data.get("unit") or "",
            category=data.get("category") or "",
            channel=data.get("channel") or "",
            product=(data.get("product") or "").strip(),
            customers=data.get("customers"),
        )
