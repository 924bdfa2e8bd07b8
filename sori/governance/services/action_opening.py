"""Opening an improvement action (ISO 10002 8.7, 8.2, 8.5): one reference series, one audit entry,
the complaints that led to it linked — whatever found the need (a control-chart signal, a
recurring group, an objective off target, an audit finding, a management review, one complaint).
What happens to it after that is ``sori.governance.services.actions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from sori.audit.services import record
from sori.complaints.models import Complaint
from sori.complaints.scope import visible
from sori.core import clock, references
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput
from sori.governance.models import ActionKind, ActionSource, ImprovementAction
from sori.governance.services.actions import (
    MAX_LINKED_COMPLAINTS,
    can_open_actions,
    check_due,
    check_kind,
    check_owner,
)

REFERENCE_PREFIX = "IA"


def open_improvement_action(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    cause: str = "",
    source: str = ActionSource.OTHER,
    kind: str = ActionKind.CORRECTIVE,
    source_key: str = "",
    complaint_ids: Iterable[int] = (),
    owner_id: int | None = None,
    due_on: dt.date | None = None,
) -> ImprovementAction:
    """Open an action, linking the complaints behind it that the actor may see."""
    if not can_open_actions(actor):
        raise Forbidden(_("Only complaints managers and top management open improvement actions."))
    return open_authorised_action(
        actor=actor,
        title=title,
        description=description,
        cause=cause,
        source=source,
        kind=kind,
        source_key=source_key,
        complaint_ids=complaint_ids,
        owner_id=owner_id,
        due_on=due_on,
        complaints_in_scope=True,
    )


def open_authorised_action(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    cause: str = "",
    source: str = ActionSource.OTHER,
    kind: str = ActionKind.CORRECTIVE,
    source_key: str = "",
    complaint_ids: Iterable[int] = (),
    owner_id: int | None = None,
    due_on: dt.date | None = None,
    complaints_in_scope: bool = True,
) -> ImprovementAction:
    """Open an action for an actor whose authority the calling service has already checked.

    ISO 10002 8.5, 8.7: the staff member an internal audit names raises a nonconformity and
    the action opens at once, whatever their role — the audit's planners gave them that
    authority, and ``sori.governance.services.audit_findings`` checks it. With
    ``complaints_in_scope=False`` the complaints are linked as the caller names them (a sampled
    complaint the auditor reads through the audit, outside their own unit).
    """
    title = title.strip()
    if not title:
        raise InvalidInput(_("Give the action a title."), code="title_required", field="title")
    if source not in ActionSource.values:
        raise InvalidInput(_("Choose where the action comes from."), code="invalid_source",
                           field="source")  # fmt: skip
    check_kind(kind)
    wanted = sorted(set(complaint_ids))
    if len(wanted) > MAX_LINKED_COMPLAINTS:
        raise InvalidInput(
            _("An action can link at most %(limit)d complaints.")
            % {"limit": MAX_LINKED_COMPLAINTS},
            code="too_many_complaints",
            field="complaints",
        )
    check_owner(owner_id)
    check_due(due_on)
    now = clock.now()
    with transaction.atomic():
        linked = Complaint.objects.filter(pk__in=wanted)
        if complaints_in_scope:
            linked = linked.filter(visible(actor))
        complaints = list(linked.values_list("pk", "reference"))
        action = ImprovementAction.objects.create(
            reference=references.allocate(REFERENCE_PREFIX, now.year),
            title=title[:200],
            description=description.strip(),
            cause=cause.strip(),
            source=source,
            kind=kind,
            source_key=source_key[:200],
            owner_id=owner_id,
            due_on=due_on,
            opened_by_id=actor.user_id,
            opened_at=now,
        )
        action.complaints.set([pk for pk, _reference in complaints])
        record(
            action="sori.improvement.opened",
            actor=actor,
            object_type="improvement_action",
            object_id=action.reference,
            data={
                "title": action.title,
                "source": source,
                "kind": kind,
                "source_key": action.source_key,
                "complaints": [reference for _pk, reference in complaints],
                "owner": owner_id,
                "due_on": due_on.isoformat() if due_on else None,
            },
            iso_clause="8.7",
        )
    return action
