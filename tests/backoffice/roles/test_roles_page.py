"""The roles page: holders, RACI, gaps and appointments (ISO 10002 5.4; KS 5.3)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.governance.models import Appointment, Duty
from sori.governance.services.appointments import appoint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_every_staff_role_reads_the_roles_page(staff_client, role):
    client, _actor = staff_client(role)
    answer = client.get("/staff/roles/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="raci"' in html and 'data-activity="review"' in html
    # Nobody is appointed yet: the page says so.
    assert 'data-gap="representative"' in html
    assert ("roles-appoint" in html or 'action="/staff/roles/appoint/"' in html) == (
        role in {Role.TOP_MANAGEMENT, Role.ADMINISTRATOR}
    )


def test_top_management_appoints_the_representative_through_the_page(staff_client, make_staff):
    client, _top = staff_client(Role.TOP_MANAGEMENT)
    manager = make_staff(Role.COMPLAINTS_MANAGER, username="rep")
    answer = client.post(
        "/staff/roles/appoint/", {"duty": Duty.REPRESENTATIVE, "user": manager.user_id}
    )
    assert answer.status_code == 302
    html = client.get("/staff/roles/").content.decode()
    assert "The appointment is recorded." in html
    assert 'data-gap="representative"' not in html
    assert AuditEntry.objects.filter(action="sori.appointment.made").count() == 1


def test_a_bad_appointment_comes_back_with_the_error_and_what_was_typed(staff_client):
    client, _top = staff_client(Role.ADMINISTRATOR)
    answer = client.post(
        "/staff/roles/appoint/", {"duty": Duty.DEPUTY, "user": "", "note": "board minutes 3/2026"}
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Choose who is appointed." in html and "board minutes 3/2026" in html
    assert not Appointment.objects.exists()


def test_ending_an_appointment_through_the_page(staff_client, make_staff):
    client, top = staff_client(Role.TOP_MANAGEMENT)
    deputy = make_staff(Role.HANDLER, username="deputy")
    made = appoint(actor=top, duty=Duty.DEPUTY, user_id=deputy.user_id)
    assert (
        client.post(f"/staff/roles/appointments/{made.pk}/end/", {"ended_on": ""}).status_code
        == 302
    )
    assert Appointment.objects.get(pk=made.pk).ended_on is not None
    # Ending it again, or a made-up id, is refused with a message, never a 500.
    for pk in (made.pk, 999_999):
        answer = client.post(f"/staff/roles/appointments/{pk}/end/", {}, follow=True)
        assert answer.status_code == 200
        assert 'class="message error"' in answer.content.decode()


def test_the_auditor_reads_but_every_post_is_refused(staff_client, make_staff):
    client, _auditor = staff_client(Role.AUDITOR)
    top = make_staff(Role.TOP_MANAGEMENT)
    made = appoint(actor=top, duty=Duty.DEPUTY, user_id=top.user_id)
    assert client.get("/staff/roles/").status_code == 200
    assert (
        client.post("/staff/roles/appoint/", {"duty": Duty.DEPUTY, "user": top.user_id}).status_code
        == 403
    )
    assert client.post(f"/staff/roles/appointments/{made.pk}/end/", {}).status_code == 403
    assert Appointment.objects.get().ended_on is None
