"""``sori worker``: run background tasks from the database queue until SIGTERM or Ctrl-C.

Any number of workers on any number of machines may share one PostgreSQL queue: each claims a
task under ``SELECT ... FOR UPDATE SKIP LOCKED``.

Apps may also declare periodic jobs (``AppConfig.periodic_jobs()``: name, function, seconds), such
as the outbox sweep that retries email while the SMTP server was down. Each runs in a daemon
thread of every worker, first at start-up, then on its timer; the jobs claim their rows under
SKIP LOCKED, so several workers share them. A thread rather than a self-rescheduling task: a
lost or failed task would end a self-rescheduling chain for good, and every restart would add a
chain, while a thread lives and dies with its worker and needs no bookkeeping.

A worker killed in the middle of a task must not lose it (ISO 10002 7.3): each worker claims
tasks under an id of its own and keeps a heartbeat row fresh from another thread (removed when it
stops cleanly); the "worker-recovery" job of the other workers puts the tasks of a worker whose
heartbeat went stale back in the queue (``sori.core.worker_recovery``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from sori.core import clock, worker_recovery


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


class Heartbeat:
    """This worker's ``WorkerHeartbeat`` row, refreshed from a thread until ``stop()``.

    A thread, not a periodic job between tasks: a long task must not make its live worker look
    dead to the others.
    """

    def __init__(self, *, worker_id: str, every: float) -> None:
        self.worker_id = worker_id
        self.every = every
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._repeat, name="sori-heartbeat", daemon=True)

    def beat(self) -> None:
        worker_recovery.record_heartbeat(
            worker_id=self.worker_id, host=self.host, pid=self.pid, now=clock.now()
        )

    def start(self) -> None:
        # The first beat before the first task is claimed, in this thread: a worker that cannot
        # register fails at once instead of running tasks the others would take for abandoned.
        self.beat()
        self._thread.start()

    def _repeat(self) -> None:
        while not self._stopping.wait(self.every):
            run_job("heartbeat", self.beat)

    def stop(self) -> None:
        self._stopping.set()
        # Joined before the row is removed, so a beat in flight cannot write it again.
        self._thread.join(timeout=max(self.every, 10.0))
        try:
            worker_recovery.remove_heartbeat(worker_id=self.worker_id)
        except Exception:
            # The row goes stale and the next recovery removes it; the exit goes on.
            logger.exception("Could not remove the heartbeat of worker %s", self.worker_id)


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
        every = settings.SORI_WORKER_HEARTBEAT_SECONDS
        stale = settings.SORI_WORKER_STALE_SECONDS
        if every < 1 or stale < 2 * every:
            # A stale limit within one beat would take live workers' tasks away from them and
            # run those tasks twice at the same time.
            raise CommandError(
                _("SORI_WORKER_HEARTBEAT_SECONDS must be at least 1 and SORI_WORKER_STALE_SECONDS "
                  "at least twice as long."),
                returncode=2,
            )  # fmt: skip
        jobs = periodic_jobs()
        heartbeat = Heartbeat(worker_id=worker_recovery.new_worker_id(), every=float(every))
        heartbeat.start()
        try:
            if not options["batch"]:
                start_periodic_jobs(jobs)
            # db_worker stops after the task in hand on SIGTERM or SIGINT, and at once when idle.
            call_command(
                "db_worker",
                queue_name=options["queues"],
                interval=options["interval"],
                batch=options["batch"],
                reload=False,
                worker_id=heartbeat.worker_id,
                verbosity=options["verbosity"],
            )
            if options["batch"]:
                for name, function, _every in jobs:
                    run_job(name, function)
        finally:
            heartbeat.stop()
