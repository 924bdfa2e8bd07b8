"""The internal-audit pages (ISO 10002 8.5) and the printable case file (R-AX.3)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Complaint
from sori.complaints.services.assignment import assign_complaint
from sori.governance.models import AuditSample, ChecklistResult, InternalAudit
from sori.governance.services import audit_samples
from tests.integration.governance.audits.helpers import planned, started, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


def test_a_planner_plans_an_audit_from_the_list_page(staff_client, make_staff):
    client, _planner = staff_client(Role.COMPLAINTS_MANAGER)
    auditor = make_staff(Role.INVESTIGATOR)

    page = client.get("/staff/audits/")
    assert page.status_code == 200 and b"Plan an audit" in page.content
    response = client.post(
        "/staff/audits/new/",
        {
            "title": "Q1 audit",
            "scope_from": "2026-01-01",
            "scope_to": today().isoformat(),
            "auditor": auditor.user_id,
            "planned_on": today().isoformat(),
        },
    )

    audit = InternalAudit.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{audit.reference}/")
    detail = client.get(f"/staff/audits/{audit.reference}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Receipt of complaint" in body and "Guiding principles: general" in body


def test_a_bad_plan_is_shown_again_with_what_was_typed(staff_client):
    client, _planner = staff_client(Role.TOP_MANAGEMENT)

    response = client.post(
        "/staff/audits/new/",
        {"title": "Kept title", "scope_from": "2026-02-01", "scope_to": "2026-01-01"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Kept title" in body and "must not be before its start" in body


def test_the_auditor_role_reads_every_audit_page_and_every_post_is_refused(
    staff_client, manager, make_staff, submit
):
    named = make_staff(Role.INVESTIGATOR)
    reference = submit().reference
    audit = started(manager, named)
    audit_samples.add_sample(actor=named, reference=audit.reference, complaint_reference=reference)
    client, _auditor = staff_client(Role.AUDITOR)
    base = f"/staff/audits/{audit.reference}/"

    for path in (
        "/staff/audits/",
        base,
        f"{base}samples/{reference}/",
        f"/staff/complaints/{reference}/case-file/",
    ):
        assert client.get(path).status_code == 200, path
    item = audit.checklist.first()
    posts = {
        "/staff/audits/new/": {"title": "x"},
        "/staff/audits/programmes/new/": {"title": "x"},
        f"{base}start/": {},
        f"{base}checklist/": {"item": item.pk, "result": ChecklistResult.CONFORMS},
        f"{base}draw/": {"size": 1},
        f"{base}samples/add/": {"complaint": reference},
        f"{base}samples/{reference}/": {"note": "x"},
        f"{base}findings/": {"kind": "observation", "description": "x"},
        f"{base}complete/": {"conclusion": "x"},
    }
    for path, data in posts.items():
        assert client.post(path, data).status_code == 403, path
    item.refresh_from_db()
    assert item.result == ChecklistResult.NOT_CHECKED
    assert not AuditSample.objects.filter(note="x").exists()


def test_a_handler_who_is_not_the_auditor_is_refused(staff_client, manager, make_staff):
    audit = planned(manager, make_staff(Role.INVESTIGATOR))
    client, _handler = staff_client(Role.HANDLER)

    assert client.get("/staff/audits/").status_code == 403
    assert client.get(f"/staff/audits/{audit.reference}/").status_code == 403
    assert client.post(f"/staff/audits/{audit.reference}/start/").status_code == 403
    audit.refresh_from_db()
    assert audit.status == "planned"


def test_the_named_auditor_carries_out_the_audit_through_the_pages(staff_client, manager, submit):
    client, auditor = staff_client(Role.HANDLER)
    reference = submit().reference
    audit = planned(manager, auditor)
    base = f"/staff/audits/{audit.reference}/"

    assert client.get("/staff/audits/").status_code == 200
    assert client.post(f"{base}start/").status_code == 302
    item = audit.checklist.get(clause="7.4")
    assert (
        client.post(
            f"{base}checklist/", {"item": item.pk, "result": "conforms", "note": "seen"}
        ).status_code
        == 302
    )
    assert client.post(f"{base}draw/", {"size": 5}).status_code == 302
    assert AuditSample.objects.filter(audit=audit, complaint__reference=reference).exists()
    assert (
        client.post(f"{base}samples/{reference}/", {"note": "Read end to end."}).status_code == 302
    )
    response = client.post(
        f"{base}findings/",
        {
            "kind": "nonconformity",
            "clause": "7.4",
            "complaint": reference,
            "description": "No acknowledgement.",
        },
    )
    assert response.status_code == 302
    detail = client.get(base).content.decode()
    assert "IA-" in detail

    incomplete = client.post(f"{base}complete/", {"conclusion": "Done"})
    assert incomplete.status_code == 422 and "Not checked yet" in incomplete.content.decode()
    audit.checklist.exclude(pk=item.pk).update(result=ChecklistResult.NOT_APPLICABLE)
    assert client.post(f"{base}complete/", {"conclusion": "Done"}).status_code == 302
    stale = client.post(f"{base}draw/", {"size": 1}, follow=True)
    assert stale.status_code == 200 and "completed" in stale.content.decode()


def test_adding_a_complaint_the_auditor_handled_shows_a_clear_refusal(
    staff_client, manager, submit
):
    client, auditor = staff_client(Role.HANDLER)
    reference = submit().reference
    assign_complaint(actor=manager, reference=reference, assignee_id=auditor.user_id)
    audit = started(manager, auditor)

    response = client.post(
        f"/staff/audits/{audit.reference}/samples/add/", {"complaint": reference}
    )

    assert response.status_code == 422
    assert "independently" in response.content.decode()
    assert reference in response.content.decode()  # what was typed stays


def test_the_case_file_page_masks_the_complainant_and_marks_gaps(staff_client, submit):
    reference = submit().reference
    client, _auditor = staff_client(Role.AUDITOR)

    body = client.get(f"/staff/complaints/{reference}/case-file/").content.decode()

    for real in ("김민지", "minji@example.kr", "010-1234-5678"):
        assert real not in body
    assert "김*지" in body and "Not recorded" in body and "@media print" in body
    positions = [
        body.index(f'id="stage-{key}"')
        for key in (
            "receipt",
            "acknowledgement",
            "assessment",
            "investigation",
            "decision",
            "reaction",
            "closure",
        )
    ]
    assert positions == sorted(positions)


def test_the_case_file_follows_the_complaint_read_policy(staff_client, submit, unit):
    reference = submit().reference
    Complaint.objects.filter(reference=reference).update(unit=unit("south"))
    client, _handler = staff_client(Role.HANDLER, unit=unit("north"))

    assert client.get(f"/staff/complaints/{reference}/case-file/").status_code == 404


def test_the_workspace_links_to_the_case_file(staff_client, submit):
    reference = submit().reference
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)

    body = client.get(f"/staff/complaints/{reference}/").content.decode()

    assert f"/staff/complaints/{reference}/case-file/" in body


def test_an_auditor_from_another_unit_reads_the_sampled_case_file(
    staff_client, manager, submit, unit
):
    reference = submit().reference
    Complaint.objects.filter(reference=reference).update(unit=unit("south"))
    client, auditor = staff_client(Role.HANDLER, unit=unit("north"))
    audit = started(manager, auditor)
    audit_samples.add_sample(
        actor=auditor, reference=audit.reference, complaint_reference=reference
    )

    page = client.get(f"/staff/audits/{audit.reference}/samples/{reference}/")

    assert page.status_code == 200 and "minji@example.kr" not in page.content.decode()
    # Outside the audit the complaint is still out of their scope.
    assert client.get(f"/staff/complaints/{reference}/case-file/").status_code == 404


def test_the_audit_page_warns_when_the_auditor_belongs_to_the_audited_unit(
    staff_client, manager, unit
):
    north = unit("north")
    client, auditor = staff_client(Role.INVESTIGATOR, unit=north)
    audit = planned(manager, auditor, unit_id=north.pk)

    body = client.get(f"/staff/audits/{audit.reference}/").content.decode()

    assert "belongs to the unit this audit covers" in body
