"""What the analysis keeps: customer numbers for rates, reviews of SPC signals, groups of
recurring complaints found by the scan (ISO 10002 8.2, 8.4).

The figures themselves are never stored: they are aggregates computed when asked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExposureFigure(models.Model):
    """How many customers (or transactions) a unit served in a month: the u-chart's denominator."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Empty for the whole organisation."),
    )
    customers = models.PositiveIntegerField(_("customers served"))
    note = models.CharField(_("source of the figure"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer figure")
        verbose_name_plural = _("customer figures")
        ordering = ["-month", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="exposure_month_unit_uniq"),
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(unit__isnull=True),
                name="exposure_month_org_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.customers}"


class SignalDecision(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("acknowledged, no action")
    ACTION = "action", _("improvement action opened")


class SignalReview(models.Model):
    """A manager's answer to one special-cause signal of one control chart (ISO 10002 8.2)."""

    # ``category:<code>``, ``unit:<code>`` or ``all``.
    chart = models.CharField(_("chart"), max_length=80)
    rule = models.CharField(_("rule"), max_length=24)
    # The first day of the period in which the signal was detected.
    period_start = models.DateField(_("period"))
    direction = models.CharField(_("direction"), max_length=8, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=SignalDecision.choices)
    note = models.TextField(_("note"), blank=True)
    improvement_action = models.ForeignKey(
        "governance.ImprovementAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("improvement action"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("signal review")
        verbose_name_plural = _("signal reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["chart", "rule", "period_start"], name="signal_review_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.chart} {self.rule} {self.period_start}"


class GroupKind(models.TextChoices):
    SIMILAR = "similar", _("similar complaints")
    RETURNING = "returning", _("complainant who came back")
    RISING = "rising", _("rising category")


class RecurringGroup(models.Model):
    """A group of complaints the scan found to belong together (ISO 10002 8.2 recurring issues).

    ``fingerprint`` names the group across scans (kind + key + first member), so a group that grows
    stays the same record, keeps its dismissal or its improvement action.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=GroupKind.choices)
    fingerprint = models.CharField(max_length=120, unique=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    score = models.FloatField(_("similarity"), default=0)
    size = models.PositiveIntegerField(_("complaints"), default=0)
    first_at = models.DateTimeField(_("first received"))
    last_at = models.DateTimeField(_("last received"), db_index=True)
    detected_at = models.DateTimeField(_("found at"))
    scanned_at = models.DateTimeField(_("last seen by the scan"))
    complaints = models.ManyToManyField(
        "complaints.Complaint", related_name="+", verbose_name=_("complaints")
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dismissal_note = models.TextField(_("why dismissed"), blank=True)
    improvement_action = models.ForeignKey(
        "governance.ImprovementAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("improvement action"),
    )

    class Meta:
        verbose_name = _("recurring group")
        verbose_name_plural = _("recurring groups")
        ordering = ["-last_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.fingerprint


# The pre-aggregated figures live in their own module (derived data, rebuilt at will).
from sori.analytics.figure_models import (  # noqa: E402
    DailyFigure,
    DurationBin,
    EndedComplaint,
    FigureState,
    ReopenDay,
    RootCauseFigure,
    TimerFigure,
)

__all__ = [
    "DailyFigure",
    "DurationBin",
    "EndedComplaint",
    "ExposureFigure",
    "FigureState",
    "GroupKind",
    "RecurringGroup",
    "ReopenDay",
    "RootCauseFigure",
    "SignalDecision",
    "SignalReview",
    "TimerFigure",
]
