"""Who handles a complaint, with objectivity checked (ISO 10002 4.7 objectivity, 5.4 responsibility)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import StaffProfile, Unit
from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import Complaint, ComplaintEvent, ConflictDeclaration
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.governance.competence import blocking, course_name, local_today, missing_training

User = get_user_model()

ASSIGNABLE_ROLES = frozenset({"handler", "investigator", "complaints_manager"})
MAX_REASON = 2000


def _locked(actor: Actor, reference: str) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
    if complaint is None or not policies.can_read_complaint.test(actor, complaint):
        raise NotFound(_("No complaint with this reference."))
    if not policies.can_assign.test(actor, complaint):
        raise Forbidden(_("You may not change who handles this complaint."))
    return complaint


def _timeline(complaint: Complaint, actor: Actor, kind: str, note: str) -> None:
    # Internal: who handles the case is the organisation's business, not shown on the portal.
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        public=False,
        actor=actor.audit_id,
        actor_label=actor.label,
        note=note,
        occurred_at=clock.now(),
    )


def objectivity_refusal(complaint: Complaint, user_id: int) -> str | None:
    """Why this person may not handle this complaint, or None (ISO 10002 4.7)."""
    if complaint.named_staff.filter(pk=user_id).exists():
        return _("This person is named in the complaint and may not handle it.")
    if ConflictDeclaration.objects.filter(complaint=complaint, staff_id=user_id).exists():
        return _("This person declared a conflict of interest in this complaint.")
    return None


def _check_competence(complaint: Complaint, user_id: int) -> None:
    """Refuse a handler who lacks a course the category requires with *block* (ISO 10002 6.4).

    A *warn* requirement lets the assignment through; the front-end names the missing course.
    """
    missing = blocking(
        missing_training(user_id=user_id, category_id=complaint.category_id, on=local_today())
    )
    if missing:
        raise InvalidInput(
            _("This person lacks training this category requires: %(courses)s.")
            % {"courses": ", ".join(course_name(item.course) for item in missing)},
            code="training_required",
            field="assignee",
        )


def assign_complaint(
    *, actor: Actor, reference: str, assignee_id: int | None, unit_id: int | None = None
) -> Complaint:
    """Give the complaint to a handler (and, optionally, a unit); ``None`` returns it to the unit.

    Assigning a person moves the complaint to their unit unless a unit is given.
    """
    with transaction.atomic():
        complaint = _locked(actor, reference)
        assignee = None
        if assignee_id is not None:
            profile = (
                StaffProfile.objects.select_related("user")
                .filter(user_id=assignee_id, user__is_active=True)
                .first()
            )
            if profile is None or profile.role not in ASSIGNABLE_ROLES:
                raise InvalidInput(
                    _("Choose a handler, investigator or complaints manager."),
                    code="invalid_assignee",
                    field="assignee",
                )
            refusal = objectivity_refusal(complaint, assignee_id)
            if refusal is not None:
                raise InvalidInput(refusal, code="conflict_of_interest", field="assignee")
            _check_competence(complaint, assignee_id)
            assignee = profile.user
            if unit_id is None:
                unit_id = profile.unit_id or complaint.unit_id
        if unit_id is not None and not Unit.objects.filter(pk=unit_id).exists():
            raise InvalidInput(_("Choose one of the units."), code="invalid_unit", field="unit")
        before = {"assignee": complaint.assignee_id, "unit": complaint.unit_id}
        complaint.assignee = assignee
        complaint.unit_id = unit_id if unit_id is not None else complaint.unit_id
        complaint.version += 1
        complaint.save(update_fields=["assignee", "unit", "version", "updated_at"])
        label = assignee.get_username() if assignee is not None else _("nobody")
        _timeline(complaint, actor, "assigned", _("Assigned to %(name)s.") % {"name": label})
        audit.record(
            action="sori.complaint.assigned",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={
                "from": before,
                "to": {"assignee": complaint.assignee_id, "unit": complaint.unit_id},
            },
            iso_clause="5.4",
        )
    return complaint


def declare_conflict(*, actor: Actor, reference: str, staff_id: int, reason: str) -> Complaint:
    """Record that a staff member has a conflict of interest; they stop handling it (4.7)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say what the conflict of interest is."), code="required", field="reason"
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": "reason", "max": MAX_REASON},
            code="too_long",
            field="reason",
        )
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        # Anyone working on the case may declare their own conflict; managers record others'.
        if staff_id != actor.user_id and not policies.can_assign.test(actor, complaint):
            raise Forbidden(_("You may only declare your own conflict of interest."))
        if not StaffProfile.objects.filter(user_id=staff_id).exists():
            raise InvalidInput(_("Choose a staff member."), code="invalid_staff", field="staff")
        _created = ConflictDeclaration.objects.get_or_create(
            complaint=complaint,
            staff_id=staff_id,
            defaults={
                "reason": reason,
                "declared_by_id": actor.user_id,
                "declared_at": clock.now(),
            },
        )
        fields = ["version", "updated_at"]
        if complaint.assignee_id == staff_id:
            complaint.assignee = None
            fields.append("assignee")
        complaint.version += 1
        complaint.save(update_fields=fields)
        _timeline(complaint, actor, "conflict_declared", reason)
        audit.record(
            action="sori.complaint.conflict_declared",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"staff": staff_id, "reason": reason, "unassigned": "assignee" in fields},
            iso_clause="4.7",
        )
    return complaint


def name_staff(*, actor: Actor, reference: str, staff_ids: list[int]) -> Complaint:
    """Record which staff the complaint is about; none of them may handle it (4.7)."""
    with transaction.atomic():
        complaint = _locked(actor, reference)
        known = set(
            StaffProfile.objects.filter(user_id__in=staff_ids).values_list("user_id", flat=True)
        )
        unknown = sorted(set(staff_ids) - known)
        if unknown:
            raise InvalidInput(
                _("Choose staff members."), code="invalid_staff", field="named_staff"
            )
        complaint.named_staff.set(known)
        fields = ["version", "updated_at"]
        if complaint.assignee_id in known:
            complaint.assignee = None
            fields.append("assignee")
        complaint.version += 1
        complaint.save(update_fields=fields)
        _timeline(complaint, actor, "staff_named", "")
        audit.record(
            action="sori.complaint.staff_named",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"staff": sorted(known), "unassigned": "assignee" in fields},
            iso_clause="4.7",
        )
    return complaint
