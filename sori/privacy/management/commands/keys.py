"""``sori keys rotate`` re-encrypts personal data under the newest key; ``sori keys generate``
prints a new key to put first in SORI_FIELD_KEYS (ISO 10002 4.10)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.cli import CLI_ACTOR
from sori.core.errors import DomainError
from sori.privacy import rotation
from sori.privacy.crypto import FieldKey


class Command(BaseCommand):
    help = _("Manage the keys that encrypt complainants' personal data.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rotate = actions.add_parser(
            "rotate", help=_("Re-encrypt every value that is not under the newest key.")
        )
        rotate.add_argument(
            "--batch-size", type=int, default=rotation.BATCH_SIZE,
            help=_("Rows per transaction (default: %(default)s)."),
        )  # fmt: skip
        actions.add_parser(
            "generate",
            help=_("Print a new field key; put it first in SORI_FIELD_KEYS, then run 'rotate'."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self.stdout.write(FieldKey.generate().encoded())
            return
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1."), returncode=2)
        try:
            report = rotation.rotate_field_keys(actor=CLI_ACTOR, batch_size=options["batch_size"])
        except DomainError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for label, count in report.counts.items():
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            _("Re-encrypted %(count)d value(s) under key %(key)s.")
            % {"count": report.total, "key": report.key_id}
        )
