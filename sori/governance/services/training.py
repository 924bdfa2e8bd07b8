"""Recording, correcting and deleting training records (ISO 10002 6.4 resources; 2018: 4.14
competence).

The complaints manager and the administrator keep the records (``access.TRAINING_KEEPERS``).
A record says which course a staff member completed, when, for how many hours and until when it
counts: by default the course's validity from the completion date. Every change is audited, and
a deleted record's content stays in the audit trail.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.audit.services import record
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.governance.access import TRAINING_KEEPERS
from sori.governance.competence import local_today
from sori.governance.models import Course, TrainingRecord

# A single course of more than a working month is a typing error, not a course.
MAX_HOURS = Decimal("200")
TENTH = Decimal("0.1")
MAX_NOTE = 2000
# Records older than this are not recorded through Sori (and a year typed as 0202 is caught).
EARLIEST = dt.date(1990, 1, 1)


@dataclass(frozen=True)
class TrainingInput:
    user_id: int
    course_id: int
    hours: Decimal
    completed_on: dt.date
    expires_on: dt.date | None = None
    note: str = ""


def can_keep_training(actor: Actor) -> bool:
    return actor.is_staff and actor.role in TRAINING_KEEPERS


def _check_keeper(actor: Actor) -> None:
    if not can_keep_training(actor):
        raise Forbidden(_("Only complaints managers and administrators keep training records."))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _invalid(message: str, code: str, field: str) -> InvalidInput:
    return InvalidInput(message, code=code, field=field)


def _validated(data: TrainingInput) -> dict[str, Any]:
    """The record's fields for ``data``, or the first rule it breaks (6.4)."""
    user = get_user_model().objects.filter(pk=data.user_id, staff_profile__isnull=False)
    if not user.exists():
        raise _invalid(_("Choose a staff member."), "invalid_user", "user")
    course = Course.objects.filter(pk=data.course_id).first()
    if course is None:
        raise _invalid(_("Choose a course from the list."), "invalid_course", "course")
    try:
        hours = Decimal(data.hours)
    except (InvalidOperation, TypeError, ValueError):
        raise _invalid(
            _("Enter the hours as a number, for example 3.5."), "invalid_hours", "hours"
        ) from None
    if not hours.is_finite() or hours <= 0:
        raise _invalid(_("The hours must be more than zero."), "hours_not_positive", "hours")
    if hours > MAX_HOURS:
        raise _invalid(
            _("A single course of more than %(limit)s hours is not plausible; check the number.")
            % {"limit": MAX_HOURS},
            "hours_too_many",
            "hours",
        )
    if hours != hours.quantize(TENTH):
        raise _invalid(
            _("Enter the hours with at most one decimal place."), "hours_precision", "hours"
        )
    today = local_today()
    if data.completed_on > today:
        raise _invalid(
            _("The completion date cannot be in the future."), "completed_in_future", "completed_on"
        )
    if data.completed_on < EARLIEST:
        raise _invalid(
            _("Check the completion date: it is too long ago."),
            "completed_too_early",
            "completed_on",
        )
    expires_on = data.expires_on
    if expires_on is None and course.valid_months:
        expires_on = add_months(data.completed_on, course.valid_months)
    if expires_on is not None and expires_on < data.completed_on:
        raise _invalid(
            _("The record cannot expire before the course was completed."),
            "expires_before_completion",
            "expires_on",
        )
    note = data.note.strip()
    if len(note) > MAX_NOTE:
        raise _invalid(
            _("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE},
            "note_too_long",
            "note",
        )
    return {
        "user_id": data.user_id,
        "course": course,
        "hours": hours.quantize(TENTH),
        "completed_on": data.completed_on,
        "expires_on": expires_on,
        "note": note,
    }


def _audit_data(entry: TrainingRecord) -> dict[str, Any]:
    return {
        "user": entry.user_id,
        "course": entry.course.code,
        "hours": str(entry.hours),
        "completed_on": entry.completed_on.isoformat(),
        "expires_on": entry.expires_on.isoformat() if entry.expires_on else None,
        "note": entry.note,
    }


def record_training(*, actor: Actor, data: TrainingInput) -> TrainingRecord:
    """Record a course a staff member completed (6.4; 2018: 4.14)."""
    _check_keeper(actor)
    fields = _validated(data)
    with transaction.atomic():
        entry = TrainingRecord.objects.create(
            **fields, recorded_by_id=actor.user_id, recorded_at=clock.now()
        )
        record(
            action="sori.training.recorded",
            actor=actor,
            object_type="training_record",
            object_id=str(entry.pk),
            data=_audit_data(entry),
            iso_clause="4.14",
        )
    return entry


def _locked(record_id: int) -> TrainingRecord:
    entry = (
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(pk=record_id)
        .first()
    )
    if entry is None:
        raise NotFound(_("There is no such training record."))
    return entry


def correct_training(*, actor: Actor, record_id: int, data: TrainingInput) -> TrainingRecord:
    """Correct a record; the audit entry keeps what it said before."""
    _check_keeper(actor)
    fields = _validated(data)
    with transaction.atomic():
        entry = _locked(record_id)
        if entry.user_id != data.user_id:
            raise InvalidInput(
                _("A record cannot move to another person; delete it and record it again."),
                code="user_changed",
                field="user",
            )
        before = _audit_data(entry)
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()
        after = _audit_data(entry)
        record(
            action="sori.training.corrected",
            actor=actor,
            object_type="training_record",
            object_id=str(entry.pk),
            data={
                "user": entry.user_id,
                "changed": {
                    name: {"from": before[name], "to": after[name]}
                    for name in after
                    if before[name] != after[name]
                },
            },
            iso_clause="4.14",
        )
    return entry


def delete_training(
    *, actor: Actor, record_id: int, user_id: int | None = None, reason: str = ""
) -> None:
    """Delete a record made in error; its content stays in the audit trail.

    ``user_id``, when given, must be the record's person (a stale or forged page is refused).
    """
    _check_keeper(actor)
    reason = reason.strip()[:MAX_NOTE]
    with transaction.atomic():
        entry = _locked(record_id)
        if user_id is not None and entry.user_id != user_id:
            raise NotFound(_("There is no such training record."))
        data = {**_audit_data(entry), "reason": reason}
        pk = entry.pk
        entry.delete()
        record(
            action="sori.training.deleted",
            actor=actor,
            object_type="training_record",
            object_id=str(pk),
            data=data,
            iso_clause="4.14",
        )
