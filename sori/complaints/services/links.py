"""Related complaints: two cases about the same matter or person, shown on both (ISO 10002 8.2).

A link is recorded once and read in both directions. Whoever links or unlinks must be able to
work on both complaints (4.10: nobody learns about a case outside their scope by linking to it).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import Complaint, ComplaintEvent, ComplaintLink
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound

MAX_NOTE = 300


def _lock_both(actor: Actor, reference: str, other_reference: str) -> tuple[Complaint, Complaint]:
    """Both complaints, locked in id order (two crossing links cannot deadlock)."""
    reference, other_reference = reference.strip(), other_reference.strip().upper()
    rows = {
        row.reference: row
        for row in Complaint.objects.select_for_update()
        .filter(reference__in=[reference, other_reference])
        .order_by("pk")
    }
    this, other = rows.get(reference), rows.get(other_reference)
    # Scope first: nothing about the input is answered for a complaint the actor may not see.
    if this is None or not policies.can_read_complaint.test(actor, this):
        raise NotFound(_("No complaint with this reference."))
    if not policies.can_investigate.test(actor, this):
        raise Forbidden(_("You may not change the related complaints of this complaint."))
    if not other_reference:
        raise InvalidInput(
            _("Enter the reference of the related complaint."), code="required", field="other"
        )
    if reference == other_reference:
        raise InvalidInput(
            _("A complaint cannot be related to itself."), code="link_to_self", field="other"
        )
    if other is None or not policies.can_investigate.test(actor, other):
        # The same answer for a missing complaint and one outside the actor's scope.
        raise InvalidInput(
            _("No complaint with the reference “%(reference)s” that you work on.")
            % {"reference": other_reference},
            code="invalid_link_target",
            field="other",
        )
    return this, other


def _between(this: Complaint, other: Complaint) -> Q:
    return Q(source=this, target=other) | Q(source=other, target=this)


def _record(actor: Actor, complaints: tuple[Complaint, Complaint], action: str, note: str) -> None:
    now = clock.now()
    this, other = complaints
    for complaint, partner in ((this, other), (other, this)):
        # Internal lines: which other cases exist is the organisation's business (4.10).
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=action,
            public=False,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=f"{partner.reference}{': ' + note if note else ''}",
            occurred_at=now,
        )
        audit.record(
            action=f"sori.complaint.{action}",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"other": partner.reference, "note": note},
            iso_clause="8.2",
        )


def link_complaints(
    *, actor: Actor, reference: str, other_reference: str, note: str = ""
) -> ComplaintLink:
    """Record that two complaints are related; shown on both workspaces."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": "note", "max": MAX_NOTE},
            code="too_long",
            field="note",
        )
    with transaction.atomic():
        this, other = _lock_both(actor, reference, other_reference)
        if ComplaintLink.objects.filter(_between(this, other)).exists():
            raise InvalidInput(
                _("These complaints are already related."), code="already_linked", field="other"
            )
        if actor.user_id is None:
            raise Forbidden(_("Only staff relate complaints."))
        link = ComplaintLink.objects.create(
            source=this,
            target=other,
            note=note,
            created_by_id=actor.user_id,
            created_at=clock.now(),
        )
        _record(actor, (this, other), "linked", note)
    return link


def unlink_complaints(*, actor: Actor, reference: str, other_reference: str) -> None:
    """Remove the relation between two complaints (in whichever direction it was recorded)."""
    with transaction.atomic():
        this, other = _lock_both(actor, reference, other_reference)
        deleted, _by_model = ComplaintLink.objects.filter(_between(this, other)).delete()
        if not deleted:
            raise InvalidInput(
                _("These complaints are not related."), code="not_linked", field="other"
            )
        _record(actor, (this, other), "unlinked", "")
