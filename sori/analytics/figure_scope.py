"""Which complaints a handler's figures add to their unit's (ISO 10002 4.10, 8.4).

``sori.complaints.scope.visible`` gives a handler or investigator their unit's complaints plus
those assigned to them and those with an investigation task of theirs. The figures answer the
first part from the unit's stored rows; the rest — the few outside the unit — is a list of ids
counted live. The two parts are disjoint, so the sums equal the live path's.
"""

from __future__ import annotations

from sori.accounts.models import Unit
from sori.complaints.models import Complaint, InvestigationTask
from sori.complaints.scope import SCOPED_ROLES
from sori.core.actors import Actor

# A handler with more complaints than this outside their unit reads live (an id list in SQL).
MOST_EXTRA = 2000


def scoped_extra(viewer: Actor, unit: str) -> tuple[str, tuple[int, ...]] | None:
    """For a handler or investigator with a unit: (their unit's code, their complaints outside
    it), or None when the live queries must answer (no unit, another unit, too many outside)."""
    if not (viewer.is_staff and viewer.role in SCOPED_ROLES and viewer.unit_id is not None):
        return None
    own = Unit.objects.filter(pk=viewer.unit_id).values_list("code", flat=True).first()
    if own is None or (unit and unit != own):
        return None  # another unit: only their own complaints in it, read live
    if unit:
        return own, ()  # every complaint of their unit is theirs to see
    # ISO 10002 4.10: the same parts as ``visible()``, each read by its index.
    outside = Complaint.objects.exclude(unit_id=viewer.unit_id)
    ids = set(
        outside.filter(assignee_id=viewer.user_id).values_list("pk", flat=True)[: MOST_EXTRA + 1]
    )
    tasks = InvestigationTask.objects.filter(owner_id=viewer.user_id).values("complaint_id")
    ids |= set(outside.filter(pk__in=tasks).values_list("pk", flat=True)[: MOST_EXTRA + 1])
    if len(ids) > MOST_EXTRA:
        return None
    return own, tuple(sorted(ids))
