"""Recording, correcting and deleting training; hours per person and year (ISO 10002 6.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.services.assignment import assign_complaint
from sori.core import clock
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.governance.models import TrainingRecord
from sori.governance.services.training import (
    TrainingInput,
    correct_training,
    delete_training,
    record_training,
)
from sori.governance.training import person_training, training_overview
from tests.integration.governance.training.conftest import NOW

pytestmark = pytest.mark.django_db


def _input(user_id, course, *, hours="3.5", completed_on=dt.date(2026, 2, 1), **extra):
    return TrainingInput(
        user_id=user_id,
        course_id=course.pk,
        hours=Decimal(hours),
        completed_on=completed_on,
        **extra,
    )


def test_recording_training_defaults_the_expiry_from_the_course_and_is_audited(courses, make_staff):
    keeper = make_staff(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    with clock.frozen_at(NOW):
        entry = record_training(
            actor=keeper,
            data=_input(person.user_id, courses["privacy"], completed_on=dt.date(2024, 2, 29)),
        )
        forever = record_training(actor=keeper, data=_input(person.user_id, courses["listening"]))
    assert entry.expires_on == dt.date(2025, 2, 28)
    assert forever.expires_on is None
    audit = AuditEntry.objects.get(action="sori.training.recorded", object_id=str(entry.pk))
    assert audit.iso_clause == "4.14" and audit.data["hours"] == "3.5"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"hours": "0"}, "hours_not_positive"),
        ({"hours": "-2"}, "hours_not_positive"),
        ({"hours": "201"}, "hours_too_many"),
        ({"hours": "1.25"}, "hours_precision"),
        ({"completed_on": dt.date(2026, 3, 11)}, "completed_in_future"),
        ({"expires_on": dt.date(2026, 1, 1)}, "expires_before_completion"),
    ],
)
def test_implausible_training_is_refused(courses, make_staff, changes, code):
    keeper = make_staff(Role.ADMINISTRATOR)
    person = make_staff(Role.HANDLER)
    with clock.frozen_at(NOW), pytest.raises(InvalidInput) as refused:
        record_training(actor=keeper, data=_input(person.user_id, courses["privacy"], **changes))
    assert refused.value.code == code
    assert not TrainingRecord.objects.exists()


def test_only_keepers_record_training(courses, make_staff):
    person = make_staff(Role.HANDLER)
    for role in (Role.AUDITOR, Role.TOP_MANAGEMENT, Role.HANDLER):
        with clock.frozen_at(NOW), pytest.raises(Forbidden):
            record_training(actor=make_staff(role), data=_input(person.user_id, courses["privacy"]))


def test_correcting_and_deleting_a_record_are_audited(courses, make_staff):
    keeper = make_staff(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    with clock.frozen_at(NOW):
        entry = record_training(actor=keeper, data=_input(person.user_id, courses["privacy"]))
        correct_training(
            actor=keeper,
            record_id=entry.pk,
            data=_input(person.user_id, courses["privacy"], hours="4"),
        )
        with pytest.raises(NotFound):
            delete_training(actor=keeper, record_id=entry.pk, user_id=keeper.user_id)
        delete_training(actor=keeper, record_id=entry.pk, user_id=person.user_id, reason="dup")
    corrected = AuditEntry.objects.get(action="sori.training.corrected")
    assert corrected.data["changed"] == {"hours": {"from": "3.5", "to": "4.0"}}
    deleted = AuditEntry.objects.get(action="sori.training.deleted")
    assert deleted.data["course"] == "privacy" and deleted.data["reason"] == "dup"
    assert not TrainingRecord.objects.exists()


def test_totals_per_person_and_year_are_exact(courses, make_staff):
    keeper = make_staff(Role.COMPLAINTS_MANAGER, username="keeper")
    ana = make_staff(Role.HANDLER, username="ana")
    bo = make_staff(Role.HANDLER, username="bo")
    with clock.frozen_at(NOW):
        for user, hours, day in [
            (ana, "2.5", dt.date(2025, 12, 31)),
            (ana, "1.5", dt.date(2026, 1, 1)),
            (ana, "4", dt.date(2026, 3, 10)),
            (bo, "7", dt.date(2025, 6, 1)),
        ]:
            record_training(
                actor=keeper,
                data=_input(user.user_id, courses["listening"], hours=hours, completed_on=day),
            )
        this_year = training_overview(viewer=keeper, year=2026)
        last_year = training_overview(viewer=keeper, year=2025)
    hours_2026 = {t.name: (t.hours, t.records) for t in this_year.totals}
    hours_2025 = {t.name: (t.hours, t.records) for t in last_year.totals}
    assert hours_2026["ana"] == (Decimal("5.5"), 2) and hours_2026["bo"] == (Decimal("0.0"), 0)
    assert hours_2025["ana"] == (Decimal("2.5"), 1) and hours_2025["bo"] == (Decimal("7"), 1)
    assert this_year.years == [2026, 2025]


def test_a_handler_sees_only_their_own_training(courses, make_staff):
    keeper = make_staff(Role.COMPLAINTS_MANAGER)
    me = make_staff(Role.HANDLER, username="me")
    other = make_staff(Role.HANDLER, username="other")
    with clock.frozen_at(NOW):
        record_training(actor=keeper, data=_input(other.user_id, courses["privacy"]))
        mine = training_overview(viewer=me, year=2026)
        assert [t.name for t in mine.totals] == ["me"] and mine.requirements == []
        assert person_training(viewer=me, user_id=me.user_id).records == []
        with pytest.raises(NotFound):
            person_training(viewer=me, user_id=other.user_id)


def test_the_overview_names_assignees_lacking_a_required_course(
    requirements, courses, make_staff, submit
):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    lacking = make_staff(Role.HANDLER, username="lacking")
    trained = make_staff(Role.HANDLER, username="trained")
    with clock.frozen_at(NOW):
        for person in (lacking, trained):
            record_training(actor=manager, data=_input(person.user_id, courses["privacy"]))
        record_training(actor=manager, data=_input(trained.user_id, courses["listening"]))
        for person in (lacking, trained):
            assign_complaint(
                actor=manager,
                reference=submit(category="t-loans").reference,
                assignee_id=person.user_id,
            )
        overview = training_overview(viewer=manager)
    by_course = {gap.course: gap.lacking for gap in overview.requirements}
    assert by_course == {"개인정보 보호": [], "경청": ["lacking"]}
