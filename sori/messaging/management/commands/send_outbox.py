"""``sori send_outbox``: send the queued emails that are due, once (for cron, or after an outage)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sori.messaging.services import send_due_messages


class Command(BaseCommand):
    help = _("Send the queued emails whose next attempt is due, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_messages()
        self.stdout.write(_("Sent %(count)d message(s).") % {"count": sent})
