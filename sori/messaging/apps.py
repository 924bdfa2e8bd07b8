from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "sori.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def periodic_jobs(self) -> list[tuple[str, Callable[[], object], float]]:
        """Work ``sori worker`` repeats on a timer: (name, function, seconds between runs)."""
        from sori.messaging.services import send_due_messages

        jobs: list[tuple[str, Callable[[], object], float]] = [
            ("outbox", send_due_messages, float(settings.SORI_OUTBOX_SWEEP_SECONDS))
        ]
        if settings.SORI_IMAP_HOST:
            # ISO 10002 7.2: mail to the complaints mailbox is received without anyone running
            # a command.
            from sori.messaging.inbound.imap import poll_if_configured

            jobs.append(("mail-poll", poll_if_configured, float(settings.SORI_IMAP_POLL_SECONDS)))
        return jobs
