"""``sori conformance``: the ISO 10002 conformance map for a period, and the evidence pack
(4.1; R-4.1.1). Runs as the command-line system actor, which reads every record.

    sori conformance [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--pack FILE.zip]

Without ``--json`` it prints a table: KS number, 2018 number, title, status, summary. The exit
status is 0 whatever the gaps (the map reports them; it does not fail on them).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sori.cli import CLI_ACTOR
from sori.core.errors import DomainError
from sori.governance.conformance import ConformanceMap, conformance_map
from sori.governance.evidence_pack import write_evidence_pack


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(value)s is not a date; write it like 2026-03-01.") % {"value": text}
        ) from None


def _width(text: str) -> int:
    # Korean characters take two columns in a terminal.
    return sum(2 if "\u1100" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = _("Show the ISO 10002 conformance map for a period, or write the evidence pack.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="period_from",
            metavar="YYYY-MM-DD",
            help=_("First day of the period (default: a year before the end)."),
        )
        parser.add_argument(
            "--to",
            dest="period_to",
            metavar="YYYY-MM-DD",
            help=_("Last day of the period, included (default: today)."),
        )
        parser.add_argument("--json", action="store_true", help=_("Print the map as JSON."))
        parser.add_argument("--pack", metavar="FILE.zip",
                            help=_("Write the evidence pack to this file."))  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["period_from"]) if options["period_from"] else None
        end = _date(options["period_to"]) if options["period_to"] else None
        try:
            if options["pack"]:
                path = Path(options["pack"])
                if path.parent and not path.parent.is_dir():
                    raise CommandError(_("There is no folder %(path)s.") % {"path": path.parent})
                found = write_evidence_pack(viewer=CLI_ACTOR, period_from=start, period_to=end,
                                            path_or_file=path)  # fmt: skip
                self.stderr.write(_("Evidence pack written to %(path)s") % {"path": path.resolve()})
            else:
                found = conformance_map(viewer=CLI_ACTOR, period_from=start, period_to=end)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        if options["json"]:
            self.stdout.write(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        elif not options["pack"]:
            self.table(found)

    def table(self, found: ConformanceMap) -> None:
        language = get_language() or "ko"
        self.stdout.write(
            _("ISO 10002 conformance, %(start)s to %(end)s")
            % {"start": found.period_from, "end": found.period_to}
        )
        titles = [row.clause.title(language) for row in found.rows]
        width = max(_width(title) for title in titles)
        header = [_pad(_("KS"), 5), _pad("2018", 5), _pad(_("Clause"), width),
                  _pad(_("Status"), 15), _("Summary")]  # fmt: skip
        self.stdout.write("  ".join(header))
        for row, title in zip(found.rows, titles, strict=True):
            cells = [_pad(row.clause.ks or "-", 5), _pad(row.clause.key, 5), _pad(title, width),
                     _pad(row.status_label, 15), row.summary]  # fmt: skip
            self.stdout.write("  ".join(cells))
        counts = found.counts()
        self.stdout.write(
            _("%(present)d present, %(stale)d stale or short, %(missing)d missing.") % counts
        )
