"""Recording a complaint received by phone, letter, in person or email (ISO 10002 7.2, 7.4)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints import access
from sori.complaints.models import Category, Complaint

pytestmark = pytest.mark.django_db

NEW = "/staff/complaints/new/"
DONE = "/staff/complaints/new/done/"

PHONE_CALL = {
    "channel": "phone",
    "language": "ko",
    "subject": "요금 이중 청구",
    "description": "3월 요금이 두 번 청구되었다고 전화하셨습니다.",
    "category": "",
    "occurred_on": "",
    "occurred_place": "",
    "product_or_service": "인터넷 요금",
    "order_reference": "",
    "desired_remedy": "환불",
    "name": "박서준",
    "email": "",
    "phone": "010-2222-3333",
    "postal_address": "",
    "preferred_contact": "phone",
    "preferred_language": "ko",
    "on_behalf_of": "",
    "representative_relationship": "",
    "assistance_needs": "오후에만 통화 가능",
}


def test_a_complaint_taken_by_phone_is_recorded_and_the_access_code_shown_once(staff_client):
    client, handler = staff_client(Role.HANDLER)
    answer = client.post(NEW, PHONE_CALL)
    assert answer.status_code == 302 and answer["Location"] == DONE
    complaint = Complaint.objects.get()
    assert complaint.channel == "phone" and complaint.received_by_id == handler.user_id
    assert complaint.status == "acknowledged"
    assert complaint.complainant.phone == "010-2222-3333"
    assert complaint.assistance_needs == "오후에만 통화 가능"
    entry = AuditEntry.objects.get(action="sori.complaint.received", object_id=complaint.reference)
    assert entry.actor == handler.audit_id and entry.data["channel"] == "phone"

    shown = client.get(DONE)
    html = shown.content.decode()
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    code = html.split('id="receipt-access-code">', 1)[1].split("<", 1)[0]
    assert access.matches(complaint.reference, code, complaint.access_code_hash)
    assert complaint.reference in html
    assert f'href="/staff/complaints/{complaint.reference}/"' in html

    again = client.get(DONE).content.decode()
    assert code not in again and "not shown again" in again
    # The workspace shows who recorded it and how it came in.
    workspace = client.get(f"/staff/complaints/{complaint.reference}/").content.decode()
    assert "Phone" in workspace and "recorded by" in workspace


def test_a_complaint_on_behalf_of_someone_keeps_the_person_and_the_relationship(staff_client):
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(NEW, {**PHONE_CALL, "channel": "letter", "preferred_contact": "letter",
                               "postal_address": "서울시 종로구 1", "on_behalf_of": "박민수",
                               "representative_relationship": "아버지"})  # fmt: skip
    assert answer.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "letter"
    assert complaint.on_behalf_of == "박민수" and complaint.representative_relationship == "아버지"
    html = client.get(f"/staff/complaints/{complaint.reference}/").content.decode()
    assert "On behalf of 박민수 (아버지)." in html


def test_on_behalf_of_someone_without_the_relationship_keeps_what_was_typed(staff_client):
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(NEW, {**PHONE_CALL, "on_behalf_of": "박민수"})
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "say how you are related to them" in html
    assert 'value="박민수"' in html and "3월 요금이 두 번 청구되었다고" in html
    assert not Complaint.objects.exists()


def test_bad_input_keeps_everything_typed_and_explains_in_korean(staff_client):
    client, _ = staff_client(Role.HANDLER, language="ko")
    answer = client.post(NEW, {**PHONE_CALL, "description": "", "email": "not-an-email"})
    html = answer.content.decode()
    assert answer.status_code == 400 and '<html lang="ko">' in html
    assert 'id="intake-errors"' in html
    assert "올바른 이메일 주소를 입력하십시오." in html
    assert 'value="박서준"' in html and 'value="010-2222-3333"' in html
    assert 'value="not-an-email"' in html and "오후에만 통화 가능" in html
    assert not Complaint.objects.exists()


def test_the_category_tree_is_offered_in_the_current_language_and_routes_the_complaint(
    staff_client, unit
):
    billing = unit("billing")
    parent = Category.objects.create(code="billing", label_ko="요금", label_en="Billing")
    Category.objects.create(code="billing-double", label_ko="이중 청구", label_en="Charged twice",
                            parent=parent, unit=billing)  # fmt: skip
    client, _ = staff_client(Role.HANDLER, unit=billing)
    html = client.get(NEW).content.decode()
    assert '<option value="billing">Billing</option>' in html
    assert '<option value="billing-double">— Charged twice</option>' in html
    client.post(NEW, {**PHONE_CALL, "category": "billing-double"})
    assert Complaint.objects.get().unit_id == billing.pk


def test_an_anonymous_caller_gives_no_contact_details(staff_client):
    client, _ = staff_client(Role.HANDLER)
    answer = client.post(NEW, {**PHONE_CALL, "anonymous": "on", "name": "", "phone": ""})
    assert answer.status_code == 302
    assert Complaint.objects.get().complainant is None


@pytest.mark.parametrize("role", [Role.APPROVER, Role.AUDITOR, Role.TOP_MANAGEMENT])
def test_roles_that_do_not_handle_complaints_cannot_record_one(staff_client, role):
    client, _ = staff_client(role)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, PHONE_CALL).status_code == 403
    assert not Complaint.objects.exists()


def test_the_intake_page_is_in_the_menu_for_handlers(staff_client):
    client, _ = staff_client(Role.HANDLER)
    assert 'href="/staff/complaints/new/"' in client.get("/staff/queue/").content.decode()
