"""Handing a complaint to a handler and telling them (ISO 10002 5.4 responsibility, 7.5).

``assign_complaint`` keeps the objectivity rule (4.7); this wrapper adds the message to the new
assignee, queued in the same transaction and sent after the commit.
"""

from __future__ import annotations

from django.db import transaction

from sori.complaints.models import Complaint
from sori.complaints.services.assignment import assign_complaint
from sori.core.actors import Actor
from sori.messaging.services import notify_staff


def assign_and_notify(
    *, actor: Actor, reference: str, assignee_id: int | None, unit_id: int | None = None
) -> Complaint:
    """Assign (or return to the unit with ``assignee_id=None``) and tell the new assignee.

    Nobody is emailed about a complaint they took themselves, nor when it stays with the same
    person.
    """
    with transaction.atomic():
        before = (
            Complaint.objects.filter(reference=reference)
            .values_list("assignee_id", flat=True)
            .first()
        )
        complaint = assign_complaint(
            actor=actor, reference=reference, assignee_id=assignee_id, unit_id=unit_id
        )
        assignee = complaint.assignee
        if assignee is not None and assignee.pk != actor.user_id and assignee.pk != before:
            notify_staff(complaint=complaint, recipients=[assignee], key="assigned", actor=actor)
    return complaint
