"""Appointing the complaints-management representative and deputies, and ending an appointment
(ISO 10002 5.3 responsibility and authority; 2018: 5.4).

Top management (and the administrator who keeps the accounts) appoints. There is one
representative at a time: a new representative's appointment ends the previous one the day
before it starts. Deputies may be several. Ended appointments stay as history; every change is
in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sori.audit.services import record
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sori.governance.access import APPOINTERS
from sori.governance.competence import local_today
from sori.governance.models import Appointment, Duty

MAX_NOTE = 2000
# An appointment may be recorded ahead of time, but not for a date nobody can plan for.
MAX_DAYS_AHEAD = 366


def _check_appointer(actor: Actor) -> None:
    if not (actor.is_staff and actor.role in APPOINTERS):
        raise Forbidden(_("Only top management and administrators appoint."))


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            _("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE},
            code="note_too_long",
            field="note",
        )
    return note


def _not_over(day: dt.date) -> Q:
    """Appointments in force on ``day`` or planned to start after it."""
    return Q(ended_on__isnull=True) | Q(ended_on__gte=day)


def _audit(action: str, actor: Actor, appointment: Appointment, **extra: object) -> None:
    record(
        action=action,
        actor=actor,
        object_type="appointment",
        object_id=str(appointment.pk),
        data={
            "duty": appointment.duty,
            "user": appointment.user_id,
            "from": appointment.starts_on.isoformat(),
            "until": appointment.ended_on.isoformat() if appointment.ended_on else None,
            **extra,
        },
        iso_clause="5.4",
    )


def appoint(
    *,
    actor: Actor,
    duty: str,
    user_id: int,
    starts_on: dt.date | None = None,
    note: str = "",
) -> Appointment:
    """Appoint an active staff member to ``duty`` from ``starts_on`` (default today)."""
    _check_appointer(actor)
    if duty not in Duty.values:
        raise InvalidInput(
            _("Choose the representative or a deputy."), code="invalid_duty", field="duty"
        )
    today = local_today()
    start = starts_on or today
    if start > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(
            _("The appointment may start at most a year from today."),
            code="start_too_late",
            field="starts_on",
        )
    note = _note(note)
    person = get_user_model().objects.filter(
        pk=user_id, is_active=True, staff_profile__isnull=False
    )
    if not person.exists():
        raise InvalidInput(_("Choose an active staff member."), code="invalid_user", field="user")
    with transaction.atomic():
        current = list(
            Appointment.objects.select_for_update()
            .filter(_not_over(start), duty=duty)
            .order_by("starts_on", "id")
        )
        if any(each.user_id == user_id for each in current):
            raise Conflict(_("This person already holds this duty."), code="already_appointed")
        ended: list[Appointment] = []
        if duty == Duty.REPRESENTATIVE:
            for previous in current:
                # One representative at a time: the new one takes over from ``start``.
                if previous.starts_on >= start:
                    raise InvalidInput(
                        _(
                            "Another representative's appointment starts on %(day)s; start this "
                            "one later, or end that one first."
                        )
                        % {"day": previous.starts_on.isoformat()},
                        code="overlapping_appointment",
                        field="starts_on",
                    )
                previous.ended_on = start - dt.timedelta(days=1)
                previous.save(update_fields=["ended_on"])
                ended.append(previous)
        appointment = Appointment.objects.create(
            duty=duty,
            user_id=user_id,
            starts_on=start,
            appointed_by_id=actor.user_id,
            appointed_at=clock.now(),
            note=note,
        )
        for previous in ended:
            _audit("sori.appointment.ended", actor, previous, replaced_by=appointment.pk)
        _audit("sori.appointment.made", actor, appointment, note=note)
    return appointment


def end_appointment(
    *, actor: Actor, appointment_id: int, ended_on: dt.date | None = None, note: str = ""
) -> Appointment:
    """End an appointment on ``ended_on`` (default today, its last day); it stays as history."""
    _check_appointer(actor)
    note = _note(note)
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().filter(pk=appointment_id).first()
        if appointment is None:
            raise NotFound(_("There is no such appointment."))
        if appointment.ended_on is not None and appointment.ended_on <= local_today():
            raise Conflict(_("This appointment has already ended."), code="already_ended")
        last_day = ended_on or local_today()
        if last_day < appointment.starts_on:
            raise InvalidInput(
                _("An appointment cannot end before it starts."),
                code="end_before_start",
                field="ended_on",
            )
        appointment.ended_on = last_day
        appointment.save(update_fields=["ended_on"])
        _audit("sori.appointment.ended", actor, appointment, note=note)
    return appointment
