"""Which complaints a person may see at all: one rule for the queue, search, workspace and API.

ISO 10002 4.10 (confidentiality) and 5.4 (responsibility): handlers and investigators work the
complaints of their own unit and those given to them; a handler with no unit works the intake
pool (complaints not yet routed to a unit). Managers, approvers, top management, auditors and
administrators oversee every complaint.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from sori.complaints.models import Complaint, InvestigationTask
from sori.core.actors import Actor, ActorKind

SCOPED_ROLES = frozenset({"handler", "investigator"})
WIDE_ROLES = frozenset(
    {"complaints_manager", "approver", "top_management", "auditor", "administrator"}
)


def _owns_a_task(actor: Actor) -> Exists:
    return Exists(
        InvestigationTask.objects.filter(complaint=OuterRef("pk"), owner_id=actor.user_id)
    )


def visible(actor: Actor) -> Q:
    """A filter for ``Complaint`` rows the actor may see (use it in every staff-facing query)."""
    if actor.kind is ActorKind.SYSTEM:
        return Q()
    if actor.kind is ActorKind.COMPLAINANT:
        if actor.complaint_reference:
            return Q(reference=actor.complaint_reference)
        return Q(pk__in=[])
    if actor.kind is not ActorKind.STAFF or actor.role is None:
        return Q(pk__in=[])
    if actor.role in WIDE_ROLES:
        return Q()
    if actor.role in SCOPED_ROLES:
        unit = Q(unit_id=actor.unit_id) if actor.unit_id is not None else Q(unit__isnull=True)
        return unit | Q(assignee_id=actor.user_id) | Q(_owns_a_task(actor))
    return Q(pk__in=[])


def in_scope(actor: Actor, complaint: Complaint) -> bool:
    """The same rule for one complaint already loaded."""
    if actor.kind is ActorKind.STAFF and actor.role in SCOPED_ROLES:
        if complaint.assignee_id is not None and complaint.assignee_id == actor.user_id:
            return True
        if complaint.unit_id == actor.unit_id:
            return True
        return InvestigationTask.objects.filter(
            complaint_id=complaint.pk, owner_id=actor.user_id
        ).exists()
    if complaint.pk is None:
        return False
    return Complaint.objects.filter(visible(actor), pk=complaint.pk).exists()
