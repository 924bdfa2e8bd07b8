"""``sori worker``: run background tasks from the database queue until SIGTERM or Ctrl-C.

Any number of workers on any number of machines may share one PostgreSQL queue: each claims a
task under ``SELECT ... FOR UPDATE SKIP LOCKED``.

Apps may also declare periodic jobs (``AppConfig.periodic_jobs()``: name, function, seconds), such
as the outbox sweep that retries email while the SMTP server was down. Each runs in a daemon
thread of every worker, first at start-up, then on its timer; the jobs claim their rows under
SKIP LOCKED, so several workers share them. A thread rather than a self-rescheduling task: a
lost or failed task would end a self-rescheduling chain for good, and every restart would add a
chain, while a thread lives and dies with its worker and needs no bookkeeping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
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


logger = logging.getLogger("sori.worker")

Job = tuple[str, Callable[[], object], float]


def periodic_jobs() -> list[Job]:
    jobs: list[Job] = []
    for config in apps.get_app_configs():
        declare = getattr(config, "periodic_jobs", None)
        if declare is not None:
            jobs.extend(job for job in declare() if job[2] > 0)
    return jobs


def run_job(name: str, function: Callable[[], object]) -> None:
    try:
        function()
    except Exception:
        # The next run tries again; a database or SMTP outage must not stop the worker.
        logger.exception("Periodic job %s failed", name)
    finally:
        # This thread's own connections: never left open across the wait.
        connections.close_all()


def repeat(name: str, function: Callable[[], object], every: float) -> None:
    while True:
        run_job(name, function)
        time.sleep(every)


def start_periodic_jobs(jobs: list[Job]) -> None:
    for name, function, every in jobs:
        threading.Thread(
            target=repeat, args=(name, function, every), name=f"sori-{name}", daemon=True
        ).start()


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
        jobs = periodic_jobs()
        if not options["batch"]:
            start_periodic_jobs(jobs)
        # db_worker stops after the task in hand on SIGTERM or SIGINT, and at once when idle.
        call_command(
            "db_worker",
            queue_name=options["queues"],
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            verbosity=options["verbosity"],
        )
        if options["batch"]:
            for name, function, _every in jobs:
                run_job(name, function)
