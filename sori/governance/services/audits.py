"""Planning and carrying out internal audits of the complaints-handling process (ISO 10002 8.5).

Planners (complaints manager, top management) create programmes and plan audits, naming the
auditor; the named auditor (or a planner) starts the audit, answers the clause checklist, draws
and reads a random sample of complaint files, raises findings and completes it. A completed
audit changes no more. The auditor must be independent: complaints they handled are never in
their sample and cannot be added by hand. Every step leaves an audit entry (iso_clause 8.5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Unit
from sori.audit.services import record
from sori.complaints.models import Category
from sori.core import clock, references
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sori.governance.audits import (
    NOT_AUDITOR_ROLES,
    can_plan_audits,
    may_carry_out,
)
from sori.governance.clauses import BY_KEY, CLAUSES
from sori.governance.models import (
    AuditProgramme,
    AuditStatus,
    ChecklistItem,
    ChecklistResult,
    InternalAudit,
)

PREFIX = "AU"
MAX_TEXT = 10_000
MAX_PERIOD_DAYS = 5 * 366


def clean_text(
    value: str, *, field: str, required: str | None = None, limit: int = MAX_TEXT
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(required, code=f"{field}_required", field=field)
    if len(value) > limit:
        raise InvalidInput(
            _("Keep this under %(limit)d characters.") % {"limit": limit},
            code="too_long",
            field=field,
        )
    return value


def _period(start: dt.date, end: dt.date, *, field: str) -> None:
    if end < start:
        raise InvalidInput(
            _("The end of the period must not be before its start."),
            code="invalid_period",
            field=field,
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("The period may be at most five years long."), code="period_too_long", field=field
        )


def _require_planner(actor: Actor) -> None:
    if not can_plan_audits(actor):
        raise Forbidden(_("Only complaints managers and top management plan internal audits."))


def create_programme(
    *, actor: Actor, title: str, period_from: dt.date, period_to: dt.date, description: str = ""
) -> AuditProgramme:
    """An audit programme for a period (8.5: audits are planned)."""
    _require_planner(actor)
    title = clean_text(title, field="title", required=_("Give the programme a title."), limit=200)
    _period(period_from, period_to, field="period_to")
    with transaction.atomic():
        programme = AuditProgramme.objects.create(
            title=title,
            period_from=period_from,
            period_to=period_to,
            description=clean_text(description, field="description"),
            created_by_id=actor.user_id,
            created_at=clock.now(),
        )
        record(
            action="sori.audit_programme.created",
            actor=actor,
            object_type="audit_programme",
            object_id=str(programme.pk),
            data={"title": title, "from": period_from.isoformat(), "to": period_to.isoformat()},
            iso_clause="8.5",
        )
    return programme


def _check_auditor(auditor_id: int) -> None:
    user = get_user_model().objects.filter(pk=auditor_id, is_active=True).first()
    role = getattr(getattr(user, "staff_profile", None), "role", None)
    if user is None or role is None:
        raise InvalidInput(
            _("Choose an active staff member as auditor."), code="invalid_auditor", field="auditor"
        )
    if role not in NOT_AUDITOR_ROLES:
        raise InvalidInput(
            _(
                "The read-only auditor role examines records and changes nothing; name a staff "
                "member of another role to carry out the audit."
            ),
            code="auditor_role_reads_only",
            field="auditor",
        )


def plan_audit(
    *,
    actor: Actor,
    title: str,
    scope_from: dt.date,
    scope_to: dt.date,
    auditor_id: int,
    planned_on: dt.date,
    scope: str = "",
    programme_id: int | None = None,
    unit_id: int | None = None,
    category_id: int | None = None,
) -> InternalAudit:
    """Plan one audit with its scope and auditor; its checklist holds every clause 4.1–8.7."""
    _require_planner(actor)
    title = clean_text(title, field="title", required=_("Give the audit a title."), limit=200)
    _period(scope_from, scope_to, field="scope_to")
    _check_auditor(auditor_id)
    if programme_id is not None and not AuditProgramme.objects.filter(pk=programme_id).exists():
        raise InvalidInput(
            _("Choose a programme from the list."), code="invalid_programme", field="programme"
        )
    if unit_id is not None and not Unit.objects.filter(pk=unit_id).exists():
        raise InvalidInput(_("Choose a unit from the list."), code="invalid_unit", field="unit")
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        raise InvalidInput(
            _("Choose a category from the list."), code="invalid_category", field="category"
        )
    now = clock.now()
    with transaction.atomic():
        audit = InternalAudit.objects.create(
            reference=references.allocate(PREFIX, now.year),
            programme_id=programme_id,
            title=title,
            scope=clean_text(scope, field="scope"),
            scope_from=scope_from,
            scope_to=scope_to,
            unit_id=unit_id,
            category_id=category_id,
            auditor_id=auditor_id,
            planned_on=planned_on,
            created_by_id=actor.user_id,
            created_at=now,
        )
        # ISO 10002 8.5: the checklist follows the standard, clause by clause, in order.
        ChecklistItem.objects.bulk_create(
            ChecklistItem(audit=audit, clause=clause.key, position=position)
            for position, clause in enumerate(CLAUSES, start=1)
        )
        record(
            action="sori.internal_audit.planned",
            actor=actor,
            object_type="internal_audit",
            object_id=audit.reference,
            data={
                "title": title,
                "scope_from": scope_from.isoformat(),
                "scope_to": scope_to.isoformat(),
                "unit": unit_id,
                "category": category_id,
                "auditor": auditor_id,
                "programme": programme_id,
                "planned_on": planned_on.isoformat(),
            },
            iso_clause="8.5",
        )
    return audit


def locked_audit(actor: Actor, reference: str, *, statuses: tuple[str, ...]) -> InternalAudit:
    """The audit, locked, once the actor may carry it out and its status allows the step."""
    audit = InternalAudit.objects.select_for_update().filter(reference=reference).first()
    if audit is None:
        raise NotFound(_("No internal audit with this reference."))
    if not may_carry_out(actor, audit):
        raise Forbidden(_("Only the audit's named auditor or a planner carries out the audit."))
    if audit.status not in statuses:
        if audit.status == AuditStatus.COMPLETED:
            message = _("The audit is completed; its record no longer changes.")
        elif audit.status == AuditStatus.PLANNED:
            message = _("Start the audit first.")
        else:
            message = _("This step is not possible in the audit's current status.")
        raise Conflict(message, code="audit_status")
    return audit


WORKING = (AuditStatus.IN_PROGRESS.value,)


def audit_entry(actor: Actor, audit: InternalAudit, verb: str, data: dict[str, Any]) -> None:
    record(
        action=f"sori.internal_audit.{verb}",
        actor=actor,
        object_type="internal_audit",
        object_id=audit.reference,
        data=data,
        iso_clause="8.5",
    )


def start_audit(*, actor: Actor, reference: str) -> InternalAudit:
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=(AuditStatus.PLANNED.value,))
        audit.status = AuditStatus.IN_PROGRESS
        audit.started_at = clock.now()
        audit.save(update_fields=["status", "started_at"])
        audit_entry(actor, audit, "started", {})
    return audit


def record_checklist_result(
    *, actor: Actor, reference: str, item_id: int, result: str, note: str = ""
) -> ChecklistItem:
    """What the auditor found for one clause, with the evidence seen."""
    if result not in ChecklistResult.values:
        raise InvalidInput(
            _("Choose a result from the list."), code="invalid_result", field="result"
        )
    note = clean_text(note, field="note")
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        item = ChecklistItem.objects.filter(audit=audit, pk=item_id).first()
        if item is None:
            raise NotFound(_("This clause is not on the audit's checklist."))
        before = item.result
        item.result = result
        item.note = note
        item.checked_at = None if result == ChecklistResult.NOT_CHECKED else clock.now()
        item.save(update_fields=["result", "note", "checked_at"])
        audit_entry(
            actor,
            audit,
            "checklist_recorded",
            {"clause": item.clause, "from": before, "to": result, "note": note},
        )
    return item


def complete_audit(*, actor: Actor, reference: str, conclusion: str) -> InternalAudit:
    """Close the audit: a conclusion, and every clause answered or marked not applicable."""
    conclusion = clean_text(
        conclusion, field="conclusion", required=_("Write the audit's conclusion.")
    )
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        open_items = list(
            audit.checklist.filter(result=ChecklistResult.NOT_CHECKED).values_list(
                "clause", flat=True
            )
        )
        if open_items:
            labels = ", ".join(BY_KEY[key].label if key in BY_KEY else key for key in open_items)
            raise InvalidInput(
                _(
                    "Answer every clause of the checklist, or mark it not applicable, first. "
                    "Not checked yet: %(clauses)s."
                )
                % {"clauses": labels},
                code="checklist_incomplete",
                field="conclusion",
            )
        audit.status = AuditStatus.COMPLETED
        audit.completed_at = clock.now()
        audit.conclusion = conclusion
        audit.save(update_fields=["status", "completed_at", "conclusion"])
        audit_entry(
            actor,
            audit,
            "completed",
            {
                "conclusion": conclusion,
                "findings": audit.findings.count(),
                "samples": audit.samples.count(),
            },
        )
    return audit
