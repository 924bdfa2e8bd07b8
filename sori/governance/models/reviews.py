"""Management review (ISO 10002 8.6): top management reviews the process for a period, from
inputs Sori compiles itself, and records decisions and actions with owners and dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    HELD = "held", _("held, minutes recorded")


class ManagementReview(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    planned_on = models.DateField(_("meeting date"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("chair"),
    )  # fmt: skip
    attendees = models.TextField(_("attendees"), blank=True)
    # Inputs a person brings; the rest (KPIs, objectives, satisfaction, audits, actions, the
    # previous review's actions) are compiled by ``sori.governance.review_inputs``.
    changes = models.TextField(_("changes that affect complaints handling"), blank=True)
    recommendations = models.TextField(_("recommendations for improvement"), blank=True)
    minutes = models.TextField(_("minutes and conclusions"), blank=True)
    # The compiled inputs as they stood when the review was held, so the record does not move.
    inputs_snapshot = models.JSONField(_("inputs as reviewed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-period_to", "-id"]

    def __str__(self) -> str:
        return self.reference


class DecisionKind(models.TextChoices):
    IMPROVEMENT = "improvement", _("improvement of the process or of products and services")
    RESOURCES = "resources", _("resources")
    POLICY = "policy", _("policy or objectives")
    OTHER = "other", _("other")


class ReviewDecision(models.Model):
    """A decision of the review, with who carries it out and by when (8.6 outputs)."""

    review = models.ForeignKey(
        ManagementReview, on_delete=models.CASCADE, related_name="decisions",
        verbose_name=_("management review"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=DecisionKind.choices)
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("owner"),
    )  # fmt: skip
    due_on = models.DateField(_("due"))
    improvement_action = models.ForeignKey(
        "governance.ImprovementAction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="review_decisions", verbose_name=_("improvement action"),
    )  # fmt: skip
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} · {self.kind}"
