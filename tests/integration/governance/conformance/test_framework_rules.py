"""Evidence rules for policy, commitment, roles, objectives and competence: present, stale,
missing on seeded data (ISO 10002 4.2, 4.14, 5.2–5.4, 6.2, 6.4). Dates: see ``seed``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from sori.accounts.models import Role, Unit
from sori.complaints.models import Category
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.governance.conformance import conformance_map
from sori.governance.models import (
    Appointment,
    Course,
    Duty,
    Objective,
    PolicyAcknowledgement,
    TrainingRecord,
    TrainingRequirement,
)
from tests.backoffice.workspace.conftest import place
from tests.integration.governance.conformance.seed import (
    FOURTEEN_MONTHS_AGO,
    LAST_MONTH,
    TODAY,
    policy,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_today():
    # The summaries are read in English (Korean is the default language).
    with clock.frozen_at(TODAY), translation.override("en"):
        yield


@pytest.fixture
def top(make_staff):
    return make_staff(Role.TOP_MANAGEMENT)


def evidence(key: str, viewer=SYSTEM):  # type: ignore[no-untyped-def]
    return next(row for row in conformance_map(viewer=viewer).rows if row.clause.key == key)


def test_policy_evidence_is_missing_without_an_approved_version():
    for key in ("4.2", "5.2", "5.3"):
        assert evidence(key).status == "missing"


def test_policy_approved_by_top_management_last_month_is_present(top):
    policy(top, LAST_MONTH)
    found = evidence("4.2")
    assert found.status == "present"
    assert "v1" in found.summary and "2026-02-10" in found.summary
    assert [(link.name, link.args) for link in found.links] == [
        ("policy", ()),
        ("policy-version", (1,)),
    ]


def test_policy_approved_fourteen_months_before_the_period_end_is_stale(top):
    policy(top, FOURTEEN_MONTHS_AGO)
    assert evidence("4.2").status == "stale"


def test_policy_not_approved_by_top_management_counts_as_missing(make_staff):
    policy(make_staff(Role.COMPLAINTS_MANAGER), LAST_MONTH)
    assert evidence("4.2").status == "missing"


def test_policy_known_to_too_few_staff_is_short_and_to_most_is_present(top, make_staff):
    version = policy(top, LAST_MONTH)
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    make_staff(Role.AUDITOR)  # reads the policy, is not asked to acknowledge it
    PolicyAcknowledgement.objects.create(policy=version, user=user(top), acknowledged_at=TODAY)
    found = evidence("5.3")
    assert found.status == "stale"
    assert "50.0%" in found.summary
    PolicyAcknowledgement.objects.create(policy=version, user=user(manager),
                                         acknowledged_at=TODAY)  # fmt: skip
    assert evidence("5.3").status == "present"


def test_roles_missing_without_representative_short_with_gaps_present_without(top, make_staff):
    assert evidence("5.4").status == "missing"
    appoint = {"starts_on": dt.date(2025, 1, 1), "appointed_by": user(top), "appointed_at": TODAY}
    representative = make_staff(Role.COMPLAINTS_MANAGER, username="rep")
    Appointment.objects.create(duty=Duty.REPRESENTATIVE, user=user(representative), **appoint)
    found = evidence("5.4")
    assert found.status == "stale"
    assert found.details["representative"] == "rep"
    assert "No deputy representative is appointed." in found.details["gaps"]
    # The role matrix's gaps: no handler, nobody to audit (the manager approves within a limit).
    Appointment.objects.create(duty=Duty.DEPUTY, user=user(make_staff(Role.HANDLER)), **appoint)
    assert evidence("5.4").status == "stale"
    make_staff(Role.AUDITOR)
    found = evidence("5.4")
    assert found.status == "present", found.details


def test_an_appointment_ended_before_the_period_end_does_not_count(top, make_staff):
    Appointment.objects.create(
        duty=Duty.REPRESENTATIVE, user=user(make_staff(Role.COMPLAINTS_MANAGER)),
        starts_on=dt.date(2024, 1, 1), ended_on=dt.date(2025, 6, 30), appointed_at=TODAY,
    )  # fmt: skip
    assert evidence("5.4").status == "missing"


def objective(owner, start: dt.date, end: dt.date) -> Objective:  # type: ignore[no-untyped-def]
    return Objective.objects.create(
        title=f"Acknowledge on time {start.year}", kpi_code="acknowledged_on_time",
        target=Decimal("95"), period_from=start, period_to=end, owner=user(owner),
        created_at=TODAY,
    )  # fmt: skip


def test_objectives_missing_stale_when_ended_and_present_when_covering_the_period(top, submit):
    assert evidence("6.2").status == "missing"
    objective(top, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert evidence("6.2").status == "stale"
    objective(top, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    submit()
    found = evidence("6.2")
    assert found.status == "present"
    assert found.summary.startswith("2 ")


def test_objectives_are_read_for_the_command_line_and_for_an_auditor(top, make_staff):
    objective(top, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    auditor = make_staff(Role.AUDITOR)
    assert evidence("6.2", viewer=auditor).status == evidence("6.2").status == "present"


@pytest.fixture
def required_course(db):  # type: ignore[no-untyped-def]
    north = Unit.objects.create(code="north", name_ko="북부", name_en="North")
    billing = Category.objects.create(code="billing", label_ko="요금", label_en="Billing",
                                      unit=north)  # fmt: skip
    course = Course.objects.create(code="iso10002", name_ko="기초", name_en="Basics",
                                   valid_months=12)  # fmt: skip
    TrainingRequirement.objects.create(category=billing, course=course)
    return north, course


def test_competence_missing_without_requirement_or_record():
    assert evidence("6.4").status == "missing"
    assert evidence("4.14").status == "missing"


def test_competence_short_when_a_case_worker_lacks_a_current_required_course(
    required_course, make_staff
):
    north, course = required_course
    worker = place(make_staff(Role.HANDLER), unit=north)
    TrainingRecord.objects.create(
        user=user(worker), course=course, hours=Decimal("4"), completed_on=dt.date(2024, 1, 5),
        expires_on=dt.date(2025, 1, 5), recorded_at=TODAY,
    )  # fmt: skip
    found = evidence("6.4")
    assert found.status == "stale"
    assert "0 of 1" in found.summary


def test_competence_present_when_case_workers_hold_the_required_course(required_course, make_staff):
    north, course = required_course
    worker = place(make_staff(Role.HANDLER), unit=north)
    TrainingRecord.objects.create(
        user=user(worker), course=course, hours=Decimal("4"), completed_on=dt.date(2026, 1, 5),
        expires_on=dt.date(2027, 1, 5), recorded_at=TODAY,
    )  # fmt: skip
    assert evidence("6.4").status == evidence("4.14").status == "present"
