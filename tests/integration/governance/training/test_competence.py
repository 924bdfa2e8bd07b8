"""The competence rule and the assignment hook (ISO 10002 6.4; 2018: 4.14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Complaint
from sori.complaints.services.assignment import assign_complaint
from sori.core import clock
from sori.core.errors import InvalidInput
from sori.governance.competence import missing_training
from sori.governance.models import Enforcement, TrainingRecord
from tests.integration.governance.training.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def _record(user_id, course, completed_on, expires_on=None):
    return TrainingRecord.objects.create(
        user_id=user_id,
        course=course,
        hours=Decimal("4"),
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_at=NOW,
    )


def _codes(missing):
    return [(item.course.code, item.enforcement) for item in missing]


def test_a_parent_category_requirement_applies_to_a_sub_category(requirements, make_staff):
    person = make_staff(Role.HANDLER)
    on_child = missing_training(
        user_id=person.user_id, category_id=requirements["child"].pk, on=TODAY
    )
    assert _codes(on_child) == [("privacy", "block"), ("listening", "warn")]
    on_parent = missing_training(
        user_id=person.user_id, category_id=requirements["parent"].pk, on=TODAY
    )
    assert _codes(on_parent) == [("privacy", "block")]
    assert (
        missing_training(user_id=person.user_id, category_id=requirements["other"].pk, on=TODAY)
        == []
    )
    assert missing_training(user_id=person.user_id, category_id=None, on=TODAY) == []


def test_a_current_record_satisfies_and_an_expired_one_does_not(requirements, courses, make_staff):
    person = make_staff(Role.HANDLER)
    _record(person.user_id, courses["privacy"], dt.date(2025, 1, 1), dt.date(2026, 3, 10))
    _record(person.user_id, courses["listening"], dt.date(2020, 1, 1))
    child = requirements["child"].pk
    assert missing_training(user_id=person.user_id, category_id=child, on=TODAY) == []
    # The expiry date is the last day the record counts.
    later = missing_training(user_id=person.user_id, category_id=child, on=dt.date(2026, 3, 11))
    assert _codes(later) == [("privacy", "block")]


def test_a_record_completed_after_the_day_does_not_count(requirements, courses, make_staff):
    person = make_staff(Role.HANDLER)
    _record(person.user_id, courses["privacy"], dt.date(2026, 3, 11))
    assert _codes(
        missing_training(user_id=person.user_id, category_id=requirements["parent"].pk, on=TODAY)
    ) == [("privacy", "block")]


def test_block_anywhere_up_the_tree_wins_over_warn(tree, courses, make_staff):
    from sori.governance.models import TrainingRequirement

    TrainingRequirement.objects.create(
        category=tree["parent"], course=courses["privacy"], enforcement=Enforcement.BLOCK
    )
    TrainingRequirement.objects.create(
        category=tree["child"], course=courses["privacy"], enforcement=Enforcement.WARN
    )
    person = make_staff(Role.HANDLER)
    assert _codes(
        missing_training(user_id=person.user_id, category_id=tree["child"].pk, on=TODAY)
    ) == [("privacy", "block")]


def _complaint(submit, category: str) -> str:
    return submit(category=category).reference


def test_assigning_a_handler_without_a_blocking_course_is_refused_naming_it(
    requirements, make_staff, submit
):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    reference = _complaint(submit, "t-loans")
    with clock.frozen_at(NOW), pytest.raises(InvalidInput) as refused:
        assign_complaint(actor=manager, reference=reference, assignee_id=person.user_id)
    assert refused.value.code == "training_required"
    assert refused.value.params["field"] == "assignee"
    assert "개인정보 보호" in refused.value.message  # Korean is the default language
    assert Complaint.objects.get(reference=reference).assignee_id is None


def test_a_warning_course_lets_the_assignment_through(requirements, courses, make_staff, submit):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    _record(person.user_id, courses["privacy"], dt.date(2026, 1, 5))
    reference = _complaint(submit, "t-loans")
    with clock.frozen_at(NOW):
        assign_complaint(actor=manager, reference=reference, assignee_id=person.user_id)
    assert Complaint.objects.get(reference=reference).assignee_id == person.user_id


def test_an_expired_record_makes_the_block_apply_again(requirements, courses, make_staff, submit):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    person = make_staff(Role.HANDLER)
    _record(person.user_id, courses["privacy"], dt.date(2025, 1, 5), dt.date(2026, 1, 5))
    reference = _complaint(submit, "t-finance")
    with clock.frozen_at(NOW), pytest.raises(InvalidInput) as refused:
        assign_complaint(actor=manager, reference=reference, assignee_id=person.user_id)
    assert refused.value.code == "training_required"


def test_returning_a_complaint_to_the_unit_needs_no_training(requirements, make_staff, submit):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    reference = _complaint(submit, "t-loans")
    with clock.frozen_at(NOW):
        assign_complaint(actor=manager, reference=reference, assignee_id=None)
