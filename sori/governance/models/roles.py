"""Named holders of the duties the standard gives (ISO 10002 5.3 responsibility and authority;
2018: 5.4): the complaints-management representative and the deputies.

Handlers, approvers (with their authority limits), auditors and top management are the staff
roles of ``sori.accounts``; the representative and deputies are appointments among them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Duty(models.TextChoices):
    REPRESENTATIVE = "representative", _("complaints-management representative")
    DEPUTY = "deputy", _("deputy representative")


class Appointment(models.Model):
    """Who holds a named duty, from when, appointed by whom; ended appointments stay as history."""

    duty = models.CharField(_("duty"), max_length=16, choices=Duty.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("staff member"),
    )  # fmt: skip
    starts_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("appointed by"),
    )  # fmt: skip
    appointed_at = models.DateTimeField(_("appointed at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["duty", "-starts_on", "id"]
        indexes = [models.Index(fields=["duty", "ended_on"], name="gov_appt_duty_ended")]

    def __str__(self) -> str:
        return f"{self.duty} · {self.user_id}"
