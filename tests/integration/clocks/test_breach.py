"""End to end with frozen time: warnings, the breach, the manager told, the complainant's notice.

ISO 10002 7.3 (status at pre-set deadlines) and 4.15 (timeliness): nobody has to look for a late
complaint — the sweep that ``sori worker`` runs tells the assignee before, and the complaints
manager when, the target is missed; the complainant hears where the complaint stands.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import ComplaintEvent
from sori.complaints.services.assignment import assign_complaint
from sori.complaints.services.escalation import assess_complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.messaging.models import OutboundMessage
from sori.sla.models import Stage
from sori.sla.services.sweep import sweep_timers
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, response

from .conftest import seoul, timer

pytestmark = pytest.mark.django_db

User = get_user_model()
RECEIVED = seoul(2026, 3, 9, 10, 0)  # Monday


def staff(make_staff, role: str, email: str):
    actor = make_staff(role)
    User.objects.filter(pk=actor.user_id).update(email=email)
    return actor


def messages(template: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(template=template).order_by("pk"))


def test_a_missed_decision_reaches_the_manager_and_the_complainant_and_shows_overdue(
    standard_policy, submit, make_staff, client
):
    manager = staff(make_staff, Role.COMPLAINTS_MANAGER, "manager@sori.test")
    handler = staff(make_staff, Role.HANDLER, "handler@sori.test")
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
        assign_complaint(actor=manager, reference=reference, assignee_id=handler.user_id)
    with clock.frozen_at(seoul(2026, 3, 9, 11, 0)):
        assess_complaint(actor=handler, reference=reference, data=EventData(**COMPLETE_ASSESSMENT))

    # Monday 10:00 → Monday 16th 18:00 is 8 + 4 × 9 + 9 = 53 working hours; half of it has gone
    # by Thursday 09:30 (8 + 9 + 9 + 0.5 = 26.5). At noon the 50 % warning is due, not the 90 %.
    with clock.frozen_at(seoul(2026, 3, 12, 12, 0)):
        assert sweep_timers() >= 1
    [warning] = [m for m in messages("sla_warning") if m.recipient == "handler@sori.test"]
    assert timer(reference, Stage.DECISION).warned_percent == 50
    assert not messages("sla_breached")

    with clock.frozen_at(seoul(2026, 3, 17, 9, 0)):
        handled = sweep_timers()
        again = sweep_timers()
        client.force_login(User.objects.get(pk=manager.user_id))
        client.cookies["django_language"] = "en"
        queue = client.get("/staff/queue/?view=all").content.decode()

    assert handled >= 1 and again == 0  # a second sweep sends nothing twice
    decision = timer(reference, Stage.DECISION)
    assert decision.breached_at == seoul(2026, 3, 17, 9, 0)
    assert {m.recipient for m in messages("sla_breached")} == {
        "manager@sori.test",
        "handler@sori.test",
    }
    [notice] = messages("overdue_notice")
    assert notice.recipient == "minji@example.kr" and reference in notice.subject
    assert ComplaintEvent.objects.filter(
        complaint__reference=reference, kind="sla_breached", public=False
    ).exists()
    assert ComplaintEvent.objects.filter(
        complaint__reference=reference, kind="overdue_notice", public=True
    ).exists()
    entry = AuditEntry.objects.filter(action="sori.sla.breached").get()
    assert entry.iso_clause == "7.3" and entry.data["stage"] == "decision"
    assert manager.user_id in entry.data["managers_told"]
    assert reference in queue and '<span class="badge overdue">Overdue</span>' in queue
    assert warning.audience == "staff"


def test_a_decision_communicated_in_time_is_met_and_never_breaches(
    standard_policy, submit, make_staff
):
    handler = make_staff(Role.HANDLER)
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    steps = [
        (Event.ASSESS, COMPLETE_ASSESSMENT),
        (Event.START_INVESTIGATION, {}),
        (Event.PROPOSE_RESPONSE, response()),
        (Event.COMMUNICATE_DECISION, {"method": "email"}),
    ]
    with clock.frozen_at(seoul(2026, 3, 13, 16, 0)):
        for event, data in steps:
            transition_complaint(
                actor=handler, reference=reference, event=event, data=EventData(**data)
            )
    assert timer(reference, Stage.DECISION).state == "met"
    with clock.frozen_at(seoul(2026, 3, 20, 9, 0)):
        sweep_timers()
    assert not messages("sla_breached") and not messages("overdue_notice")
