"""``sori migrate`` on an installation from before the SLA engine: open complaints get clocks."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from sori.complaints.models import Complaint
from sori.core import clock
from sori.sla.models import SlaPolicy, Stage, Timer, TimerState

from .conftest import seoul

pytestmark = pytest.mark.django_db

upgrade = importlib.import_module("sori.sla.migrations.0003_clocks_for_open_complaints")
RECEIVED = seoul(2026, 3, 9, 10, 0)


def test_open_complaints_from_before_the_engine_get_decision_and_closure_clocks(submit):
    assert SlaPolicy.objects.get(code="iso-default").active
    with clock.frozen_at(RECEIVED):
        waiting, decided, closed, plain = (submit().reference for _ in range(4))
    # As an older installation left them: no clocks, the old due time.
    Timer.objects.all().delete()
    Complaint.objects.filter(reference=waiting).update(status="awaiting_complainant")
    Complaint.objects.filter(reference=decided).update(
        status="decision_communicated", decision_issued_at=seoul(2026, 3, 12, 9, 0)
    )
    Complaint.objects.filter(reference=closed).update(status="closed")

    upgrade.forwards(apps, None)

    def stages(reference: str) -> dict[str, Timer]:
        return {t.stage: t for t in Timer.objects.filter(complaint__reference=reference)}

    # ISO default: decision in 14 calendar days, closure in 30, counted from receipt.
    assert stages(plain)[Stage.DECISION].due_at == seoul(2026, 3, 24, 0, 0)
    assert stages(plain)[Stage.CLOSE].due_at == seoul(2026, 4, 9, 0, 0)
    assert Complaint.objects.get(reference=plain).due_at == seoul(2026, 3, 24, 0, 0)
    assert set(stages(decided)) == {Stage.CLOSE}
    assert {t.state for t in stages(waiting).values()} == {TimerState.PAUSED}
    assert Complaint.objects.get(reference=waiting).due_at is None
    assert stages(closed) == {}

    upgrade.forwards(apps, None)  # run twice: nothing is added
    assert Timer.objects.count() == 5
