"""``sori figures``: build or refresh the pre-aggregated figures (ISO 10002 8.4).

``sori figures rebuild`` recomputes every day before today (after installing, upgrading or
changing ``SORI_TIME_ZONE``, or after changes written around the services, such as a bulk
import); ``sori figures refresh`` does what the worker's periodic job does. Until the figures
are built, the dashboards and the KPIs read the complaints directly (slower, same numbers).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sori.analytics.services.figures import rebuild_figures, refresh_figures
from sori.cli import CLI_ACTOR


class Command(BaseCommand):
    help = _("Build (rebuild) or refresh the pre-aggregated figures the dashboards read.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("rebuild", help=_("Recompute every day before today from scratch."))
        actions.add_parser("refresh", help=_("Recompute the days changed since the last run."))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["action"] == "rebuild":
            summary = rebuild_figures(actor=CLI_ACTOR)
        else:
            found = refresh_figures(actor=CLI_ACTOR)
            if found is None:
                raise CommandError(_("A rebuild of the figures is under way; try again later."))
            summary = found
        message = _(
            "figures built for every day before %(day)s: %(rows)d day rows in %(seconds).1f s"
        )
        self.stdout.write(
            message
            % {
                "day": summary.built_through.isoformat(),
                "rows": summary.rows,
                "seconds": time.perf_counter() - started,
            }
        )
