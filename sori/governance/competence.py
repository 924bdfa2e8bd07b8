"""The competence rule, in one place (ISO 10002 6.4 resources; 2018: 4.14 competence).

A ``TrainingRequirement`` says that whoever handles complaints in a category needs a course.
A requirement on a parent category applies to every category below it (categories are a tree).
A person lacks a course when they have no record of it that counts on the given day: completed
on or before that day and not expired (``expires_on`` is the last day a completion counts).

The assignment service refuses a handler who lacks a *block* course and lets a *warn* course
through; the back office then names the missing courses to the person who assigned.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

from sori.complaints.models import Category
from sori.core import clock
from sori.governance.models import Course, Enforcement, TrainingRecord, TrainingRequirement


class MissingCourse(NamedTuple):
    course: Course
    enforcement: str


def local_today() -> dt.date:
    """Today in the organisation's time zone: the day a training record must count on."""
    return clock.now().astimezone(zoneinfo.ZoneInfo(str(settings.SORI_TIME_ZONE))).date()


def course_name(course: Course) -> str:
    """The course's name in the reader's language (Korean is the default)."""
    return course.name_en if (get_language() or "").startswith("en") else course.name_ko


def category_with_ancestors(category_id: int) -> list[int]:
    """The category and every category above it, nearest first (the tree is small)."""
    parents = dict(Category.objects.values_list("id", "parent_id"))
    chain: list[int] = []
    current: int | None = category_id
    # ``chain`` guards against a cycle someone made in the admin.
    while current is not None and current in parents and current not in chain:
        chain.append(current)
        current = parents[current]
    return chain


def current_records(*, on: dt.date) -> Q:
    """Training records that count on ``on``."""
    return Q(completed_on__lte=on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def requirements_for(category_id: int) -> dict[int, MissingCourse]:
    """Course id → (course, the strictest enforcement) required for a category (6.4)."""
    required: dict[int, MissingCourse] = {}
    rows = (
        TrainingRequirement.objects.filter(
            category_id__in=category_with_ancestors(category_id), course__active=True
        )
        .select_related("course")
        .order_by("course__code")
    )
    for requirement in rows:
        known = required.get(requirement.course_id)
        # A block anywhere up the tree wins over a warn.
        if known is None or requirement.enforcement == Enforcement.BLOCK:
            required[requirement.course_id] = MissingCourse(
                requirement.course, str(requirement.enforcement)
            )
    return required


def missing_training(*, user_id: int, category_id: int | None, on: dt.date) -> list[MissingCourse]:
    """The courses ``user_id`` lacks on ``on`` to handle complaints in ``category_id`` (6.4).

    Block requirements come first, then by course code.
    """
    if category_id is None:
        return []
    required = requirements_for(category_id)
    if not required:
        return []
    held = set(
        TrainingRecord.objects.filter(
            current_records(on=on), user_id=user_id, course_id__in=required
        )
        .values_list("course_id", flat=True)
        .distinct()
    )
    missing = [item for course_id, item in required.items() if course_id not in held]
    missing.sort(key=lambda item: (item.enforcement != Enforcement.BLOCK, item.course.code))
    return missing


def blocking(missing: list[MissingCourse]) -> list[MissingCourse]:
    return [item for item in missing if item.enforcement == Enforcement.BLOCK]
