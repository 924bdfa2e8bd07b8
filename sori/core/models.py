"""Cross-cutting records: the organisation running Sori and the reference counters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The one organisation this installation serves (its settings live here, not in code)."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    # ISO 10002 7.9: a complaint may close when the complainant has not answered the decision
    # within this many days of it being communicated.
    reaction_wait_days = models.PositiveSmallIntegerField(
        _("days to wait for the complainant's answer"), default=14
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ko


class ReferenceCounter(models.Model):
    """The last number handed out for a prefix and year; numbers only ever go up (ISO 10002 7.2)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="core_reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"
