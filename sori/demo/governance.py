"""The demo organisation's governance records (ISO 10002 5.4, 6.4, 8.5, 8.6, 8.7), written through
the real services at past moments of the demo's history.

``demo_governance()`` plans dated milestones: the representative and a deputy appointed, the
courses and their records, improvement actions opened from the demo's complaints and followed
to an effectiveness check, an internal audit of the last full quarter with its sample and
findings, and the management review of that quarter. The builder runs each milestone between
the complaint steps at its own moment (``GovernanceHistory.until``), so the audit trail stays in
time order and every record's dates fit the timeline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from sori.audit import services as audit
from sori.complaints.models import Category, Complaint
from sori.core import clock
from sori.core.actors import Actor
from sori.demo import governance_texts as texts
from sori.demo.governance_reviews import plan_audit, plan_review
from sori.demo.milestones import GovernanceHistory, Plan, at, local_day, reviewed_quarter
from sori.governance.models import (
    ActionStatus,
    Course,
    Enforcement,
    ImprovementAction,
    TrainingRequirement,
)
from sori.governance.services import action_opening, actions, appointments, training

# The actions, the audit of a full quarter and its review need this much history behind "now";
# a shorter demo (very few complaints) gets the appointments and the training only.
FULL_STORY = dt.timedelta(days=110)


def demo_governance(
    *, staff: dict[str, Actor], start: dt.datetime, now: dt.datetime
) -> GovernanceHistory:
    """The governance milestones of the demo, from its set-up moment ``start`` to ``now``."""
    plan = Plan(start, now)
    people = {name: actor.user_id for name, actor in staff.items()}
    set_up = start + dt.timedelta(minutes=5)
    plan.add(set_up, lambda: _appointments(staff, people))
    plan.add(set_up + dt.timedelta(minutes=10), lambda: _courses(staff, people))
    if now - start < FULL_STORY:
        return plan.done()
    plan.add(
        at(local_day(start) + dt.timedelta(days=21), 16),
        lambda: _late_training(staff["manager"], people),
    )
    _plan_actions(plan, staff, people)
    quarter = reviewed_quarter(local_day(now))
    plan_audit(plan, staff, people, quarter)
    plan_review(plan, staff, people, quarter)
    return plan.done()


# ISO 10002 5.4 (KS 5.3): top management appoints the representative and a deputy.
def _appointments(staff: dict[str, Actor], people: dict[str, int | None]) -> None:
    for username, duty, note in texts.APPOINTMENTS:
        user_id = people[username]
        assert user_id is not None
        appointments.appoint(actor=staff["ceo"], duty=duty, user_id=user_id, note=note)


# ISO 10002 6.4 (2018: 4.14): the courses and the requirement are configuration, added as the
# administrator adds them in the admin (a row and its ``sori.configuration.added`` entry).
def _courses(staff: dict[str, Actor], people: dict[str, int | None]) -> None:
    admin = staff["admin"]
    courses: dict[str, Course] = {}
    with transaction.atomic():
        for code, name_ko, name_en, months in texts.COURSES:
            course = Course.objects.create(
                code=code, name_ko=name_ko, name_en=name_en, valid_months=months
            )
            courses[code] = course
            fields = {"code": code, "name_ko": name_ko, "name_en": name_en, "valid_months": months}
            _configured(admin, course, "governance.course", fields)
        category = Category.objects.get(code=texts.REQUIRED_CATEGORY)
        requirement = TrainingRequirement.objects.create(
            category=category, course=courses[texts.PRIVACY_COURSE], enforcement=Enforcement.WARN
        )
        fields = {"category": category.code, "course": texts.PRIVACY_COURSE, "enforcement": "warn"}
        _configured(admin, requirement, "governance.trainingrequirement", fields)
    today = local_day(clock.now())
    for username, code, hours, days_before, note in texts.TRAINING:
        _train(staff["manager"], people[username], courses[code], hours, today, days_before, note)


def _configured(
    actor: Actor, row: Course | TrainingRequirement, kind: str, fields: dict[str, object]
) -> None:
    audit.record(
        action="sori.configuration.added",
        actor=actor,
        object_type=kind,
        object_id=str(row.pk),
        data={"label": str(row)[:200], "fields": fields},
        iso_clause="6.4",
    )


def _train(
    manager: Actor,
    user_id: int | None,
    course: Course,
    hours: str,
    today: dt.date,
    days_before: int,
    note: str = "",
) -> None:
    assert user_id is not None
    training.record_training(
        actor=manager,
        data=training.TrainingInput(
            user_id=user_id,
            course_id=course.pk,
            hours=Decimal(hours),
            completed_on=today - dt.timedelta(days=days_before),
            note=note,
        ),
    )


def _late_training(manager: Actor, people: dict[str, int | None]) -> None:
    """A handler who joined the privacy course late: until then, assignments warned (6.4)."""
    course = Course.objects.get(code=texts.PRIVACY_COURSE)
    _train(manager, people["handler2"], course, "4", local_day(clock.now()), 1, texts.LATE_NOTE)


def _complaints(categories: tuple[str, ...], limit: int = 3) -> list[int]:
    """The latest complaints received so far in these categories (and those below them)."""
    rows = Complaint.objects.filter(
        Q(category__code__in=categories) | Q(category__parent__code__in=categories),
        received_at__lt=clock.now(),
    )
    return list(rows.order_by("-received_at").values_list("pk", flat=True)[:limit])


def _reference(source_key: str) -> str:
    return ImprovementAction.objects.values_list("reference", flat=True).get(source_key=source_key)


# ISO 10002 8.7: actions opened from the complaints, in different states.
def _plan_actions(plan: Plan, staff: dict[str, Actor], people: dict[str, int | None]) -> None:
    manager = staff["manager"]
    first, last = local_day(plan.start), local_day(plan.now)
    check_days = settings.SORI_EFFECTIVENESS_CHECK_DAYS
    for spec in texts.ACTIONS:
        owner = staff[spec.owner]
        if spec.open_after is not None:
            opened_on = first + dt.timedelta(days=spec.open_after)
        else:
            opened_on = last - dt.timedelta(days=spec.open_before or 0)
        due_on = opened_on + dt.timedelta(days=spec.due_in)
        plan.add(at(opened_on, 10), partial(_open, manager, spec, people[spec.owner], due_on))
        started_on = opened_on + dt.timedelta(days=2)
        plan.add(at(started_on, 11), partial(_start, owner, spec.key))
        checked_at: dt.datetime | None = None
        if spec.target == ActionStatus.IN_PROGRESS:
            continue
        if spec.target == ActionStatus.EFFECTIVE:
            implemented_on = opened_on + dt.timedelta(days=spec.implement_in)
            checked_at = at(implemented_on + dt.timedelta(days=check_days + 1), 10)
            if checked_at >= plan.now - dt.timedelta(hours=2):
                continue  # the dates do not allow the check: the work stays in progress
        else:
            # Implemented recently enough that its check is still to come.
            implemented_on = last - dt.timedelta(days=min(spec.implement_in, check_days // 2))
            implemented_on = max(implemented_on, started_on + dt.timedelta(days=1))
        plan.add(at(implemented_on, 15), partial(_implement, owner, spec))
        if checked_at is not None:
            plan.add(checked_at, partial(_found_effective, manager, spec))


def _open(manager: Actor, spec: texts.ActionText, owner_id: int | None, due_on: dt.date) -> None:
    action_opening.open_improvement_action(
        actor=manager,
        title=spec.title,
        description=spec.description,
        cause=spec.cause,
        source=spec.source,
        kind=spec.kind,
        source_key=spec.key,
        complaint_ids=_complaints(spec.categories),
        owner_id=owner_id,
        due_on=due_on,
    )


def _start(owner: Actor, key: str) -> None:
    actions.update_action(actor=owner, reference=_reference(key), status=ActionStatus.IN_PROGRESS)


def _implement(owner: Actor, spec: texts.ActionText) -> None:
    actions.record_implementation(
        actor=owner, reference=_reference(spec.key), note=spec.implementation
    )


def _found_effective(manager: Actor, spec: texts.ActionText) -> None:
    # ISO 10002 8.7: the check is made by someone answerable for the process, after its due date.
    actions.check_effectiveness(
        actor=manager, reference=_reference(spec.key), effective=True, note=spec.effectiveness
    )
