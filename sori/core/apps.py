from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sori.core"
    label = "core"
    verbose_name = _("Sori core")

    def periodic_jobs(self) -> list[tuple[str, Callable[[], object], float]]:
        """Work ``sori worker`` repeats on a timer: (name, function, seconds between runs)."""
        from sori.core.worker_recovery import recover_now

        # ISO 10002 7.3: a task whose worker died goes back to the queue, at the heartbeat's
        # pace, so it is noticed within about SORI_WORKER_STALE_SECONDS.
        return [("worker-recovery", recover_now, float(settings.SORI_WORKER_HEARTBEAT_SECONDS))]
