"""The end-to-end case file (ISO 10002 8.5, R-AX.3): every stage in order, gaps shown, the
complainant's personal data masked unless a role that reads it asks (and the reading logged)."""

from __future__ import annotations

import json

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core.actors import complainant_actor
from sori.core.errors import Forbidden
from sori.governance.case_file import build_case_file
from sori.governance.masking import mask_email, mask_name, mask_phone

STAGES = [
    "receipt",
    "acknowledgement",
    "assessment",
    "investigation",
    "decision",
    "reaction",
    "closure",
]
STEPS = (
    (
        Event.ASSESS,
        {
            "severity": "low",
            "safety_risk": False,
            "complexity": "low",
            "impact": "low",
            "immediate_action_needed": False,
        },
    ),
    (Event.START_INVESTIGATION, {}),
    (
        Event.PROPOSE_RESPONSE,
        {"outcome": "upheld", "remedy_type": "apology", "reasons": "배송 지연을 확인했습니다."},
    ),
    (Event.COMMUNICATE_DECISION, {"method": "email"}),
)


def closed(reference: str, handler) -> Complaint:  # type: ignore[no-untyped-def]
    for event, data in STEPS:
        transition_complaint(
            actor=handler, reference=reference, event=event, data=EventData(**data)
        )
    transition_complaint(
        actor=complainant_actor(reference), reference=reference, event=Event.ACCEPT
    )
    transition_complaint(actor=handler, reference=reference, event=Event.CLOSE)
    return Complaint.objects.get(reference=reference)


def test_a_closed_complaint_has_every_stage_in_order_and_recorded(submit, handler, make_staff):
    complaint = closed(submit().reference, handler)

    found = build_case_file(viewer=make_staff(Role.AUDITOR), complaint=complaint)

    assert [section.key for section in found.sections] == STAGES
    assert all(section.recorded for section in found.sections)
    kinds = [line.what for line in found.timeline]
    assert len(kinds) >= 6


def test_a_missing_stage_is_shown_as_not_recorded(submit, make_staff):
    complaint = Complaint.objects.get(reference=submit().reference)

    found = build_case_file(viewer=make_staff(Role.AUDITOR), complaint=complaint)

    recorded = {section.key: section.recorded for section in found.sections}
    assert recorded["receipt"] is True
    assert recorded["assessment"] is False and recorded["decision"] is False
    assert recorded["closure"] is False


def test_the_masked_case_file_hides_the_complainants_contact_details(submit, make_staff):
    receipt = submit("연락처는 minji@example.kr, 010-1234-5678 입니다. 김민지 드림")
    complaint = Complaint.objects.get(reference=receipt.reference)

    found = build_case_file(viewer=make_staff(Role.AUDITOR), complaint=complaint)

    text = json.dumps(found.as_dict(), ensure_ascii=False)
    for real in ("김민지", "minji@example.kr", "010-1234-5678"):
        assert real not in text
    assert "김*지" in text and "m***@example.kr" in text and "010-****-5678" in text
    assert not AuditEntry.objects.filter(action="sori.personal_data.viewed").exists()


def test_the_unmasked_case_file_is_logged_and_needs_a_personal_data_role(submit, make_staff):
    complaint = Complaint.objects.get(reference=submit().reference)
    auditor = make_staff(Role.AUDITOR)

    found = build_case_file(viewer=auditor, complaint=complaint, masked=False)

    assert "minji@example.kr" in json.dumps(found.as_dict(), ensure_ascii=False)
    assert (
        AuditEntry.objects.filter(
            action="sori.personal_data.viewed", object_id=complaint.reference
        ).count()
        == 1
    )
    with pytest.raises(Forbidden):
        build_case_file(viewer=make_staff(Role.TOP_MANAGEMENT), complaint=complaint, masked=False)


def test_masks_keep_a_hint_of_the_value():
    assert mask_name("홍길동") == "홍*동"
    assert mask_name("김민") == "김*"
    assert mask_email("hong@example.com") == "h***@example.com"
    assert mask_phone("010-1234-5678") == "010-****-5678"
