"""A task whose worker died is run again, never lost, and its effect happens once (ISO 10002 7.3).

The first test kills a real ``sori worker`` with SIGKILL while it is inside the SMTP exchange of
a real ``send_message`` task, then starts a second worker: the task runs again and the
complainant's acknowledgement reaches the SMTP server exactly once. The others check
``recover_abandoned_tasks`` against the task table directly.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from sori.accounts.models import Role
from sori.core import clock
from sori.core.models import WorkerHeartbeat
from sori.core.worker_recovery import (
    MAX_CLAIMS,
    WorkerLost,
    record_heartbeat,
    recover_abandoned_tasks,
    remove_heartbeat,
)
from sori.messaging.models import MessageStatus, OutboundMessage
from tests.conftest import PASSWORD
from tests.integration.cli.conftest import SORI, sori_env
from tests.integration.messaging.conftest import Inbox, SmtpServer, free_port
from tests.integration.messaging.test_outbox import EMAIL, submit

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SEND = "sori.messaging.tasks.send_message"
STALE = dt.timedelta(seconds=60)
WORKERS = "/staff/admin/core/workerheartbeat/"


@dataclass
class HoldingInbox(Inbox):
    """Leaves the first message's end of DATA unanswered: the sender never gets its "250", so
    the server has not accepted that message. Every later message is accepted."""

    holding: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.holding.is_set():
            self.holding.set()
            # Until the client goes away (aiosmtpd then cancels this) or the server stops.
            await asyncio.Event().wait()
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def holding_smtp(settings) -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.inbox = HoldingInbox()
    settings.SORI_BASE_URL = "https://complaints.sori.test"
    server.start()
    yield server
    server.stop()


def wait_for(condition: Callable[[], bool], *, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s; worker output:\n{log.read_text()}")
        time.sleep(0.1)


class Workers:
    """``sori worker`` processes started by one test, each writing its output to a file."""

    def __init__(self, directory: Path, smtp_port: int) -> None:
        self.directory = directory
        self.env = {
            **sori_env(),
            "SORI_TASKS_IMMEDIATE": "false",
            "SORI_SMTP_HOST": "127.0.0.1",
            "SORI_SMTP_PORT": str(smtp_port),
            "SORI_SMTP_TIMEOUT": "60",
            "SORI_MAIL_FROM": "complaints@sori.test",
            # No outbox sweep: only the task can send, so what arrives is the task's doing.
            "SORI_OUTBOX_SWEEP_SECONDS": "0",
            "SORI_WORKER_HEARTBEAT_SECONDS": "1",
            "SORI_WORKER_STALE_SECONDS": "2",
        }
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.directory / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [SORI, "worker", "--interval", "0.2"],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        self.started.append(process)
        return process, log

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_mid_send_runs_again_and_the_email_arrives_once(
    holding_smtp, settings, tmp_path
):
    inbox = holding_smtp.inbox
    assert isinstance(inbox, HoldingInbox)
    settings.TASKS = DATABASE_QUEUE
    reference = submit()  # the acknowledgement is queued for the worker, not sent
    task = DBTaskResult.objects.get(task_path=SEND)
    message = OutboundMessage.objects.get()
    workers = Workers(tmp_path, holding_smtp.port)
    try:
        first, first_log = workers.start("first")
        assert inbox.holding.wait(timeout=30), first_log.read_text()
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING
        [dead] = task.worker_ids
        assert WorkerHeartbeat.objects.filter(worker_id=dead).exists()

        first.kill()  # SIGKILL in the middle of the SMTP exchange: no clean-up runs
        first.wait(timeout=10)

        # Nothing can finish the task now but a recovery, and the message is not lost: it is
        # still queued, under the dead worker's lease.
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        assert message.next_attempt_at > clock.now() + dt.timedelta(minutes=5)
        assert inbox.received == []
        # Set-up: the dead worker's lease on the message (10 minutes) has run out.
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=clock.now())

        second, second_log = workers.start("second")
        wait_for(
            lambda: DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.SUCCESSFUL
            ).exists(),
            seconds=20,
            log=second_log,
        )
        task.refresh_from_db()
        assert task.return_value is True  # this run, not a sweep, handed the message over
        assert len(task.worker_ids) == 2
        assert task.worker_ids[0] == dead != task.worker_ids[1]
        [(recipients, email)] = inbox.received
        assert recipients == [EMAIL]
        assert reference in email["Subject"]
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.SENT, 1)

        second.terminate()
        assert second.wait(timeout=20) == 0, second_log.read_text()
        assert "put back in the queue" in second_log.read_text()
        # The killed worker's row was removed by the recovery, the second's on its clean exit.
        assert not WorkerHeartbeat.objects.exists()
        # Nothing more arrives afterwards: the effect happened once.
        assert len(inbox.received) == 1
    finally:
        workers.stop_all()


def running(*worker_ids: str, started: dt.datetime, **fields: Any) -> DBTaskResult:
    """A task row as django-tasks-db leaves it once the workers named claimed it in turn."""
    values: dict[str, Any] = {
        "args_kwargs": {"args": [1], "kwargs": {}},
        "task_path": SEND,
        "backend_name": "default",
        "run_after": get_date_max(),
        "status": TaskResultStatus.RUNNING,
        "started_at": started,
        "worker_ids": list(worker_ids),
        **fields,
    }
    return DBTaskResult.objects.create(**values)


def alive(worker_id: str, *, seen: dt.datetime) -> None:
    record_heartbeat(worker_id=worker_id, host="worker-host", pid=4242, now=seen)


def status_of(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return str(task.status)


@pytest.mark.django_db
def test_a_task_of_a_worker_still_beating_is_left_running():
    now = timezone.now()
    alive("busy", seen=now - dt.timedelta(seconds=5))
    long_task = running("busy", started=now - dt.timedelta(hours=1))

    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 0
    assert status_of(long_task) == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_whose_worker_went_silent_goes_back_to_the_queue_for_another_worker():
    now = timezone.now()
    alive("killed", seen=now - dt.timedelta(seconds=61))
    alive("other", seen=now)
    task = running("killed", started=now - dt.timedelta(seconds=90))

    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.worker_ids == ["killed"]  # who ran it before stays on record
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()
    # The silent worker's row is gone; the live one's stays.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["other"]
    # Running the recovery again (another worker's turn) changes nothing.
    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 0


@pytest.mark.django_db
def test_only_the_worker_that_claimed_a_task_last_decides_whether_it_was_abandoned():
    now = timezone.now()
    alive("second", seen=now)
    rerun = running("killed", "second", started=now - dt.timedelta(minutes=5))

    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 0
    assert status_of(rerun) == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_of_a_worker_without_a_heartbeat_gets_the_grace_period_first():
    now = timezone.now()
    just_claimed = running("bare-db-worker", started=now - dt.timedelta(seconds=10))
    long_claimed = running("bare-db-worker", started=now - dt.timedelta(minutes=2))

    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 1
    assert status_of(just_claimed) == TaskResultStatus.RUNNING
    assert status_of(long_claimed) == TaskResultStatus.READY


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_never_touched():
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=1)
    tasks = {
        TaskResultStatus.SUCCESSFUL: running(
            "gone", started=long_ago, status=TaskResultStatus.SUCCESSFUL, finished_at=long_ago
        ),
        TaskResultStatus.FAILED: running(
            "gone", started=long_ago, status=TaskResultStatus.FAILED, finished_at=long_ago
        ),
        TaskResultStatus.READY: running("gone", started=long_ago, status=TaskResultStatus.READY),
    }

    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 0
    for status, task in tasks.items():
        assert status_of(task) == status


@pytest.mark.django_db
def test_a_task_that_every_worker_died_running_is_given_up_with_the_reason():
    now = timezone.now()
    killers = [f"worker-{n}" for n in range(MAX_CLAIMS)]
    poison = running(*killers, started=now - dt.timedelta(minutes=2))
    once_more = running(*killers[:-1], started=now - dt.timedelta(minutes=2))

    assert recover_abandoned_tasks(now=now, stale_after=STALE) == 2

    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert poison.finished_at == now
    assert poison.exception_class_path == f"{WorkerLost.__module__}.WorkerLost"
    assert all(worker in poison.traceback for worker in killers)
    assert status_of(once_more) == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_heartbeat_registers_once_then_only_moves_its_time_and_a_clean_exit_removes_it():
    start = timezone.now()
    alive("w1", seen=start)
    alive("w1", seen=start + dt.timedelta(seconds=10))

    row = WorkerHeartbeat.objects.get(worker_id="w1")
    assert (row.started_at, row.seen_at) == (start, start + dt.timedelta(seconds=10))
    assert (row.host, row.pid) == ("worker-host", 4242)

    remove_heartbeat(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()


def test_the_worker_refuses_a_stale_limit_shorter_than_two_heartbeats(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.SORI_WORKER_HEARTBEAT_SECONDS = 10
    settings.SORI_WORKER_STALE_SECONDS = 15

    with pytest.raises(CommandError) as refused:
        call_command("worker", "--batch")
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_administrators_see_the_running_workers_but_cannot_change_them(client, make_staff):
    alive("host-a-101-c0ffee", seen=timezone.now())
    make_staff(Role.ADMINISTRATOR, username="admin")
    assert client.login(username="admin", password=PASSWORD)

    listing = client.get(WORKERS)
    assert listing.status_code == 200
    assert "host-a-101-c0ffee" in listing.content.decode()
    assert client.get(f"{WORKERS}add/").status_code == 403
    row = WorkerHeartbeat.objects.get()
    assert client.post(f"{WORKERS}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert WorkerHeartbeat.objects.exists()
