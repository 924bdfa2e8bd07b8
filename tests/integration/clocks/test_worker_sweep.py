"""``sori worker`` runs the SLA sweep: a deadline that passed is marked missed without anyone asking."""

from __future__ import annotations

import subprocess

import pytest

from sori.audit.models import AuditEntry
from sori.core import clock
from sori.sla.models import Stage
from tests.integration.cli.conftest import SORI, sori_env

from .conftest import seoul, timer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_worker_sweeps_the_clocks_and_records_a_breach(standard_policy, submit):
    # Received in March 2026: every deadline has long passed by the time the worker runs.
    with clock.frozen_at(seoul(2026, 3, 9, 10, 0)):
        reference = submit().reference

    worker = subprocess.run(
        [SORI, "worker", "--batch", "--interval", "0"],
        capture_output=True,
        text=True,
        env={**sori_env(), "SORI_TASKS_IMMEDIATE": "false"},
        timeout=120,
        check=False,
    )

    assert worker.returncode == 0, worker.stderr
    assert timer(reference, Stage.DECISION).breached_at is not None
    assert timer(reference, Stage.ASSESS).breached_at is not None
    stages = set(
        AuditEntry.objects.filter(action="sori.sla.breached", object_id=reference).values_list(
            "data__stage", flat=True
        )
    )
    assert {"assess", "decision", "close"} <= stages
