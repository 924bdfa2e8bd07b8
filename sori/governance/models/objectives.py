"""Measurable objectives (ISO 10002 6.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")


class TargetSide(models.TextChoices):
    """Which side of the target meets it, for an indicator with no better direction of its own
    (a volume, an outcome share): a ceiling or a floor the objective sets (ISO 10002 6.2)."""

    AT_MOST = "lower", _("at or below the target")
    AT_LEAST = "higher", _("at or above the target")


class Objective(models.Model):
    """A measurable objective (ISO 10002 6.2): a KPI of the catalogue, a target, a period, an owner."""

    title = models.CharField(_("title"), max_length=200)
    kpi_code = models.CharField(_("indicator"), max_length=60)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    # Empty: the indicator's own direction (better when higher, or lower).
    target_side = models.CharField(
        _("met when the value is"), max_length=8, choices=TargetSide.choices, blank=True
    )
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
