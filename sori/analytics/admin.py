"""Customer figures and signal reviews in the admin (``/staff/admin/``) (ISO 10002 8.2, 8.4).

``ExposureFigure`` is configuration: complaints managers and administrators enter how many
customers the organisation (or a unit) served each month — the u-charts' denominator — and each
change is audited like the rest of the configuration; auditors read it. Signal reviews are
evidence of the analysis: read here, written only by ``sori.analytics.services.signals``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sori.analytics.models import ExposureFigure, SignalReview
from sori.complaints.admin import AuditedConfigurationAdmin
from sori.core.admin_mixins import ConfigurationAdminMixin, ReadOnlyAdminMixin


class ExposureFigureForm(forms.ModelForm[ExposureFigure]):
    class Meta:
        model = ExposureFigure
        fields = ["month", "unit", "customers", "note"]
        widgets = {"month": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_month(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"]
        # The charts look figures up by the first day of the month; any day names its month.
        return month.replace(day=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        month, unit = data.get("month"), data.get("unit")
        if month is not None:
            clash = ExposureFigure.objects.filter(month=month, unit=unit)
            if self.instance.pk is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "month",
                    _("There is already a figure for this month and unit; change that one."),
                )
        return data


@admin.register(ExposureFigure)
class ExposureFigureAdmin(AuditedConfigurationAdmin):
    form = ExposureFigureForm
    list_display = ["month", "unit", "customers", "note"]
    list_filter = ["unit"]
    date_hierarchy = "month"
    ordering = ["-month", "unit__code"]
    audit_clause = "8.2"


@admin.register(SignalReview)
class SignalReviewAdmin(
    ReadOnlyAdminMixin, ConfigurationAdminMixin, admin.ModelAdmin[SignalReview]
):
    """Managers' answers to control-chart signals: evidence, written by the service only."""

    list_display = [
        "chart",
        "rule",
        "period_start",
        "direction",
        "decision",
        "improvement_action",
        "reviewed_by",
        "reviewed_at",
    ]
    list_filter = ["decision", "rule"]
    search_fields = ["chart"]
    list_select_related = ["improvement_action", "reviewed_by"]
    ordering = ["-reviewed_at", "-id"]
