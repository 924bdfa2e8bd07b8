"""What moves the deadlines from the workspace: the (re)assessment with its priority and complaint
type, and a contact with the complainant; and how the queue shows a complaint whose clocks wait
for the complainant (ISO 10002 7.5, 7.3, 4.15).
"""

from __future__ import annotations

import re

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, ComplaintType
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.core import clock
from sori.sla.models import SlaPolicy, SlaTarget, Stage, Timer, TimerState
from tests.backoffice.workspace.conftest import htmx, url, version

from .conftest import RECEIVED, seoul

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

ASSESSMENT_FORM = {
    "severity": "medium",
    "safety_risk": "no",
    "complexity": "low",
    "impact": "medium",
    "immediate_action_needed": "no",
    "immediate_action": "",
    "priority": "",
    "complaint_type": "",
    "note": "",
}


def _timer(reference: str, stage: str) -> Timer:
    return Timer.objects.get(complaint__reference=reference, stage=stage, round=0)


def _selected(html: str, field_id: str) -> str | None:
    select = re.search(rf'<select[^>]*id="{field_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, field_id
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else None


@pytest.fixture
def types(db) -> dict[str, ComplaintType]:
    return {
        "inquiry": ComplaintType.objects.create(
            code="inquiry", label_ko="질의", label_en="Inquiry", position=1
        ),
        "grievance": ComplaintType.objects.create(
            code="grievance", label_ko="고충", label_en="Grievance", position=2
        ),
        "retired": ComplaintType.objects.create(
            code="retired", label_ko="폐지된 유형", label_en="Retired type", active=False
        ),
    }


# ---------------------------------------------------------------- reassessment (7.5)


def test_the_reassessment_form_starts_from_the_current_assessment(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    html = client.get(url(assessed)).content.decode()
    assessment = html.split('id="ws-assessment"', 1)[1].split("</section>", 1)[0]
    assert "Reassess the complaint" in assessment
    assert f"/staff/complaints/{assessed}/reassessment/" in assessment
    assert _selected(assessment, "id_reassess_severity") == "medium"
    assert 'id="id_reassess_safety_risk_1" checked' in assessment or re.search(
        r'value="no"[^>]*id="id_reassess_safety_risk_1"[^>]*checked', assessment
    )
    # The next-steps panel points to the form instead of saying the step has no page.
    actions = html.split('id="ws-actions"', 1)[1].split("</section>", 1)[0]
    assert 'data-event="reassess"' in actions and 'href="#ws-assessment"' in actions


def test_a_reassessment_changes_the_priority_and_the_decision_deadline(
    assessed, staff_client, policies
):
    assert Complaint.objects.get(reference=assessed).priority != "urgent"
    assert _timer(assessed, Stage.DECISION).due_at == seoul(2026, 3, 16, 18, 0)
    client, handler = staff_client(Role.HANDLER, language="en")
    answer = client.post(
        url(assessed, "reassessment/"),
        {
            **ASSESSMENT_FORM,
            "safety_risk": "yes",
            "note": "고객이 다친 사실이 확인되었습니다.",
            "expected_version": version(assessed),
        },
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#ws-assessment")
    html = client.get(answer["Location"]).content.decode()
    assert "The complaint is reassessed; its deadlines follow the new assessment." in html

    complaint = Complaint.objects.get(reference=assessed)
    assert complaint.priority == "urgent" and complaint.safety_risk is True
    decision = _timer(assessed, Stage.DECISION)
    # The urgent policy now drives the decision: 1 business day after the day of receipt.
    assert decision.policy == policies["urgent"]
    assert decision.due_at == seoul(2026, 3, 10, 18, 0)
    assert decision.started_at == RECEIVED
    panel = html.split('id="ws-deadlines"', 1)[1].split("</section>", 1)[0]
    assert "긴급 test policy" in panel and "2026-03-10 18:00" in panel
    # The trail says which stage's policy the reassessment changed (in the transition's entry).
    entry = AuditEntry.objects.get(action="sori.complaint.reassessed", actor=handler.audit_id)
    assert entry.data["sla_policy_rechosen"] == [
        {"stage": "decision", "from": "deadlines-default", "to": "deadlines-urgent"}
    ]


def test_a_bad_reassessment_comes_back_with_what_was_typed(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = htmx(
        client,
        url(assessed, "reassessment/"),
        {
            **ASSESSMENT_FORM,
            "immediate_action_needed": "yes",
            "note": "사실관계 변경",
            "expected_version": version(assessed),
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section id="ws-assessment"')
    assert "Say what immediate action was taken or arranged." in html
    assert "사실관계 변경" in html and 'id="reassessment-errors"' in html
    assert _timer(assessed, Stage.DECISION).policy.code == "deadlines-default"


def test_an_investigator_may_not_reassess(assessed, staff_client):
    client, _ = staff_client(Role.INVESTIGATOR, language="en")
    html = client.get(url(assessed)).content.decode()
    assert "Reassess the complaint" not in html
    forged = client.post(
        url(assessed, "reassessment/"),
        {**ASSESSMENT_FORM, "priority": "urgent", "expected_version": version(assessed)},
    )
    assert forged.status_code == 403
    assert Complaint.objects.get(reference=assessed).priority != "urgent"


# ---------------------------------------------------------------- complaint type


def test_the_assessment_offers_the_active_complaint_types_in_the_readers_language(
    policies, submit, staff_client, types
):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    english, _ = staff_client(Role.HANDLER, language="en")
    html = english.get(url(reference)).content.decode()
    assert 'id="id_assess_complaint_type"' in html
    assert ">Inquiry</option>" in html and ">Grievance</option>" in html
    assert "Retired type" not in html
    korean, _ = staff_client(Role.HANDLER, language="ko")
    html = korean.get(url(reference)).content.decode()
    assert ">질의</option>" in html and ">고충</option>" in html and "폐지된 유형" not in html


def test_the_complaint_type_chosen_at_assessment_and_changed_later_picks_the_policy(
    policies, submit, staff_client, types
):
    # A policy for grievances only: more specific than the default, so it wins for them.
    grievances = SlaPolicy.objects.create(
        code="deadlines-grievance", name_ko="고충 정책", name_en="Grievance policy",
        active=True, calendar=policies["default"].calendar, complaint_type=types["grievance"],
    )  # fmt: skip
    SlaTarget.objects.create(
        policy=grievances, stage=Stage.DECISION, amount=10, unit="business_days"
    )
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = client.post(
        url(reference, "assessment/"),
        {**ASSESSMENT_FORM, "complaint_type": "inquiry", "expected_version": version(reference)},
    )
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=reference).complaint_type == types["inquiry"]
    assert _timer(reference, Stage.DECISION).policy == policies["default"]

    html = client.get(url(reference)).content.decode()
    assert _selected(html, "id_reassess_complaint_type") == "inquiry"
    answer = client.post(
        url(reference, "reassessment/"),
        {**ASSESSMENT_FORM, "complaint_type": "grievance", "expected_version": version(reference)},
    )
    assert answer.status_code == 302
    decision = _timer(reference, Stage.DECISION)
    assert decision.policy == grievances
    # 10 business days after Monday 9 March: Monday 23 March, 18:00.
    assert decision.due_at == seoul(2026, 3, 23, 18, 0)


def test_an_inactive_complaint_type_is_refused(policies, submit, staff_client, types):
    with clock.frozen_at(RECEIVED):
        reference = submit().reference
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = client.post(
        url(reference, "assessment/"),
        {**ASSESSMENT_FORM, "complaint_type": "retired", "expected_version": version(reference)},
    )
    assert answer.status_code == 400
    assert "Select a valid choice." in answer.content.decode()
    assert Complaint.objects.get(reference=reference).complaint_type is None


# ---------------------------------------------------------------- contacts (7.3)


def _contact(client, reference: str, **extra: str):
    return client.post(
        url(reference, "contacts/"),
        {
            "contacted_at": "2026-03-11T10:30",
            "method": "phone",
            "party": "김민지",
            "summary": "진행 상황을 설명했습니다.",
            **extra,
        },
    )


def test_a_contact_with_the_complainant_stops_the_first_contact_clock(
    assessed, staff_client, handler
):
    transition_complaint(actor=handler, reference=assessed, event="start_investigation")
    client, _ = staff_client(Role.HANDLER, language="en")
    page = client.get(url(assessed)).content.decode()
    assert 'name="with_complainant"' in page and "With the complainant" in page

    # A contact with someone else (a witness) leaves the clock running.
    assert _contact(client, assessed, party="목격자").status_code == 302
    assert _timer(assessed, Stage.FIRST_CONTACT).state == TimerState.RUNNING

    assert _contact(client, assessed, with_complainant="on").status_code == 302
    first = _timer(assessed, Stage.FIRST_CONTACT)
    assert first.state == TimerState.MET
    assert first.stopped_at == seoul(2026, 3, 11, 10, 30)
    html = client.get(url(assessed)).content.decode()
    row = html.split('data-stage="first_contact"', 1)[1].split('<li class="deadline ', 1)[0]
    assert 'data-state="met"' in row and "2026-03-11 10:30" in row


def test_a_contact_with_htmx_refreshes_the_deadlines_panel(assessed, staff_client, handler):
    transition_complaint(actor=handler, reference=assessed, event="start_investigation")
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = htmx(
        client,
        url(assessed, "contacts/"),
        {
            "contacted_at": "2026-03-11T10:30",
            "method": "phone",
            "party": "김민지",
            "with_complainant": "on",
            "summary": "전화로 설명했습니다.",
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section id="ws-contacts"')
    panel = html.split('<section id="ws-deadlines"', 1)[1]
    assert 'hx-swap-oob="true"' in panel.split(">", 1)[0]
    assert 'data-stage="first_contact" data-state="met"' in panel


# ---------------------------------------------------------------- the queue (4.15)


def test_the_queue_says_a_complaint_waits_for_the_complainant(
    assessed, staff_client, handler, unit
):
    transition_complaint(actor=handler, reference=assessed, event="start_investigation")
    transition_complaint(
        actor=handler,
        reference=assessed,
        event="request_information",
        data=EventData(note="영수증을 보내 주십시오."),
    )
    north = unit("north")
    Complaint.objects.filter(reference=assessed).update(unit=north)
    assert Complaint.objects.get(reference=assessed).due_at is None
    client, _ = staff_client(Role.HANDLER, unit=north, language="en")
    html = client.get("/staff/queue/").content.decode()
    row = html.split(f"{assessed}</a>", 1)[1].split("</tr>", 1)[0]
    assert "Waiting for the complainant" in row and "No due time" not in row
