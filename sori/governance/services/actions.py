"""Opening improvement actions from what the analysis finds (ISO 10002 8.7, 8.2).

The analysis pages (control-chart signals, recurring groups, objectives) and a single complaint
all open an action through ``open_improvement_action``: one reference series, one audit entry,
the complaints that led to it linked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.audit.services import record
from sori.complaints.models import Complaint
from sori.complaints.scope import visible
from sori.core import clock, references
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput
from sori.governance.models import ActionSource, ImprovementAction

REFERENCE_PREFIX = "IA"
# Who runs improvement actions (DESIGN: the complaints manager) and who may direct them.
ACTION_OPENERS = frozenset({Role.COMPLAINTS_MANAGER.value, Role.TOP_MANAGEMENT.value})
# More would be a report, not the complaints behind one finding.
MAX_LINKED_COMPLAINTS = 500


def can_open_actions(actor: Actor) -> bool:
    return actor.is_staff and actor.role in ACTION_OPENERS


def open_improvement_action(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    cause: str = "",
    source: str = ActionSource.OTHER,
    source_key: str = "",
    complaint_ids: Iterable[int] = (),
    owner_id: int | None = None,
    due_on: dt.date | None = None,
) -> ImprovementAction:
    """Open an action, linking the complaints behind it that the actor may see."""
    if not can_open_actions(actor):
        raise Forbidden(_("Only complaints managers and top management open improvement actions."))
    title = title.strip()
    if not title:
        raise InvalidInput(_("Give the action a title."), code="title_required", field="title")
    if source not in ActionSource.values:
        raise InvalidInput(_("Choose where the action comes from."), code="invalid_source",
                           field="source")  # fmt: skip
    wanted = sorted(set(complaint_ids))
    if len(wanted) > MAX_LINKED_COMPLAINTS:
        raise InvalidInput(
            _("An action can link at most %(limit)d complaints.")
            % {"limit": MAX_LINKED_COMPLAINTS},
            code="too_many_complaints",
            field="complaints",
        )
    if (
        owner_id is not None
        and not get_user_model()
        .objects.filter(pk=owner_id, is_active=True, staff_profile__isnull=False)
        .exists()
    ):
        raise InvalidInput(_("Choose an active staff member as the owner."), code="invalid_owner",
                           field="owner")  # fmt: skip
    now = clock.now()
    if due_on is not None and due_on < now.date():
        raise InvalidInput(_("The due date is in the past."), code="due_in_past", field="due_on")
    with transaction.atomic():
        complaints = list(
            Complaint.objects.filter(visible(actor), pk__in=wanted).values_list("pk", "reference")
        )
        action = ImprovementAction.objects.create(
            reference=references.allocate(REFERENCE_PREFIX, now.year),
            title=title[:200],
            description=description.strip(),
            cause=cause.strip(),
            source=source,
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
                "source_key": action.source_key,
                "complaints": [reference for _pk, reference in complaints],
                "owner": owner_id,
                "due_on": due_on.isoformat() if due_on else None,
            },
            iso_clause="8.7",
        )
    return action
