from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "sori.analytics"
    label = "analytics"
    verbose_name = _("Analysis and monitoring")

    def periodic_jobs(self) -> list[tuple[str, Callable[[], object], float]]:
        """ISO 10002 8.2: recurring issues are looked for without anyone asking; 8.4: the
        pre-aggregated figures follow the changes, so the dashboards stay fast."""
        from sori.analytics.services import figures, recurring_scan

        return [
            ("recurring-scan", recurring_scan.scheduled_scan, recurring_scan.interval_seconds()),
            ("analytics-figures", figures.scheduled_refresh, figures.interval_seconds()),
        ]
