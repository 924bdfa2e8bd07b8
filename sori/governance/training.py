"""Reading training records (ISO 10002 6.4 resources; 2018: 4.14 competence).

- ``training_overview(viewer=..., year=...)``: for overseers, every staff member's training hours
  in a year and, per category requirement, who works complaints there without the course; for
  anyone else, only their own hours.
- ``person_training(viewer=..., user_id=...)``: one person's records; overseers read anyone's,
  everyone reads their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from sori.accounts.models import StaffProfile
from sori.complaints.models import Category, Complaint
from sori.complaints.workflow import OPEN_STATUSES
from sori.core.actors import Actor
from sori.core.errors import Forbidden, NotFound
from sori.governance.access import TRAINING_READERS
from sori.governance.competence import course_name, current_records, local_today
from sori.governance.models import Course, Enforcement, TrainingRecord, TrainingRequirement
from sori.governance.services.training import can_keep_training


def training_record(*, user_id: int, record_id: int) -> TrainingRecord:
    """One person's training record, to correct it (6.4)."""
    entry = (
        TrainingRecord.objects.select_related("course", "user")
        .filter(pk=record_id, user_id=user_id)
        .first()
    )
    if entry is None:
        raise NotFound(_("There is no such training record."))
    return entry


@dataclass(frozen=True)
class PersonTotal:
    user_id: int
    name: str
    role: str
    hours: Decimal
    records: int


@dataclass(frozen=True)
class RequirementGap:
    category: str
    course: str
    enforcement: str
    enforcement_label: str
    lacking: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordRow:
    record: TrainingRecord
    course: str
    current: bool


@dataclass(frozen=True)
class TrainingOverview:
    year: int
    years: list[int]
    oversees: bool
    totals: list[PersonTotal]
    requirements: list[RequirementGap]


@dataclass(frozen=True)
class PersonTraining:
    user_id: int
    name: str
    role: str
    records: list[RecordRow]
    hours_by_year: list[tuple[int, Decimal]]
    may_keep: bool


def oversees_training(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in TRAINING_READERS


def _name(user: object) -> str:
    full = user.get_full_name()  # type: ignore[attr-defined]
    return str(full or user.get_username())  # type: ignore[attr-defined]


def _tenths(hours: Decimal | None) -> Decimal:
    """Hours as stored (one decimal place), whatever the database's sum returns."""
    return Decimal(hours or 0).quantize(Decimal("0.1"))


def _years(user_id: int | None, year: int) -> list[int]:
    rows = TrainingRecord.objects.all()
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    found = set(rows.annotate(y=ExtractYear("completed_on")).values_list("y", flat=True))
    return sorted(found | {local_today().year, year}, reverse=True)


def _totals(year: int, user_id: int | None) -> list[PersonTotal]:
    """Hours per person completed in ``year`` (a database aggregate, 6.4)."""
    sums = {
        row["user_id"]: (row["hours"], row["n"])
        for row in TrainingRecord.objects.filter(completed_on__year=year)
        .values("user_id")
        .annotate(hours=Sum("hours"), n=Count("id"))
        .order_by()
    }
    staff = StaffProfile.objects.select_related("user")
    if user_id is not None:
        staff = staff.filter(user_id=user_id)
    else:
        # Everyone active, and anyone who has since left but trained that year.
        staff = staff.filter(Q(user__is_active=True) | Q(user_id__in=list(sums)))
    totals = []
    for profile in staff.order_by("user__username"):
        hours, count = sums.get(profile.user_id, (Decimal("0"), 0))
        totals.append(
            PersonTotal(
                profile.user_id,
                _name(profile.user),
                profile.get_role_display(),
                _tenths(hours),
                int(count or 0),
            )
        )
    return totals


def _descendants(category_id: int, tree: Sequence[tuple[int, int | None]]) -> list[int]:
    found, result = [category_id], [category_id]
    while found:
        found = [pk for pk, parent in tree if parent in found and pk not in result]
        result.extend(found)
    return result


def requirement_gaps(on: dt.date | None = None) -> list[RequirementGap]:
    """Per requirement, who handles open complaints in that category (or below) without the
    course on ``on`` (6.4)."""
    day = on or local_today()
    tree = list(Category.objects.values_list("id", "parent_id"))
    gaps = []
    requirements = TrainingRequirement.objects.select_related("category", "course").order_by(
        "category__code", "course__code"
    )
    users = get_user_model().objects
    for requirement in requirements:
        assignees = set(
            Complaint.objects.filter(
                category_id__in=_descendants(requirement.category_id, tree),
                status__in=[str(status) for status in OPEN_STATUSES],
                assignee__isnull=False,
            ).values_list("assignee_id", flat=True)
        )
        held = set(
            TrainingRecord.objects.filter(
                current_records(on=day), course_id=requirement.course_id, user_id__in=assignees
            ).values_list("user_id", flat=True)
        )
        lacking = sorted(_name(user) for user in users.filter(pk__in=assignees - held))
        gaps.append(
            RequirementGap(
                category=str(requirement.category.label),
                course=course_name(requirement.course),
                enforcement=str(requirement.enforcement),
                enforcement_label=str(Enforcement(requirement.enforcement).label),
                lacking=lacking,
            )
        )
    return gaps


def training_overview(*, viewer: Actor, year: int | None = None) -> TrainingOverview:
    """Hours per person and year; for overseers also the requirements and who lacks them."""
    if not viewer.is_staff or viewer.user_id is None:
        raise Forbidden(_("Only staff members read training records."))
    year = year or local_today().year
    oversees = oversees_training(viewer)
    own = None if oversees else viewer.user_id
    return TrainingOverview(
        year=year,
        years=_years(own, year),
        oversees=oversees,
        totals=_totals(year, own),
        requirements=requirement_gaps() if oversees else [],
    )


def person_training(*, viewer: Actor, user_id: int) -> PersonTraining:
    """One person's training records, newest first (6.4)."""
    if not viewer.is_staff or (not oversees_training(viewer) and viewer.user_id != user_id):
        # Someone else's records are not confirmed to exist (4.10 confidentiality).
        raise NotFound(_("There is no such staff member."))
    profile = StaffProfile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None:
        raise NotFound(_("There is no such staff member."))
    today = local_today()
    rows = TrainingRecord.objects.filter(user_id=user_id).select_related("course")
    current = set(rows.filter(current_records(on=today)).values_list("pk", flat=True))
    by_year = (
        rows.annotate(y=ExtractYear("completed_on"))
        .values("y")
        .annotate(hours=Sum("hours"))
        .order_by("-y")
    )
    return PersonTraining(
        user_id=user_id,
        name=_name(profile.user),
        role=profile.get_role_display(),
        records=[
            RecordRow(entry, course_name(entry.course), entry.pk in current)
            for entry in rows.order_by("-completed_on", "-id")
        ],
        hours_by_year=[(row["y"], _tenths(row["hours"])) for row in by_year],
        may_keep=can_keep_training(viewer),
    )


def course_choices(keep: int | None = None) -> list[tuple[int, str]]:
    """Active courses (and ``keep``, a retired one a record being corrected names)."""
    courses = Course.objects.filter(Q(active=True) | Q(pk=keep)).order_by("code")
    return [(course.pk, f"{course_name(course)} ({course.code})") for course in courses]
