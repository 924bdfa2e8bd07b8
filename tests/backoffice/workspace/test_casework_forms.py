"""The workspace's forms through the web: assessment, steps, assignment, investigation, related
complaints, evidence (ISO 10002 7.5, 7.6, 4.7, 7.9, 8.2). Without JavaScript every form posts and
comes back to the page (PRG); a bad form comes back with what was typed and the error."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    ContactRecord,
    InvestigationTask,
    PriorityRule,
)
from sori.complaints.services.assignment import name_staff
from sori.complaints.services.escalation import assess_complaint
from sori.complaints.services.transitions import transition_complaint
from sori.messaging.models import OutboundMessage
from tests.backoffice.workspace.conftest import url, version
from tests.integration.casework.conftest import assessment

pytestmark = pytest.mark.django_db

ASSESSMENT_FORM = {
    "severity": "high",
    "safety_risk": "no",
    "complexity": "medium",
    "impact": "low",
    "immediate_action_needed": "no",
    "immediate_action": "",
    "priority": "",
    "note": "",
}


def investigating(submit, handler, **fields) -> str:
    receipt = submit(**fields)
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    transition_complaint(actor=handler, reference=receipt.reference, event="start_investigation")
    return receipt.reference


def page_after(client, answer) -> str:
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return client.get(answer["Location"]).content.decode()


# ---------------------------------------------------------------- assessment (7.5)


def test_the_assessment_form_records_it_and_the_priority_comes_from_the_matrix(
    staff_client, submit
):
    receipt = submit()
    client, handler = staff_client(Role.HANDLER)
    answer = client.post(
        url(receipt.reference, "assessment/"),
        {**ASSESSMENT_FORM, "expected_version": version(receipt.reference)},
    )
    assert answer["Location"] == f"{url(receipt.reference)}#ws-assessment"
    html = page_after(client, answer)
    assert "The initial assessment is recorded" in html
    complaint = Complaint.objects.get(reference=receipt.reference)
    assert complaint.status == "assessed" and complaint.severity == "high"
    assert complaint.priority == PriorityRule.objects.get(severity="high", impact="low").priority
    assert AuditEntry.objects.filter(
        action="sori.complaint.assessed", actor=handler.audit_id
    ).exists()


def test_a_safety_risk_in_the_form_escalates_to_manager_and_top_management(
    staff_client, submit, make_staff
):
    from tests.backoffice.workspace.conftest import place

    place(make_staff(Role.COMPLAINTS_MANAGER), email="manager@sori.test")
    place(make_staff(Role.TOP_MANAGEMENT), email="ceo@sori.test")
    receipt = submit()
    client, _handler = staff_client(Role.HANDLER)
    answer = client.post(
        url(receipt.reference, "assessment/"),
        {**ASSESSMENT_FORM, "safety_risk": "yes", "immediate_action_needed": "yes",
         "immediate_action": "해당 제품 판매 중지", "expected_version": version(receipt.reference)},
    )  # fmt: skip
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).priority == "urgent"
    told = OutboundMessage.objects.filter(template="safety_escalation")
    assert sorted(m.recipient for m in told) == ["ceo@sori.test", "manager@sori.test"]
    assert AuditEntry.objects.filter(
        action="sori.complaint.safety_escalated", object_id=receipt.reference
    ).exists()


def test_an_incomplete_assessment_comes_back_with_what_was_typed(staff_client, submit):
    receipt = submit()
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(
        url(receipt.reference, "assessment/"),
        {**ASSESSMENT_FORM, "severity": "", "immediate_action_needed": "yes",
         "immediate_action": "", "note": "전화로 확인함", "expected_version": version(receipt.reference)},
    )  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Say what immediate action was taken or arranged." in html
    assert 'id="assessment-errors"' in html and "<title>Error:" in html
    assert "전화로 확인함" in html  # the note typed is kept
    assert re.search(r'name="immediate_action_needed" value="yes"[^>]*checked', html)
    assert Complaint.objects.get(reference=receipt.reference).status == "acknowledged"


def test_an_incomplete_assessment_is_explained_in_korean(staff_client, submit):
    receipt = submit()
    client, _ = staff_client(Role.HANDLER, language="ko")
    answer = client.post(
        url(receipt.reference, "assessment/"),
        {**ASSESSMENT_FORM, "complexity": "", "expected_version": version(receipt.reference)},
    )
    html = answer.content.decode()
    assert answer.status_code == 400 and '<html lang="ko">' in html
    assert "필수 항목입니다." in html


def test_a_stale_version_says_someone_else_changed_it_and_keeps_the_input(
    staff_client, submit, handler
):
    receipt = submit()
    client, _ = staff_client(Role.HANDLER)
    seen = version(receipt.reference)
    # Someone else names a staff member in between: the complaint's version moves on.
    name_staff(actor=handler, reference=receipt.reference, staff_ids=[])
    answer = client.post(
        url(receipt.reference, "assessment/"),
        {**ASSESSMENT_FORM, "note": "내가 쓴 메모", "expected_version": seen},
    )
    html = answer.content.decode()
    assert answer.status_code == 409
    assert "Someone else changed this complaint while you were working on it" in html
    assert "내가 쓴 메모" in html
    # The form now carries the current version: sending it again works.
    assert f'name="expected_version" value="{version(receipt.reference)}"' in html
    assert Complaint.objects.get(reference=receipt.reference).status == "acknowledged"
    again = client.post(
        url(receipt.reference, "assessment/"),
        {**ASSESSMENT_FORM, "note": "내가 쓴 메모", "expected_version": version(receipt.reference)},
    )
    assert again.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).status == "assessed"


# ---------------------------------------------------------------- workflow steps


def test_a_step_fires_from_the_generic_form_with_its_note(staff_client, submit, handler):
    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    client, _ = staff_client(Role.INVESTIGATOR)
    answer = client.post(url(receipt.reference, "event/"), {
        "event": "start_investigation", "note": "조사를 시작합니다.",
        "expected_version": version(receipt.reference)})  # fmt: skip
    html = page_after(client, answer)
    assert "Done: start the investigation." in html
    assert Complaint.objects.get(reference=receipt.reference).status == "investigating"
    line = ComplaintEvent.objects.get(complaint__reference=receipt.reference,
                                      kind="start_investigation")  # fmt: skip
    assert line.note == "조사를 시작합니다." and line.public


def test_asking_for_information_needs_the_question(staff_client, submit, handler):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(url(reference, "event/"), {
        "event": "request_information", "note": "",
        "expected_version": version(reference)})  # fmt: skip
    assert answer.status_code == 400
    assert "Say what you ask the complainant for." in answer.content.decode()
    assert Complaint.objects.get(reference=reference).status == "investigating"


def test_a_step_the_role_may_not_take_is_refused_with_a_message(staff_client, submit, handler):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.INVESTIGATOR)
    answer = client.post(url(reference, "event/"), {
        "event": "withdraw", "note": "", "expected_version": version(reference)})  # fmt: skip
    assert answer.status_code == 403
    assert "Your role does not allow this on this complaint." in answer.content.decode()
    assert Complaint.objects.get(reference=reference).status == "investigating"


def test_a_merged_complaint_redirects_to_the_one_it_joined_and_keeps_its_history(
    staff_client, submit
):
    duplicate, kept = submit(subject="중복"), submit(subject="원본")
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(url(duplicate.reference, "event/"), {
        "event": "merge", "note": "같은 건", "into_reference": kept.reference.lower(),
        "expected_version": version(duplicate.reference)})  # fmt: skip
    assert answer.status_code == 302
    redirected = client.get(url(duplicate.reference))
    assert redirected.status_code == 302 and redirected["Location"] == url(kept.reference)
    html = client.get(redirected["Location"]).content.decode()
    assert f"Complaint {duplicate.reference} was merged into this one" in html
    history = f"{url(duplicate.reference)}?show=history"
    assert f'href="{history}"' in html
    own = client.get(history)
    assert own.status_code == 200
    own_html = own.content.decode()
    assert f"This complaint was merged into {kept.reference}" in own_html
    assert "badge status-merged" in own_html and "중복" in own_html


def test_reopening_needs_a_reason(staff_client, submit, handler):
    from tests.integration.complaints.flow import response

    # Anonymous: this test is about the reason, not the "reopened" email to the complainant.
    reference = investigating(submit, handler, anonymous=True)
    for event, data in (("propose_response", response()),
                        ("communicate_decision", {"method": "letter"}),
                        ("accept", {}), ("close", {})):  # fmt: skip
        from sori.complaints.services.transitions import EventData

        transition_complaint(actor=handler, reference=reference, event=event,
                             data=EventData(**data))  # fmt: skip
    client, _ = staff_client(Role.HANDLER)
    refused = client.post(url(reference, "event/"), {
        "event": "reopen", "note": "", "expected_version": version(reference)})  # fmt: skip
    assert refused.status_code == 400
    assert "Give the reason for reopening the complaint." in refused.content.decode()
    answer = client.post(url(reference, "event/"), {
        "event": "reopen", "note": "새로운 사실 확인", "expected_version": version(reference)})  # fmt: skip
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=reference).status == "investigating"


# ---------------------------------------------------------------- assignment and objectivity (4.7)


def test_assigning_a_named_staff_member_is_refused_with_the_reason(
    staff_client, submit, make_staff
):
    named = make_staff(Role.HANDLER, username="named")
    receipt = submit()
    client, _handler = staff_client(Role.HANDLER)
    assert client.post(url(receipt.reference, "named-staff/"),
                       {"named_staff": [named.user_id]}).status_code == 302  # fmt: skip
    answer = client.post(url(receipt.reference, "assignment/"),
                         {"assignee": named.user_id, "unit": ""})  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "This person is named in the complaint and may not handle it." in html
    assert 'id="assign-errors"' in html
    assert Complaint.objects.get(reference=receipt.reference).assignee_id is None


def test_assigning_someone_who_declared_a_conflict_is_refused(staff_client, submit, make_staff):
    colleague = make_staff(Role.HANDLER, username="colleague")
    receipt = submit()
    client, _ = staff_client(Role.HANDLER)
    client.post(url(receipt.reference, "conflicts/"),
                {"staff": colleague.user_id, "reason": "가족 관계"})  # fmt: skip
    answer = client.post(url(receipt.reference, "assignment/"),
                         {"assignee": colleague.user_id, "unit": ""})  # fmt: skip
    assert answer.status_code == 422
    assert "This person declared a conflict of interest in this complaint." in (
        answer.content.decode()
    )


def test_the_assignee_declaring_a_conflict_is_unassigned(staff_client, submit, make_staff):
    receipt = submit()
    manager_client, _ = staff_client(Role.COMPLAINTS_MANAGER)
    client, me = staff_client(Role.INVESTIGATOR, username="me")
    assert manager_client.post(url(receipt.reference, "assignment/"),
                               {"assignee": me.user_id, "unit": ""}).status_code == 302  # fmt: skip
    assert Complaint.objects.get(reference=receipt.reference).assignee_id == me.user_id
    html = client.get(url(receipt.reference)).content.decode()
    # An investigator may declare only their own conflict (handlers and managers, others' too).
    options = re.findall(r'<select name="staff"[^>]*>(.*?)</select>', html, re.S)[0]
    assert options.count("<option") == 1 and f'value="{me.user_id}"' in options
    answer = client.post(url(receipt.reference, "conflicts/"),
                         {"staff": me.user_id, "reason": "불만제기자가 이웃입니다."})  # fmt: skip
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).assignee_id is None
    entry = AuditEntry.objects.get(action="sori.complaint.conflict_declared")
    assert entry.data["unassigned"] is True and entry.iso_clause == "4.7"


def test_assignment_tells_the_new_handler(staff_client, submit, make_staff):
    from tests.backoffice.workspace.conftest import place

    colleague = place(make_staff(Role.HANDLER, username="colleague"), email="c@sori.test")
    receipt = submit()
    client, _ = staff_client(Role.HANDLER)
    client.post(url(receipt.reference, "assignment/"), {"assignee": colleague.user_id})
    assert OutboundMessage.objects.get(template="assigned").recipient == "c@sori.test"


# ---------------------------------------------------------------- investigation (7.6)


def test_notes_tasks_contacts_and_findings_are_recorded_and_audited(
    staff_client, submit, handler, make_staff
):
    reference = investigating(submit, handler)
    owner = make_staff(Role.INVESTIGATOR, username="owner")
    client, me = staff_client(Role.HANDLER)

    assert client.post(url(reference, "notes/"), {"text": "창고 재고 확인 필요"}).status_code == 302
    assert client.post(url(reference, "tasks/"), {
        "title": "창고 CCTV 확인", "owner": owner.user_id, "due_on": "2030-01-15"}).status_code == 302  # fmt: skip
    task = InvestigationTask.objects.get(complaint__reference=reference)
    assert task.owner_id == owner.user_id and str(task.due_on) == "2030-01-15"
    assert client.post(url(reference, f"tasks/{task.pk}/done/"),
                       {"outcome": "배송 누락 확인"}).status_code == 302  # fmt: skip
    assert client.post(url(reference, "contacts/"), {
        "contacted_at": "2026-01-10T14:30", "method": "phone", "party": "택배사 담당자",
        "summary": "재배송 약속"}).status_code == 302  # fmt: skip
    assert client.post(url(reference, "findings/"), {
        "findings": "택배사 분류 오류", "root_cause": "third-party",
        "root_cause_note": "분류 센터 실수"}).status_code == 302  # fmt: skip

    task.refresh_from_db()
    assert task.done_at is not None and task.outcome == "배송 누락 확인"
    contact = ContactRecord.objects.get(complaint__reference=reference)
    assert contact.party == "택배사 담당자"
    assert contact.contacted_at.isoformat().startswith("2026-01-10T05:30")  # 14:30 in Seoul
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.findings == "택배사 분류 오류" and complaint.root_cause.code == "third-party"
    actions = set(
        AuditEntry.objects.filter(object_id=reference, actor=me.audit_id).values_list(
            "action", flat=True
        )
    )
    assert {
        "sori.complaint.note_added",
        "sori.complaint.task_added",
        "sori.complaint.task_completed",
        "sori.complaint.contact_recorded",
        "sori.complaint.findings_recorded",
    } <= actions

    html = client.get(url(reference)).content.decode()
    assert "창고 CCTV 확인" in html and "택배사 담당자" in html and "택배사 분류 오류" in html
    internal = re.findall(r'<li class="internal">(.*?)</li>', html, re.S)
    assert any("창고 재고 확인 필요" in item for item in internal)


def test_a_note_never_reaches_the_portal_status_page(staff_client, submit, handler):
    receipt = submit()
    reference = receipt.reference
    assess_complaint(actor=handler, reference=reference, data=assessment())
    transition_complaint(actor=handler, reference=reference, event="start_investigation")
    client, _ = staff_client(Role.HANDLER)
    client.post(url(reference, "notes/"), {"text": "비공개 메모 XYZZY"})
    assert ComplaintEvent.objects.filter(kind="note", note="비공개 메모 XYZZY").exists()

    from django.test import Client

    public = Client()
    status = public.post("/en/complaints/status/", {
        "action": "lookup", "reference": reference, "access_code": receipt.access_code})  # fmt: skip
    if status.status_code == 302:
        status = public.get(status["Location"])
    html = status.content.decode()
    assert status.status_code == 200 and reference in html
    assert "XYZZY" not in html


def test_a_bad_task_comes_back_with_what_was_typed(staff_client, submit, handler):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(url(reference, "tasks/"),
                         {"title": "고객에게 회신", "owner": "", "due_on": "next week"})  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'value="고객에게 회신"' in html and 'value="next week"' in html
    assert "Enter a date, for example 2026-03-14." in html
    assert not InvestigationTask.objects.exists()


def test_evidence_keeps_its_hash_and_stays_internal_unless_shared(staff_client, submit, handler):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.HANDLER)
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    answer = client.post(url(reference, "evidence/"), {
        "evidence": SimpleUploadedFile("report.pdf", content, "application/pdf")})  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:3000]
    client.post(url(reference, "evidence/"), {
        "evidence": SimpleUploadedFile("shared.pdf", content, "application/pdf"),
        "share": "on"})  # fmt: skip
    internal = Attachment.objects.get(name="report.pdf")
    shared = Attachment.objects.get(name="shared.pdf")
    assert internal.public is False and shared.public is True
    import hashlib

    assert internal.sha256 == hashlib.sha256(content).hexdigest()
    html = client.get(url(reference)).content.decode()
    assert internal.sha256 in html
    download = client.get(url(reference, f"files/{internal.pk}/"))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content


def test_related_complaints_are_linked_from_the_workspace(staff_client, submit):
    first, second = submit(), submit()
    client, _ = staff_client(Role.HANDLER)
    refused = client.post(url(first.reference, "related/"), {"other": first.reference})
    assert refused.status_code == 422
    assert "A complaint cannot be related to itself." in refused.content.decode()
    assert client.post(url(first.reference, "related/"),
                       {"other": second.reference, "note": "같은 주문"}).status_code == 302  # fmt: skip
    html = client.get(url(second.reference)).content.decode()
    related = html.split('id="ws-related"', 1)[1].split("</section>", 1)[0]
    assert first.reference in related and "같은 주문" in related
    assert (
        client.post(url(second.reference, f"related/{first.reference}/remove/")).status_code == 302
    )
    related = client.get(url(first.reference)).content.decode().split('id="ws-related"')[1]
    assert second.reference not in related.split("</section>")[0]
