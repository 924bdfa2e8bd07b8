"""Which complaints a handler's figures add to their unit's (ISO 10002 4.10, 8.4).

``sori.complaints.scope.visible`` gives a handler or investigator their unit's complaints — for
one with no unit, the intake pool: complaints not routed to a unit yet — plus those assigned to
them and those with an investigation task of theirs. The figures answer the first part from the
stored rows of that unit (or of "no unit"); the rest — the few outside it — is a list of ids
counted live. The two parts are disjoint, so the sums equal the live path's.
"""

from __future__ import annotations

from dataclasses import dataclass

from sori.accounts.models import Unit
from sori.complaints.models import Complaint, InvestigationTask
from sori.complaints.scope import SCOPED_ROLES
from sori.core.actors import Actor

# A handler with more complaints than this outside their unit reads live (an id list in SQL).
MOST_EXTRA = 2000


@dataclass(frozen=True)
class Scoped:
    """A scoped viewer's part the figures answer — a unit's code, or the intake pool — and the
    ids of their complaints outside it."""

    unit: str  # a unit's code; "" for the intake pool
    pool: bool
    extra_ids: tuple[int, ...]


def scoped_extra(viewer: Actor, unit: str) -> Scoped | None:
    """For a handler or investigator: their part and their complaints outside it, or None when
    the live queries must answer (another unit, too many outside)."""
    if not (viewer.is_staff and viewer.role in SCOPED_ROLES):
        return None
    # Routed complaints outside their part (every unit for the intake pool).
    elsewhere = Complaint.objects.filter(unit__isnull=False)
    if viewer.unit_id is None:
        if unit:
            return None  # a unit's complaints: only their own there, read live
    else:
        own = Unit.objects.filter(pk=viewer.unit_id).values_list("code", flat=True).first()
        if own is None or (unit and unit != own):
            return None  # another unit: only their own complaints in it, read live
        if unit:
            return Scoped(unit=own, pool=False, extra_ids=())  # all of their unit is theirs
        elsewhere = elsewhere.exclude(unit_id=viewer.unit_id)
        unit = own
    # ISO 10002 4.10: the same parts as ``visible()``, each read by its index — assigned in
    # another unit by the partial index on (assignee, unit)...
    ids = set(
        elsewhere.filter(assignee_id=viewer.user_id).values_list("pk", flat=True)[: MOST_EXTRA + 1]
    )
    if viewer.unit_id is not None:
        # ... assigned but not routed to a unit, by the partial index of those ...
        pool = Complaint.objects.filter(unit__isnull=True, assignee_id=viewer.user_id)
        ids |= set(pool.values_list("pk", flat=True)[: MOST_EXTRA + 1])
    # ... and with an investigation task of theirs, outside their part.
    tasks = InvestigationTask.objects.filter(owner_id=viewer.user_id).values("complaint_id")
    outside = (
        Complaint.objects.filter(unit__isnull=False)
        if viewer.unit_id is None
        else Complaint.objects.exclude(unit_id=viewer.unit_id)
    )
    ids |= set(outside.filter(pk__in=tasks).values_list("pk", flat=True)[: MOST_EXTRA + 1])
    if len(ids) > MOST_EXTRA:
        return None
    return Scoped(unit=unit, pool=viewer.unit_id is None, extra_ids=tuple(sorted(ids)))
