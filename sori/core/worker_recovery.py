"""Worker heartbeats, and putting back in the queue the tasks of a worker that died.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker killed in the middle of a task (SIGKILL, out of memory, power loss) would leave it RUNNING
for ever, and the email, timer or webhook it stood for would silently never happen. ISO 10002
7.3 asks that a complaint be tracked until it is resolved, so no piece of its work may be lost.

Each ``sori worker`` therefore records itself in ``WorkerHeartbeat`` and refreshes the row every
few seconds from a thread of its own (a long task does not stop it). Every worker also runs
``recover_abandoned_tasks`` periodically: a RUNNING task whose claiming worker has not been seen
for ``SORI_WORKER_STALE_SECONDS`` goes back to READY and another worker runs it again. Tasks are
written to be idempotent (the outbox claims each message under a lease), so running one again
does its effect once.

Core may not import the audit app (import-linter), so a recovery is logged, not audited; the
task's ``worker_ids`` keep every worker that claimed it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket

from django.conf import settings
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from sori.core import clock
from sori.core.models import WorkerHeartbeat

logger = logging.getLogger("sori.worker")

# A task that has now been claimed this many times by workers that all died is most likely what
# kills them (it exhausts memory, say): it is marked failed instead of taking down every worker
# in turn. It stays in the table, with the reason, for an administrator to look at.
MAX_CLAIMS = 5


class WorkerLost(Exception):
    """The error recorded on a task given up on after ``MAX_CLAIMS`` workers died running it."""


def new_worker_id() -> str:
    """A worker id unique across machines and restarts (django-tasks-db allows 64 characters)."""
    host = socket.gethostname().split(".")[0][:32] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(6)}"


def record_heartbeat(*, worker_id: str, host: str, pid: int, now: dt.datetime) -> None:
    """Say that worker ``worker_id`` is alive at ``now``; its first beat registers it."""
    # The row is created again if a recovery removed it while this worker could not reach the
    # database for a while: it is alive after all, and its next task must not be taken from it.
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={"host": host, "pid": pid, "started_at": now, "seen_at": now},
    )


def remove_heartbeat(*, worker_id: str) -> None:
    """A worker that stops cleanly leaves no row behind (it finished or released its task)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover_abandoned_tasks(*, now: dt.datetime, stale_after: dt.timedelta) -> int:
    """Put back in the queue each RUNNING task whose worker has not been seen since
    ``now - stale_after``; the number of tasks recovered (requeued or given up on).

    Safe to run from every worker at once: the rows are taken under ``SELECT ... FOR UPDATE
    SKIP LOCKED`` (an exclusive transaction on SQLite) and the liveness is read inside the same
    transaction, so one task is requeued once, and never after another worker claimed it again.
    """
    cutoff = now - stale_after
    with exclusive_transaction(DBTaskResult.objects.db):
        live = set(
            WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
        )
        # Started before the cutoff as well: a task claimed a moment ago by a worker run
        # without a heartbeat (a bare ``db_worker``) still gets the full grace period.
        running = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .only("id", "worker_ids", "task_path", "started_at")
            .order_by("started_at")
        )
        if connection.features.has_select_for_update_skip_locked:
            running = running.select_for_update(skip_locked=True)
        abandoned = [
            task for task in running if not task.worker_ids or task.worker_ids[-1] not in live
        ]
        given_up = [task for task in abandoned if len(task.worker_ids) >= MAX_CLAIMS]
        requeued = [task for task in abandoned if len(task.worker_ids) < MAX_CLAIMS]
        if requeued:
            DBTaskResult.objects.filter(
                pk__in=[task.pk for task in requeued], status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY)
        for task in given_up:
            _give_up(task, now=now)
        # Workers not seen for that long are gone; a live one that was only cut off from the
        # database writes its row again with its next beat.
        WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    for task in requeued:
        logger.warning(
            "Task %s (%s) put back in the queue: worker %s stopped while running it",
            task.pk,
            task.task_path,
            task.worker_ids[-1] if task.worker_ids else "?",
        )
    return len(requeued) + len(given_up)


def _give_up(task: DBTaskResult, *, now: dt.datetime) -> None:
    reason = (
        f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: "
        f"{len(task.worker_ids)} workers stopped while running this task "
        f"({', '.join(task.worker_ids)}); it is not run again.\n"
    )
    DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=reason,
    )
    logger.error("Task %s (%s) given up: %s", task.pk, task.task_path, reason.strip())


def recover_now() -> int:
    """The periodic job every ``sori worker`` runs (see ``CoreConfig.periodic_jobs``)."""
    return recover_abandoned_tasks(
        now=clock.now(), stale_after=dt.timedelta(seconds=settings.SORI_WORKER_STALE_SECONDS)
    )
