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
    # ISO 10002 7.1 / 4.4: how to reach the complaints service, shown on the public page.
    complaints_email = models.EmailField(_("complaints email address"), blank=True)
    complaints_phone = models.CharField(_("complaints phone number"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address for complaints"), blank=True)
    visiting_address = models.TextField(_("address for complaints in person"), blank=True)
    office_hours_ko = models.CharField(_("office hours (Korean)"), max_length=200, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=200, blank=True)
    # Shown publicly until the SLA policies exist; the public page reads them from here (4.9).
    acknowledgement_target_ko = models.CharField(
        _("acknowledgement target (Korean)"), max_length=200, blank=True
    )
    acknowledgement_target_en = models.CharField(
        _("acknowledgement target (English)"), max_length=200, blank=True
    )
    response_target_days = models.PositiveSmallIntegerField(
        _("days to respond to a complaint"), default=14
    )
    # ISO 10002 4.10: what is done with the complainant's personal data.
    privacy_notice_ko = models.TextField(_("privacy notice (Korean)"), blank=True)
    privacy_notice_en = models.TextField(_("privacy notice (English)"), blank=True)
    # ISO 10002 4.3: help for people who need it to complain.
    assistance_ko = models.TextField(_("help for people who need it (Korean)"), blank=True)
    assistance_en = models.TextField(_("help for people who need it (English)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ko

    def localised(self, field: str) -> str:
        """``field`` in the current language, falling back to the other one when left empty."""
        first, second = ("en", "ko") if get_language() == "en" else ("ko", "en")
        return str(getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}"))


class ExternalDisputeBody(models.Model):
    """Where a complainant may turn outside the organisation (ISO 10002 7.9, ISO 10003)."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    active = models.BooleanField(_("shown to complainants"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("external dispute-resolution body")
        verbose_name_plural = _("external dispute-resolution bodies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ko

    @property
    def description(self) -> str:
        return self.description_en if get_language() == "en" else self.description_ko


class LookupLock(models.Model):
    """Wrong access codes counted per reference or per client address (ISO 10002 4.10).

    Kept in the database, not a process's memory, so the lock-out holds across web processes.
    """

    key = models.CharField(max_length=120, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


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


class WorkerHeartbeat(models.Model):
    """A running ``sori worker``, seen again every few seconds while it lives (ISO 10002 7.3).

    A task still marked running whose worker has not been seen for a while was abandoned (the
    process was killed, the machine lost power): ``sori.core.worker_recovery`` puts it back in
    the queue, so no complaint's work is silently dropped.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return self.worker_id
