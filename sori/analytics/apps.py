from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "sori.analytics"
    label = "analytics"
    verbose_name = _("Analysis and monitoring")

    def periodic_jobs(self) -> list[tuple[str, Callable[[], object], float]]:
        """ISO 10002 8.2: recurring issues are looked for without anyone asking."""
        from sori.analytics.services.recurring_scan import interval_seconds, scheduled_scan

        return [("recurring-scan", scheduled_scan, interval_seconds())]
