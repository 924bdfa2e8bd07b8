"""Governance records: improvement actions (ISO 10002 8.7) and measurable objectives (6.2).

Minimal here: the analysis pages open improvement actions from what they find and follow the
objectives against the KPIs; the governance work (policy, audits, management review) extends them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionSource(models.TextChoices):
    """What led to the action: ISO 10002 8.7 asks that actions address causes that were found."""

    SPC_SIGNAL = "spc_signal", _("special-cause signal")
    SIMILAR_COMPLAINTS = "similar_complaints", _("group of similar complaints")
    RETURNING_COMPLAINANT = "returning_complainant", _("complainant who came back")
    RISING_CATEGORY = "rising_category", _("rising category")
    OBJECTIVE = "objective", _("objective not met")
    COMPLAINT = "complaint", _("single complaint")
    INTERNAL_AUDIT = "internal_audit", _("internal audit")
    MANAGEMENT_REVIEW = "management_review", _("management review")
    OTHER = "other", _("other")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented, effectiveness to check")
    EFFECTIVE = "effective", _("effective")
    NOT_EFFECTIVE = "not_effective", _("not effective")
    CANCELLED = "cancelled", _("cancelled")


class ImprovementAction(models.Model):
    """A corrective or preventive action with its cause, owner, due date and effectiveness check."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what will be done and why"), blank=True)
    cause = models.TextField(_("cause found"), blank=True)
    source = models.CharField(
        _("source"), max_length=24, choices=ActionSource.choices, default=ActionSource.OTHER
    )
    # What exactly the action came from, such as ``spc:category:billing:run:2026-05-01``; the
    # analysis pages use it to show that a finding already has its action.
    source_key = models.CharField(_("source key"), max_length=200, blank=True, db_index=True)
    complaints = models.ManyToManyField(
        "complaints.Complaint",
        related_name="improvement_actions",
        blank=True,
        verbose_name=_("complaints"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    effectiveness_checked_at = models.DateTimeField(
        _("effectiveness checked at"), null=True, blank=True
    )
    effectiveness_note = models.TextField(_("effectiveness check"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class Cadence(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")


class Objective(models.Model):
    """A measurable objective (ISO 10002 6.2): a KPI of the catalogue, a target, a period, an owner."""

    title = models.CharField(_("title"), max_length=200)
    kpi_code = models.CharField(_("indicator"), max_length=60)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    # How far on the wrong side of the target still counts as amber rather than red.
    amber_margin = models.DecimalField(
        _("amber margin"), max_digits=12, decimal_places=2, default=0
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    cadence = models.CharField(
        _("measured"), max_length=8, choices=Cadence.choices, default=Cadence.MONTH
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    category = models.ForeignKey(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("set at"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["period_from", "title", "id"]

    def __str__(self) -> str:
        return self.title
