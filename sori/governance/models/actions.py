"""Improvement actions: corrective, preventive and improvement (ISO 10002 8.7, 4.10)."""

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


class ActionKind(models.TextChoices):
    """ISO 10002 8.7: remove the cause of a problem found, prevent one foreseen, or improve."""

    CORRECTIVE = "corrective", _("corrective")
    PREVENTIVE = "preventive", _("preventive")
    IMPROVEMENT = "improvement", _("improvement")


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
    kind = models.CharField(
        _("kind"), max_length=12, choices=ActionKind.choices, default=ActionKind.CORRECTIVE
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
    implementation_note = models.TextField(_("what was done"), blank=True)
    # The effectiveness check falls due a set time after implementation (ISO 10002 8.7):
    # soon enough to act, late enough for the complaints to show whether the cause is gone.
    effectiveness_due_on = models.DateField(_("effectiveness check due"), null=True, blank=True)
    effectiveness_checked_at = models.DateTimeField(
        _("effectiveness checked at"), null=True, blank=True
    )
    effectiveness_note = models.TextField(_("effectiveness check"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.reference
