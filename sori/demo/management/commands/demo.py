"""``sori demo``: create the demo organisation once and print the demo staff logins."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.core.actors import SYSTEM
from sori.core.errors import DomainError
from sori.demo.builder import DEFAULT_COUNT, DEFAULT_SEED, DemoResult, build_demo


class Command(BaseCommand):
    help = (
        "Create a demo organisation with categories, staff in every role and complaints in every "
        "state, then print the staff logins. Running it again creates nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=DEFAULT_COUNT, help="number of complaints (default 200)"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="random seed (the same demo each time)"
        )

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        try:
            result = build_demo(actor=SYSTEM, count=count, seed=seed)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(render(result))


def _width(text: str) -> int:
    """Columns on a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def render(result: DemoResult) -> str:
    name = f"{result.organisation_ko} ({result.organisation_en})"
    if result.created:
        head = _("Created the demo organisation “%(name)s” with %(count)d complaints.")
    else:
        head = _(
            "The demo organisation “%(name)s” already exists (%(count)d complaints); nothing was created."
        )
    lines = [head % {"name": name, "count": result.complaints}, "", _("Demo staff logins:")]
    rows = [(_("username"), _("role"), _("password"))]
    rows += [(login.username, login.role, login.password) for login in result.logins]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = (
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        )
        lines.append(("  " + "  ".join(cells)).rstrip())
    lines += [
        "",
        _(
            "Staff sign in to the back office at /staff/ on the server "
            "(for example http://127.0.0.1:8000/staff/)."
        ),
        _("API documentation: /api/docs (for example http://127.0.0.1:8000/api/docs)."),
    ]
    return "\n".join(lines)
