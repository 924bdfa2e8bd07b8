from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sori.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def periodic_jobs(self) -> list[tuple[str, Callable[[], object], float]]:
        """ISO 10002 7.3: warnings, holding replies and breaches go out without anyone asking."""
        from sori.sla.services.sweep import sweep_timers

        return [("sla-sweep", sweep_timers, float(settings.SORI_SLA_SWEEP_SECONDS))]
