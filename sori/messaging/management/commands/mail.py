"""``sori mail poll``: receive the unseen messages of the IMAP mailbox once (ISO 10002 7.2).

The mailbox comes from ``SORI_IMAP_HOST``, ``SORI_IMAP_PORT``, ``SORI_IMAP_USER``,
``SORI_IMAP_PASSWORD`` (or ``SORI_IMAP_PASSWORD_FILE``), ``SORI_IMAP_MAILBOX`` and
``SORI_IMAP_SSL``. ``sori worker`` runs the same poll on a timer when a host is set.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.messaging.inbound.imap import MailboxError, poll_mailbox

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = _("Inbound mail: 'poll' receives the unseen messages of the IMAP mailbox once.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("poll", help=_("Receive the unseen messages of the IMAP mailbox."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = poll_mailbox()
        except MailboxError as error:
            raise CommandError(str(error), returncode=EX_TEMPFAIL) from error
        self.stdout.write(
            _(
                "Fetched %(fetched)d message(s): %(received)d received, %(duplicates)d already "
                "received, %(unparsable)d not email, %(failed)d to retry."
            )
            % {
                "fetched": result.fetched,
                "received": result.received,
                "duplicates": result.duplicates,
                "unparsable": result.unparsable,
                "failed": result.failed,
            }
        )
        if result.failed:
            raise CommandError(_("Some messages will be tried again."), returncode=EX_TEMPFAIL)
