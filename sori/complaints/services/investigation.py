"""The investigation record: notes, tasks, contacts, findings and root cause (ISO 10002 7.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import StaffProfile
from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import (
    Complaint,
    ComplaintEvent,
    ContactMethodUsed,
    ContactRecord,
    InvestigationTask,
    RootCause,
)
from sori.complaints.workflow import FINAL_STATUSES, Status
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.sla.services import clocks

MAX_TEXT = 10_000


def _text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(
            _("“%(field)s” is required.") % {"field": field}, code="required", field=field
        )
    if len(value) > limit:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": field, "max": limit},
            code="too_long",
            field=field,
        )
    return value


@contextmanager
def _working_on(actor: Actor, reference: str) -> Iterator[Complaint]:
    """The locked complaint, if the actor may record investigation work on it now."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        if not policies.can_investigate.test(actor, complaint):
            raise Forbidden(_("You may not record investigation work on this complaint."))
        if Status(complaint.status) in FINAL_STATUSES:
            raise InvalidInput(
                _("This complaint is no longer open; reopen it first."), code="complaint_final"
            )
        yield complaint
        complaint.version += 1
        complaint.save(update_fields=["version", "updated_at"])


def _record(complaint: Complaint, actor: Actor, action: str, data: dict[str, object]) -> None:
    audit.record(
        action=f"sori.complaint.{action}",
        actor=actor,
        object_type="complaint",
        object_id=complaint.reference,
        data=data,
        iso_clause="7.6",
    )


def add_note(*, actor: Actor, reference: str, text: str) -> ComplaintEvent:
    """An internal note on the timeline; never shown to the complainant (4.10)."""
    text = _text(text, "note")
    with _working_on(actor, reference) as complaint:
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            kind="note",
            public=False,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=text,
            occurred_at=clock.now(),
        )
        _record(complaint, actor, "note_added", {"event": event.pk})
    return event


def _author(actor: Actor) -> int:
    # Only staff reach here (the permission check); their user id names the author.
    if actor.user_id is None:
        raise Forbidden(_("Only staff record investigation work."))
    return actor.user_id


def _staff_user_id(user_id: int, field: str) -> int:
    if not StaffProfile.objects.filter(user_id=user_id, user__is_active=True).exists():
        raise InvalidInput(_("Choose a staff member."), code="invalid_staff", field=field)
    return user_id


def add_task(
    *, actor: Actor, reference: str, title: str, owner_id: int, due_on: dt.date | None = None
) -> InvestigationTask:
    """A piece of investigation work with one owner (4.12), who can then see the complaint."""
    title = _text(title, "title", limit=300)
    with _working_on(actor, reference) as complaint:
        task = InvestigationTask.objects.create(
            complaint=complaint,
            title=title,
            owner_id=_staff_user_id(owner_id, "owner"),
            due_on=due_on,
            created_by_id=_author(actor),
            created_at=clock.now(),
        )
        _record(
            complaint,
            actor,
            "task_added",
            {"task": task.pk, "owner": owner_id, "due_on": due_on.isoformat() if due_on else None},
        )
    return task


def complete_task(*, actor: Actor, reference: str, task_id: int, outcome: str) -> InvestigationTask:
    outcome = _text(outcome, "outcome")
    with _working_on(actor, reference) as complaint:
        task = InvestigationTask.objects.filter(complaint=complaint, pk=task_id).first()
        if task is None:
            raise NotFound(_("No such task on this complaint."))
        if task.done_at is not None:
            raise InvalidInput(_("This task is already done."), code="task_done")
        task.done_at, task.outcome = clock.now(), outcome
        task.save(update_fields=["done_at", "outcome"])
        _record(complaint, actor, "task_completed", {"task": task.pk})
    return task


def record_contact(
    *,
    actor: Actor,
    reference: str,
    contacted_at: dt.datetime,
    method: str,
    party: str,
    summary: str,
    with_complainant: bool = False,
) -> ContactRecord:
    if method not in ContactMethodUsed.values:
        raise InvalidInput(
            _("“%(value)s” is not a valid %(field)s.") % {"value": method, "field": "method"},
            code="invalid_choice",
            field="method",
        )
    party = _text(party, "party", limit=200)
    summary = _text(summary, "summary")
    if contacted_at > clock.now() + dt.timedelta(minutes=5):
        raise InvalidInput(
            _("A contact cannot be in the future."), code="in_future", field="contacted_at"
        )
    with _working_on(actor, reference) as complaint:
        contact = ContactRecord.objects.create(
            complaint=complaint,
            contacted_at=contacted_at,
            method=method,
            party=party,
            with_complainant=with_complainant,
            summary=summary,
            recorded_by_id=_author(actor),
            recorded_at=clock.now(),
        )
        if with_complainant:
            # ISO 10002 7.3: the first personal contact ends the first-contact clock.
            clocks.stop_first_contact(complaint=complaint, now=min(contacted_at, clock.now()))
        _record(
            complaint,
            actor,
            "contact_recorded",
            {"contact": contact.pk, "method": method, "with_complainant": with_complainant},
        )
    return contact


def record_findings(
    *,
    actor: Actor,
    reference: str,
    findings: str,
    root_cause_code: str | None,
    root_cause_note: str = "",
) -> Complaint:
    """What the investigation found and why it happened, coded for analysis (7.6, 8.2)."""
    findings = _text(findings, "findings")
    root_cause_note = _text(root_cause_note, "root_cause_note", required=False)
    cause = None
    if root_cause_code:
        cause = RootCause.objects.filter(code=root_cause_code, active=True).first()
        if cause is None:
            raise InvalidInput(
                _("Choose one of the root-cause codes."), code="invalid_choice", field="root_cause"
            )
    with _working_on(actor, reference) as complaint:
        complaint.findings, complaint.root_cause = findings, cause
        complaint.root_cause_note = root_cause_note
        complaint.save(update_fields=["findings", "root_cause", "root_cause_note"])
        _record(
            complaint,
            actor,
            "findings_recorded",
            {"root_cause": root_cause_code or None, "length": len(findings)},
        )
    return complaint
