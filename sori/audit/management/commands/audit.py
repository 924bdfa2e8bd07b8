"""``sori audit verify``: check the hash chain of the audit trail (ISO 10002 4.9, 8.1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.audit import selectors
from sori.audit.models import AuditEntry


class Command(BaseCommand):
    help = _("Work with the audit trail. 'verify' exits 0 when it is intact, 1 when it is not.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "verify",
            help=_("Check every entry against the hash chain; name each edited, deleted or "
                   "reordered entry."),
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self.verify()

    def verify(self) -> None:
        report = selectors.verify_trail()
        if not report:
            count = AuditEntry.objects.count()
            self.stdout.write(_("audit trail intact: %(count)d entries") % {"count": count})
            return
        for problem in report:
            self.stdout.write(problem.line())
        raise CommandError(
            _("audit trail broken: %(count)d problem(s) found") % {"count": len(report)},
            returncode=1,
        )
