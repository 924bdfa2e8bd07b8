"""The initial assessment and the safety escalation (ISO 10002 7.5, 5.2)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, ComplaintEvent, PriorityRule
from sori.complaints.services.escalation import assess_complaint
from sori.core.errors import Conflict
from sori.messaging.models import Audience, OutboundMessage
from tests.integration.casework.conftest import assessment

pytestmark = pytest.mark.django_db


def test_the_priority_comes_from_the_configured_matrix(submit, handler):
    first, second = submit(), submit()
    data = assessment(severity="high", impact="low")
    configured = PriorityRule.objects.get(severity="high", impact="low").priority
    assess_complaint(actor=handler, reference=first.reference, data=data)
    assert Complaint.objects.get(reference=first.reference).priority == configured

    # A complaints manager changes one cell of the matrix; the next assessment follows it.
    changed = "low" if configured != "low" else "high"
    PriorityRule.objects.filter(severity="high", impact="low").update(priority=changed)
    assess_complaint(actor=handler, reference=second.reference, data=data)
    assert Complaint.objects.get(reference=second.reference).priority == changed
    assert Complaint.objects.get(reference=first.reference).priority == configured


def test_a_priority_given_by_the_handler_overrides_the_matrix(submit, handler):
    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference,
                     data=assessment(severity="low", impact="low", priority="high"))  # fmt: skip
    assert Complaint.objects.get(reference=receipt.reference).priority == "high"


def test_a_safety_risk_tells_every_manager_and_top_management_at_once(submit, handler, staff):
    manager = staff(Role.COMPLAINTS_MANAGER, email="manager@sori.test")
    chief = staff(Role.TOP_MANAGEMENT, email="ceo@sori.test")
    staff(Role.HANDLER, email="colleague@sori.test")  # not told
    staff(Role.APPROVER, email="approver@sori.test")  # not told
    receipt = submit()

    complaint = assess_complaint(
        actor=handler,
        reference=receipt.reference,
        data=assessment(
            safety_risk=True, immediate_action_needed=True, immediate_action="매장 출입 통제"
        ),
    )

    assert complaint.priority == "urgent"
    sent = OutboundMessage.objects.filter(
        complaint=complaint, audience=Audience.STAFF, template="safety_escalation"
    )
    assert sorted(message.recipient for message in sent) == ["ceo@sori.test", "manager@sori.test"]
    assert all(receipt.reference in message.subject for message in sent)
    entry = AuditEntry.objects.get(action="sori.complaint.safety_escalated")
    assert entry.object_id == receipt.reference and entry.iso_clause == "7.5"
    assert entry.actor == handler.audit_id
    assert sorted(entry.data["recipients"]) == sorted([manager.user_id, chief.user_id])
    assert entry.data["emailed"] == 2
    line = ComplaintEvent.objects.get(complaint=complaint, kind="safety_escalated")
    assert line.public is False
    # The assessment itself is in the trail too, before the escalation.
    assessed = AuditEntry.objects.get(action="sori.complaint.assessed")
    assert assessed.seq < entry.seq


def test_no_safety_risk_no_escalation(submit, handler, staff):
    staff(Role.COMPLAINTS_MANAGER, email="manager@sori.test")
    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    assert not OutboundMessage.objects.filter(template="safety_escalation").exists()
    assert not AuditEntry.objects.filter(action="sori.complaint.safety_escalated").exists()


def test_a_refused_assessment_escalates_nothing(submit, handler, staff):
    staff(Role.COMPLAINTS_MANAGER, email="manager@sori.test")
    receipt = submit()
    with pytest.raises(Conflict):
        assess_complaint(actor=handler, reference=receipt.reference,
                         data=assessment(safety_risk=True), expected_version=1)  # fmt: skip
    complaint = Complaint.objects.get(reference=receipt.reference)
    assert complaint.status == "acknowledged" and complaint.safety_risk is None
    assert not OutboundMessage.objects.filter(template="safety_escalation").exists()
    assert not AuditEntry.objects.filter(action="sori.complaint.safety_escalated").exists()
