"""The configuration in the Django admin: managers and administrators edit it in Korean and
English, auditors read it, every change is in the audit trail (ISO 10002 6.1, 7.5, 8.2, 8.5)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Category, Complaint, LetterTemplate, PriorityRule, RootCause
from sori.core.models import ExternalDisputeBody
from tests.backoffice.workspace.conftest import url, version

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/"
CONFIGURATION = [
    "complaints/priorityrule/",
    "complaints/rootcause/",
    "complaints/lettertemplate/",
    "complaints/category/",
    "core/externaldisputebody/",
]


@pytest.mark.parametrize("role", [Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR, Role.AUDITOR])
def test_configuration_pages_open_for_managers_administrators_and_auditors(staff_client, role):
    client, _ = staff_client(role)
    index = client.get(ADMIN).content.decode()
    for part in CONFIGURATION:
        assert client.get(f"{ADMIN}{part}").status_code == 200, part
        assert f'href="{ADMIN}{part}"' in index, part


def test_a_manager_changes_a_matrix_cell_and_the_next_assessment_follows_it(staff_client, submit):
    manager_client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    cell = PriorityRule.objects.get(severity="medium", impact="high")
    changed = "urgent" if cell.priority != "urgent" else "low"
    answer = manager_client.post(
        f"{ADMIN}complaints/priorityrule/{cell.pk}/change/",
        {"severity": "medium", "impact": "high", "priority": changed, "_save": "Save"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="sori.configuration.changed")
    assert entry.actor == manager.audit_id and entry.iso_clause == "7.5"
    assert entry.object_type == "complaints.priorityrule" and entry.object_id == str(cell.pk)
    assert entry.data["fields"] == {"priority": changed}

    receipt = submit()
    handler_client, _ = staff_client(Role.HANDLER)
    handler_client.post(url(receipt.reference, "assessment/"), {
        "severity": "medium", "safety_risk": "no", "complexity": "low", "impact": "high",
        "immediate_action_needed": "no", "expected_version": version(receipt.reference)})  # fmt: skip
    assert Complaint.objects.get(reference=receipt.reference).priority == changed


def test_a_manager_adds_a_root_cause_in_both_languages_and_it_is_offered(
    staff_client, submit, handler
):
    from sori.complaints.services.escalation import assess_complaint
    from sori.complaints.services.transitions import transition_complaint
    from tests.integration.casework.conftest import assessment

    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    answer = client.post(f"{ADMIN}complaints/rootcause/add/", {
        "code": "courier-sorting", "label_ko": "택배 분류 오류", "label_en": "Courier sorting error",
        "parent": "", "active": "on", "position": "0", "_save": "Save"})  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:3000]
    cause = RootCause.objects.get(code="courier-sorting")
    entry = AuditEntry.objects.get(action="sori.configuration.added")
    assert entry.object_id == str(cause.pk) and entry.data["fields"]["label_ko"] == "택배 분류 오류"

    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    transition_complaint(actor=handler, reference=receipt.reference, event="start_investigation")
    english, _ = staff_client(Role.HANDLER, language="en")
    korean, _ = staff_client(Role.HANDLER, language="ko")
    assert '<option value="courier-sorting">Courier sorting error</option>' in (
        english.get(url(receipt.reference)).content.decode()
    )
    assert '<option value="courier-sorting">택배 분류 오류</option>' in (
        korean.get(url(receipt.reference)).content.decode()
    )


def test_deleting_configuration_is_audited(staff_client):
    client, _ = staff_client(Role.ADMINISTRATOR)
    template = LetterTemplate.objects.create(
        name="임시", language="ko", subject="s", body="{reference}"
    )
    answer = client.post(f"{ADMIN}complaints/lettertemplate/{template.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not LetterTemplate.objects.filter(pk=template.pk).exists()
    entry = AuditEntry.objects.get(action="sori.configuration.deleted")
    assert entry.object_type == "complaints.lettertemplate" and entry.iso_clause == "7.8"


def test_a_category_gets_its_unit_and_an_external_body_its_names(staff_client, unit):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER)
    team = unit("delivery")
    answer = client.post(f"{ADMIN}complaints/category/add/", {
        "code": "late-delivery", "label_ko": "배송 지연", "label_en": "Late delivery",
        "parent": "", "unit": team.pk, "active": "on", "position": "0", "_save": "Save"})  # fmt: skip
    assert answer.status_code == 302
    assert Category.objects.get(code="late-delivery").unit_id == team.pk
    answer = client.post(f"{ADMIN}core/externaldisputebody/add/", {
        "name_ko": "시험 분쟁조정위원회", "name_en": "Test Mediation Board", "description_ko": "",
        "description_en": "", "url": "https://www.kca.go.kr", "phone": "1372",
        "active": "on", "position": "1", "_save": "Save"})  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:3000]
    body = ExternalDisputeBody.objects.get(name_en="Test Mediation Board")
    actions = AuditEntry.objects.filter(action="sori.configuration.added")
    assert {e.object_type for e in actions} == {"complaints.category", "core.externaldisputebody"}
    assert actions.get(object_type="core.externaldisputebody").object_id == str(body.pk)


def test_an_auditor_reads_the_configuration_but_cannot_change_it(staff_client):
    client, _ = staff_client(Role.AUDITOR)
    cell = PriorityRule.objects.first()
    assert cell is not None
    page = client.get(f"{ADMIN}complaints/priorityrule/{cell.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    refused = client.post(f"{ADMIN}complaints/priorityrule/{cell.pk}/change/",
                          {"severity": cell.severity, "impact": cell.impact,
                           "priority": "urgent", "_save": "Save"})  # fmt: skip
    assert refused.status_code == 403
    assert client.get(f"{ADMIN}complaints/rootcause/add/").status_code == 403
    assert PriorityRule.objects.get(pk=cell.pk).priority == cell.priority
    assert not AuditEntry.objects.filter(action__startswith="sori.configuration.").exists()


@pytest.mark.parametrize("role", [Role.HANDLER, Role.INVESTIGATOR, Role.APPROVER])
def test_case_workers_do_not_reach_the_configuration(staff_client, role):
    client, _ = staff_client(role)
    answer = client.get(f"{ADMIN}complaints/priorityrule/")
    # Not admin staff: the admin sends them to sign in as someone who is.
    assert answer.status_code == 302 and "/login/" in answer["Location"]
