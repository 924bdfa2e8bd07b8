"""``sori worker``: run background tasks from the database queue until SIGTERM or Ctrl-C.

Any number of workers on any number of machines may share one PostgreSQL queue: each claims a
task under ``SELECT ... FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend


def seconds(value: str) -> float:
    number = float(value)
    if not 0 <= number < float("inf"):
        raise ValueError(value)
    return number


def queue_is_in_database() -> bool:
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


class Command(BaseCommand):
    help = _("Run background tasks (email, SLA timers, webhooks) from the database queue.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues", default="*",
            help=_("Comma-separated queue names; '*' for all (default)."),
        )  # fmt: skip
        parser.add_argument(
            "--interval", type=seconds, default=1.0,
            help=_("Seconds to wait when the queue is empty (default: %(default)s)."),
        )  # fmt: skip
        parser.add_argument(
            "--batch", action="store_true",
            help=_("Run the tasks waiting now, then exit."),
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if not queue_is_in_database():
            raise CommandError(
                _("Tasks run immediately in this installation (SORI_TASKS_IMMEDIATE): "
                  "there is no queue for a worker."),
                returncode=2,
            )  # fmt: skip
        # db_worker stops after the task in hand on SIGTERM or SIGINT, and at once when idle.
        call_command(
            "db_worker",
            queue_name=options["queues"],
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            verbosity=options["verbosity"],
        )
