"""SLA policies, calendars and timers in the staff admin: audited changes, read-only auditors.

ISO 10002 4.15 and 7.3: the time limits are configuration a complaints manager answers for, so
every change to them — including a stage target edited inline — is in the audit trail (8.5).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.complaints.models import ComplaintType
from sori.sla.models import BusinessCalendar, CalendarDay, SlaPolicy, SlaTarget, Timer
from tests.conftest import PASSWORD

from .conftest import admin_form_data

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/sla"


def signed_in(client, make_staff, role: str) -> None:
    make_staff(role, username=role)
    assert client.login(username=role, password=PASSWORD)


def test_a_manager_edits_a_policy_target_and_the_audit_trail_has_it(client, make_staff):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)
    policy = SlaPolicy.objects.get(code="iso-default")
    url = f"{ADMIN}/slapolicy/{policy.pk}/change/"
    data = admin_form_data(client.get(url))
    decision = SlaTarget.objects.get(policy=policy, stage="decision")
    index = next(
        key.split("-")[1] for key, value in data.items() if key.endswith("-id") and value == str(decision.pk)
    )  # fmt: skip
    data[f"targets-{index}-amount"] = "10"
    data["_save"] = "Save"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    decision.refresh_from_db()
    assert decision.amount == Decimal("10")
    entry = AuditEntry.objects.get(object_type="sla.slatarget", object_id=str(decision.pk))
    assert entry.action == "sori.configuration.changed"
    assert entry.iso_clause == "4.15"
    assert entry.actor_label == "complaints_manager"
    assert entry.data["fields"] == {"amount": "10"}
    assert entry.data["parent"] == {"type": "sla.slapolicy", "id": policy.pk}
    # Only the target that changed is recorded, and the policy's own save too.
    assert AuditEntry.objects.filter(object_type="sla.slatarget").count() == 1
    assert AuditEntry.objects.filter(object_type="sla.slapolicy", object_id=str(policy.pk)).exists()
    assert verify_trail() == []


def test_a_target_added_and_one_deleted_inline_are_both_audited(client, make_staff):
    signed_in(client, make_staff, Role.ADMINISTRATOR)
    policy = SlaPolicy.objects.get(code="us-cfpb")
    url = f"{ADMIN}/slapolicy/{policy.pk}/change/"
    data = admin_form_data(client.get(url))
    first_contact = SlaTarget.objects.get(policy=policy, stage="first_contact")
    index = next(
        key.split("-")[1] for key, value in data.items() if key.endswith("-id") and value == str(first_contact.pk)
    )  # fmt: skip
    data[f"targets-{index}-DELETE"] = "on"
    new = int(data["targets-TOTAL_FORMS"])
    data["targets-TOTAL_FORMS"] = str(new + 1)
    data.update(
        {
            f"targets-{new}-policy": str(policy.pk),
            f"targets-{new}-stage": "acknowledge",
            f"targets-{new}-amount": "1",
            f"targets-{new}-unit": "business_days",
        }
    )
    data["_save"] = "Save"

    response = client.post(url, data)

    assert response.status_code == 302
    assert set(policy.targets.values_list("stage", flat=True)) == {"acknowledge", "decision"}
    entries = {
        entry.action: entry for entry in AuditEntry.objects.filter(object_type="sla.slatarget")
    }
    assert set(entries) == {"sori.configuration.added", "sori.configuration.deleted"}
    assert entries["sori.configuration.deleted"].object_id == str(first_contact.pk)
    assert entries["sori.configuration.added"].data["fields"]["stage"] == "acknowledge"


def test_an_auditor_reads_policies_calendars_and_timers_but_changes_nothing(
    client, make_staff, submit
):
    receipt = submit()
    signed_in(client, make_staff, Role.AUDITOR)
    policy = SlaPolicy.objects.get(code="uk-fca-disp")
    timer = Timer.objects.filter(complaint__reference=receipt.reference).first()
    assert timer is not None

    listing = client.get(f"{ADMIN}/slapolicy/")
    assert listing.status_code == 200
    page = listing.content.decode()
    # Each template names its source in the list.
    assert "uk-fca-disp" in page and "FCA Handbook DISP 1.6.1R" in page
    assert 'name="action"' not in page  # no "use these policies" for a reader
    detail = client.get(f"{ADMIN}/slapolicy/{policy.pk}/change/")
    assert detail.status_code == 200
    assert "handbook.fca.org.uk" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert client.get(f"{ADMIN}/businesscalendar/").status_code == 200
    assert client.get(f"{ADMIN}/timer/").status_code == 200
    assert receipt.reference in client.get(f"{ADMIN}/timer/{timer.pk}/change/").content.decode()

    data = admin_form_data(client.get(f"{ADMIN}/slapolicy/{policy.pk}/change/"))
    data["active"] = "on"
    assert client.post(f"{ADMIN}/slapolicy/{policy.pk}/change/", data).status_code == 403
    forced = client.post(
        f"{ADMIN}/slapolicy/", {"action": "use_policies", "_selected_action": [policy.pk]}
    )
    assert forced.status_code in (302, 200)
    assert client.get(f"{ADMIN}/slapolicy/add/").status_code == 403
    assert client.post(f"{ADMIN}/timer/{timer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert not SlaPolicy.objects.get(pk=policy.pk).active
    assert not AuditEntry.objects.filter(action__startswith="sori.configuration.").exists()


def test_a_handler_cannot_open_the_sla_admin(client, make_staff):
    signed_in(client, make_staff, Role.HANDLER)
    response = client.get(f"{ADMIN}/slapolicy/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_using_a_template_switches_it_on_with_its_complaint_type_and_is_audited(client, make_staff):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)
    policies = SlaPolicy.objects.filter(code__in=["kr-minwon", "kr-minwon-grievance"])

    response = client.post(
        f"{ADMIN}/slapolicy/",
        {"action": "use_policies", "_selected_action": [p.pk for p in policies]},
    )

    assert response.status_code == 302
    assert all(policy.active for policy in policies.all())
    assert ComplaintType.objects.get(code="minwon-grievance").active
    assert not ComplaintType.objects.get(code="minwon-proposal").active
    changed = AuditEntry.objects.filter(action="sori.configuration.changed")
    assert sorted((e.object_type, e.data["fields"]["active"]) for e in changed) == [
        ("complaints.complainttype", True),
        ("sla.slapolicy", True),
        ("sla.slapolicy", True),
    ]

    client.post(
        f"{ADMIN}/slapolicy/",
        {"action": "stop_using_policies", "_selected_action": [p.pk for p in policies]},
    )
    assert not any(policy.active for policy in policies.all())
    assert changed.filter(object_type="sla.slapolicy").count() == 4


def calendar_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Busan office",
        "time_zone": "Asia/Seoul",
        "country": "KR",
        "subdivision": "",
        "hours": json.dumps({"mon": [["09:00", "12:00"], ["13:00", "18:00"]]}),
        "days-TOTAL_FORMS": "0",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ('{"mon": [["18:00", "09:00"]]}', "mon: the shift 18:00–09:00 ends before it starts."),
        (
            '{"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}',
            "mon: the shifts 09:00–13:00 and 12:00–18:00 overlap.",
        ),
        ('{"monday": [["09:00", "18:00"]]}', "Unknown weekday 'monday'"),
        ('{"mon": [["9am", "18:00"]]}', "mon: '9am' is not a time of day"),
        ('[["09:00", "18:00"]]', "Give the hours per weekday"),
        ('{"sat": []}', "The calendar has no working hours"),
        ('{"mon": [["09:00", "18:00"]', "Enter a valid JSON."),
    ],
)
def test_bad_working_hours_give_a_form_error_and_keep_what_was_typed(
    client, make_staff, hours, message
):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)

    response = client.post(
        f"{ADMIN}/businesscalendar/add/", calendar_data(hours=hours), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors["hours"]), errors
    assert hours in response.content.decode().replace("&quot;", '"')
    assert not BusinessCalendar.objects.filter(name="Busan office").exists()


def test_an_unknown_country_or_time_zone_is_a_form_error(client, make_staff):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)

    response = client.post(
        f"{ADMIN}/businesscalendar/add/",
        calendar_data(country="XX", time_zone="Mars/Olympus"),
    )

    errors = response.context["adminform"].form.errors
    assert "country" in errors and "time_zone" in errors


def test_a_calendar_with_a_closure_and_an_extra_working_day_is_saved_and_audited(
    client, make_staff
):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)
    data = calendar_data(
        **{
            "days-TOTAL_FORMS": "2",
            "days-0-date": "2025-05-02",
            "days-0-kind": "closed",
            "days-0-hours": "[]",
            "days-0-note": "창립기념일",
            "days-1-date": "2025-05-03",
            "days-1-kind": "working",
            "days-1-hours": '[["09:00", "13:00"]]',
            "days-1-note": "",
        }
    )

    response = client.post(f"{ADMIN}/businesscalendar/add/", data)

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Busan office")
    assert calendar.hours == {"mon": [["09:00", "12:00"], ["13:00", "18:00"]]}
    assert CalendarDay.objects.filter(calendar=calendar).count() == 2
    entries = AuditEntry.objects.filter(action="sori.configuration.added")
    assert sorted(e.object_type for e in entries) == [
        "sla.businesscalendar",
        "sla.calendarday",
        "sla.calendarday",
    ]
    assert {e.iso_clause for e in entries} == {"7.3"}


def test_an_extra_working_day_needs_valid_hours(client, make_staff):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)
    data = calendar_data(
        **{
            "days-TOTAL_FORMS": "1",
            "days-0-date": "2025-05-03",
            "days-0-kind": "working",
            "days-0-hours": '[["13:00", "09:00"]]',
        }
    )

    response = client.post(f"{ADMIN}/businesscalendar/add/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[0]["hours"] == [
        "2025-05-03: the shift 13:00–09:00 ends before it starts."
    ]
    assert not BusinessCalendar.objects.filter(name="Busan office").exists()
