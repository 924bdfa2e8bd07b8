"""``sori createuser --username U --role ROLE [--password-stdin]``: a staff account (ISO 10002 5.4)."""

from __future__ import annotations

import getpass
import sys
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.accounts import services
from sori.accounts.models import Role
from sori.cli import CLI_ACTOR
from sori.core.errors import DomainError


def amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(value)
    return amount


class Command(BaseCommand):
    help = _("Create a staff account with one role.")
    # Tests and scripts hand the password in through ``stdin=`` (as createsuperuser does).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--role", required=True, metavar="ROLE",
            help=_("One of: %(roles)s") % {"roles": ", ".join(Role.values)},
        )  # fmt: skip
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--authority-limit", type=amount, default=None, metavar="KRW",
            help=_("The largest remedy this person may approve without a second approver."),
        )  # fmt: skip
        parser.add_argument(
            "--password-stdin", action="store_true",
            help=_("Read the password from the first line of standard input."),
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        stdin: TextIO = options.get("stdin") or sys.stdin
        password = self._password(stdin, from_stdin=options["password_stdin"])
        try:
            user = services.create_staff_user(
                actor=CLI_ACTOR,
                username=options["username"],
                role=options["role"],
                password=password,
                email=options["email"],
                authority_limit=options["authority_limit"],
            )
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            _("Created %(username)s with the role %(role)s.")
            % {"username": user.get_username(), "role": options["role"]}
        )

    def _password(self, stdin: TextIO, *, from_stdin: bool) -> str:
        if from_stdin:
            password = stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("No password on standard input."), returncode=2)
            return password
        if not stdin.isatty():
            raise CommandError(
                _("No terminal to ask for a password: use --password-stdin."), returncode=2
            )
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The passwords do not match."), returncode=2)
        if not password:
            raise CommandError(_("The password is empty."), returncode=2)
        return password
