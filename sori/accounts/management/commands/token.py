"""``sori token create --username U``: print a new API token for a staff account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.accounts import services
from sori.cli import CLI_ACTOR


class Command(BaseCommand):
    help = _("Manage API tokens. 'create' prints the token once; only a hash of it is kept.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help=_("Create a token and print it."))
        create.add_argument("--username", required=True)
        create.add_argument("--label", default="", help=_("What the token is for."))

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No user named “%(username)s”.") % {"username": options["username"]},
                returncode=2,
            )
        token = services.create_token(actor=CLI_ACTOR, user=user, label=options["label"])
        # Only the token on standard output, so scripts can capture it.
        self.stdout.write(token)
