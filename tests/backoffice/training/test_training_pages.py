"""The training pages and the assignment warning (ISO 10002 6.4; 2018: 4.14)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Category, Complaint
from sori.core import clock
from sori.governance.models import Course, Enforcement, TrainingRecord, TrainingRequirement
from tests.backoffice.workspace.conftest import htmx, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    return Course.objects.create(
        code="listening", name_ko="경청", name_en="Active listening", valid_months=12
    )


def _record(user_id, course, completed_on=dt.date(2026, 1, 10), hours="3"):
    return TrainingRecord.objects.create(
        user_id=user_id,
        course=course,
        hours=Decimal(hours),
        completed_on=completed_on,
        recorded_at=clock.now(),
    )


def test_a_handler_sees_only_their_own_training_records(staff_client, make_staff, course):
    client, me = staff_client(Role.HANDLER, username="me")
    other = make_staff(Role.HANDLER, username="other")
    _record(me.user_id, course)
    _record(other.user_id, course)
    html = client.get("/staff/training/").content.decode()
    assert f'data-user="{me.user_id}"' in html and f'data-user="{other.user_id}"' not in html
    assert 'id="requirements"' not in html
    assert client.get(f"/staff/training/{me.user_id}/").status_code == 200
    assert client.get(f"/staff/training/{other.user_id}/").status_code == 404


def test_an_overseer_sees_everyone_per_year(staff_client, make_staff, course):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    ana = make_staff(Role.HANDLER, username="ana")
    _record(ana.user_id, course, dt.date(2025, 5, 1), "2")
    _record(ana.user_id, course, dt.date(2026, 1, 10), "1.5")
    html = client.get("/staff/training/?year=2025").content.decode()
    row = re.search(rf'data-user="{ana.user_id}".*?</tr>', html, re.S).group(0)
    assert 'data-hours="2.0"' in row
    assert client.get("/staff/training/?year=abc").status_code == 400


def test_a_keeper_records_training_and_bad_input_keeps_what_was_typed(
    staff_client, make_staff, course
):
    client, _admin = staff_client(Role.ADMINISTRATOR)
    person = make_staff(Role.HANDLER)
    path = f"/staff/training/{person.user_id}/"
    bad = client.post(
        path + "add/",
        {"course": course.pk, "hours": "0", "completed_on": "2026-01-10", "note": "workshop B"},
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "The hours must be more than zero." in html and "workshop B" in html
    good = client.post(
        path + "add/", {"course": course.pk, "hours": "2.5", "completed_on": "2026-01-10"}
    )
    assert good.status_code == 302
    entry = TrainingRecord.objects.get()
    assert entry.expires_on == dt.date(2027, 1, 10)
    deleted = client.post(f"{path}records/{entry.pk}/delete/", {"reason": "wrong person"})
    assert deleted.status_code == 302 and not TrainingRecord.objects.exists()


def test_the_auditor_reads_training_pages_and_every_post_is_refused(
    staff_client, make_staff, course
):
    client, _auditor = staff_client(Role.AUDITOR)
    person = make_staff(Role.HANDLER)
    entry = _record(person.user_id, course)
    assert client.get("/staff/training/").status_code == 200
    page = client.get(f"/staff/training/{person.user_id}/")
    assert page.status_code == 200 and "Record training" not in page.content.decode()
    data = {"course": course.pk, "hours": "1", "completed_on": "2026-01-10"}
    assert client.post(f"/staff/training/{person.user_id}/add/", data).status_code == 403
    assert (
        client.post(f"/staff/training/{person.user_id}/records/{entry.pk}/delete/", {}).status_code
        == 403
    )
    assert TrainingRecord.objects.count() == 1


@pytest.fixture
def loans(course):
    parent = Category.objects.create(code="t-finance", label_ko="금융", label_en="Finance")
    child = Category.objects.create(
        code="t-loans", label_ko="대출", label_en="Loans", parent=parent
    )
    block = Course.objects.create(code="privacy", name_ko="개인정보 보호", name_en="Privacy basics")
    TrainingRequirement.objects.create(category=parent, course=block, enforcement=Enforcement.BLOCK)
    TrainingRequirement.objects.create(category=child, course=course, enforcement=Enforcement.WARN)
    return {"block": block, "warn": course}


def test_assigning_without_the_blocking_course_is_refused_naming_it(
    staff_client, make_staff, submit, loans
):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    reference = submit(category="t-loans").reference
    answer = client.post(url(reference, "assignment/"), {"assignee": person.user_id, "unit": ""})
    assert answer.status_code == 422
    assert "Privacy basics" in answer.content.decode()
    assert Complaint.objects.get(reference=reference).assignee_id is None


def test_assigning_with_only_a_warning_course_missing_shows_the_warning(
    staff_client, make_staff, submit, loans
):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER, username="newcomer")
    _record(person.user_id, loans["block"], completed_on=clock.now().date())
    reference = submit(category="t-loans").reference
    answer = client.post(
        url(reference, "assignment/"), {"assignee": person.user_id, "unit": ""}, follow=True
    )
    html = answer.content.decode()
    assert Complaint.objects.get(reference=reference).assignee_id == person.user_id
    assert 'class="message warning"' in html
    assert "newcomer lacks training this category asks for: Active listening." in html
    # Through htmx the warning is in the status line that comes back with the panel.
    second = submit(category="t-loans").reference
    panel = htmx(client, url(second, "assignment/"), {"assignee": person.user_id, "unit": ""})
    assert "Active listening" in panel.content.decode()


def test_a_current_record_means_no_warning(staff_client, make_staff, submit, loans):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    for course in loans.values():
        _record(person.user_id, course, completed_on=clock.now().date())
    reference = submit(category="t-loans").reference
    answer = client.post(
        url(reference, "assignment/"), {"assignee": person.user_id, "unit": ""}, follow=True
    )
    assert Complaint.objects.get(reference=reference).assignee_id == person.user_id
    assert 'class="message warning"' not in answer.content.decode()


def test_a_keeper_corrects_a_record_and_a_forged_record_id_is_not_found(
    staff_client, make_staff, course
):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    other = make_staff(Role.HANDLER)
    entry = _record(person.user_id, course)
    path = f"/staff/training/{person.user_id}/records/{entry.pk}/"
    assert client.get(path).status_code == 200
    data = {"course": course.pk, "hours": "6", "completed_on": "2026-01-10", "expires_on": ""}
    bad = client.post(path, {**data, "completed_on": "soon"})
    assert bad.status_code == 400 and 'value="6"' in bad.content.decode()
    assert client.post(path, data).status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("6.0") and entry.expires_on == dt.date(2027, 1, 10)
    assert client.get(f"/staff/training/{other.user_id}/records/{entry.pk}/").status_code == 404
    handler_client, _ = staff_client(Role.HANDLER)
    assert handler_client.post(path, data).status_code == 403


def test_courses_and_requirements_are_configured_in_the_admin_and_audited(staff_client, course):
    manager, _ = staff_client(Role.COMPLAINTS_MANAGER)
    auditor, _ = staff_client(Role.AUDITOR)
    assert manager.get("/staff/admin/governance/trainingrequirement/add/").status_code == 200
    answer = manager.post(
        "/staff/admin/governance/course/add/",
        {
            "code": "escalation",
            "name_ko": "이관",
            "name_en": "Escalation",
            "valid_months": "24",
            "active": "on",
        },
    )
    assert answer.status_code == 302 and Course.objects.filter(code="escalation").exists()
    from sori.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="sori.configuration.added", iso_clause="6.4").exists()
    assert auditor.get("/staff/admin/governance/course/").status_code == 200
    assert auditor.get("/staff/admin/governance/course/add/").status_code == 403
    # Records are evidence: nobody edits them in the admin.
    assert manager.get("/staff/admin/governance/trainingrecord/add/").status_code == 403
