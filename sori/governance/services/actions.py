"""Improvement actions: opened from what the analysis finds, then followed to an effectiveness
check (ISO 10002 8.7, 8.2).

The analysis pages (control-chart signals, recurring groups, objectives) and a single complaint
all open an action through ``sori.governance.services.action_opening``: one reference series,
one audit entry, the complaints that led to it linked. After that the action moves through ``TRANSITIONS``, the
one table of legal status moves, each made by one step (service) below:

- open → in progress (``update_action``: start), open or in progress → implemented
  (``record_implementation``);
- implemented → effective or not effective (``check_effectiveness``);
- not effective → in progress (``update_action``: resume the work);
- open, in progress or not effective → cancelled (``cancel_action``, with a reason).

A check that finds the action not effective records that finding (status ``not_effective``, the
date and the note stay as evidence) and does not reopen it by itself: the owner or a manager
decides whether to resume the work (back to ``in_progress``, implemented and checked again) or
to cancel it and open a new action. ``effective`` and ``cancelled`` are final.

Who may do what: complaints managers and top management run improvement actions (open, assign
the owner, cancel, check effectiveness — the check is made by someone answerable for the
process, not only by the person who did the work); the owner may update the description,
cause and due date, start or resume the work and record its implementation.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.analytics.filters import time_zone
from sori.audit.services import record
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from sori.governance.models import ActionKind, ActionStatus, ImprovementAction

# Who runs improvement actions (DESIGN: the complaints manager) and who may direct them.
ACTION_OPENERS = frozenset({Role.COMPLAINTS_MANAGER.value, Role.TOP_MANAGEMENT.value})
# Who reads every improvement action (ISO 10002 8.5: the auditor reads, changes nothing); an
# action's owner reads their own as well.
ACTION_READERS = ACTION_OPENERS | {Role.AUDITOR.value, Role.ADMINISTRATOR.value}
# More would be a report, not the complaints behind one finding.
MAX_LINKED_COMPLAINTS = 500
MAX_NOTE = 4000


class Step(StrEnum):
    """The services that move an action's status."""

    UPDATE = "update"  # start the work, or resume it after an effectiveness check failed
    IMPLEMENT = "implement"
    CHECK = "check"
    CANCEL = "cancel"


_S = ActionStatus
# ISO 10002 8.7: the one table of legal status moves, (from, to) → the step that makes it.
TRANSITIONS: dict[tuple[str, str], Step] = {
    (_S.OPEN, _S.IN_PROGRESS): Step.UPDATE,
    (_S.NOT_EFFECTIVE, _S.IN_PROGRESS): Step.UPDATE,
    (_S.OPEN, _S.IMPLEMENTED): Step.IMPLEMENT,
    (_S.IN_PROGRESS, _S.IMPLEMENTED): Step.IMPLEMENT,
    (_S.IMPLEMENTED, _S.EFFECTIVE): Step.CHECK,
    (_S.IMPLEMENTED, _S.NOT_EFFECTIVE): Step.CHECK,
    (_S.OPEN, _S.CANCELLED): Step.CANCEL,
    (_S.IN_PROGRESS, _S.CANCELLED): Step.CANCEL,
    (_S.NOT_EFFECTIVE, _S.CANCELLED): Step.CANCEL,
}
FINAL = frozenset({_S.EFFECTIVE.value, _S.CANCELLED.value})
# What the owner may do as well as the managers; the rest is the managers' alone.
OWNER_STEPS = frozenset({Step.UPDATE, Step.IMPLEMENT})


class ActionMoveNotAllowed(DomainError):
    """The status move is not in ``TRANSITIONS`` (or not made by this step)."""

    code = "action_move_not_allowed"
    status = 409


class _Unchanged(Enum):
    TOKEN = 0


# ``update_action``'s default: leave the field as it is (None clears the owner or due date).
UNCHANGED: Literal[_Unchanged.TOKEN] = _Unchanged.TOKEN


def can_open_actions(actor: Actor) -> bool:
    return actor.is_staff and actor.role in ACTION_OPENERS


def is_owner(actor: Actor, action: ImprovementAction) -> bool:
    return actor.is_staff and actor.user_id is not None and action.owner_id == actor.user_id


def can_read_action(actor: Actor, action: ImprovementAction) -> bool:
    return (actor.is_staff and actor.role in ACTION_READERS) or is_owner(actor, action)


def may_take(actor: Actor, action: ImprovementAction, step: Step) -> bool:
    """Whether the actor's role (or ownership) allows the step, whatever the status."""
    if can_open_actions(actor):
        return True
    return step in OWNER_STEPS and is_owner(actor, action)


def may_edit(actor: Actor, action: ImprovementAction) -> bool:
    """Whether the actor may change the description, cause or due date now."""
    return action.status not in FINAL and may_take(actor, action, Step.UPDATE)


def available_steps(actor: Actor, action: ImprovementAction) -> dict[str, Step]:
    """Target status → step, for the moves this actor may make from the action's status."""
    return {
        target: step
        for (source, target), step in TRANSITIONS.items()
        if source == action.status and may_take(actor, action, step)
    }


def _status_label(status: str) -> str:
    return str(ActionStatus(status).label) if status in ActionStatus.values else status


def _check_move(action: ImprovementAction, target: str, step: Step) -> None:
    if TRANSITIONS.get((action.status, target)) is not step:
        raise ActionMoveNotAllowed(
            _("An improvement action that is “%(current)s” cannot become “%(target)s”.")
            % {"current": _status_label(action.status), "target": _status_label(target)},
            field="status",
        )


def _locked(actor: Actor, reference: str) -> ImprovementAction:
    """The action, locked for the change; one the actor may not read does not exist for them."""
    action = ImprovementAction.objects.select_for_update().filter(reference=reference).first()
    if action is None or not can_read_action(actor, action):
        raise NotFound(_("There is no improvement action with this reference."))
    return action


def _require(actor: Actor, action: ImprovementAction, step: Step) -> None:
    if may_take(actor, action, step):
        return
    if step in OWNER_STEPS:
        message = _("Only the action's owner, complaints managers and top management change it.")
    else:
        message = _("Only complaints managers and top management may do this.")
    raise Forbidden(message)


def _text(value: str, *, field: str, required: str | None = None) -> str:
    value = value.strip()
    if required is not None and not value:
        raise InvalidInput(required, code=f"{field}_required", field=field)
    if len(value) > MAX_NOTE:
        raise InvalidInput(
            _("Keep it under %(limit)d characters.") % {"limit": MAX_NOTE},
            code=f"{field}_too_long",
            field=field,
        )
    return value


def check_owner(owner_id: int | None) -> None:
    if (
        owner_id is not None
        and not get_user_model()
        .objects.filter(pk=owner_id, is_active=True, staff_profile__isnull=False)
        .exists()
    ):
        raise InvalidInput(_("Choose an active staff member as the owner."), code="invalid_owner",
                           field="owner")  # fmt: skip


def check_kind(kind: str) -> None:
    if kind not in ActionKind.values:
        raise InvalidInput(_("Choose corrective, preventive or improvement."), code="invalid_kind",
                           field="kind")  # fmt: skip


def effectiveness_due(implemented_on: dt.date) -> dt.date:
    """When the effectiveness check of an action implemented that day falls due (8.7)."""
    return implemented_on + dt.timedelta(days=settings.SORI_EFFECTIVENESS_CHECK_DAYS)


def _today() -> dt.date:
    return clock.now().astimezone(time_zone()).date()


def check_due(due_on: dt.date | None) -> None:
    if due_on is not None and due_on < clock.now().date():
        raise InvalidInput(_("The due date is in the past."), code="due_in_past", field="due_on")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def update_action(
    *,
    actor: Actor,
    reference: str,
    status: str | Literal[_Unchanged.TOKEN] = UNCHANGED,
    kind: str | Literal[_Unchanged.TOKEN] = UNCHANGED,
    owner_id: int | Literal[_Unchanged.TOKEN] | None = UNCHANGED,
    due_on: dt.date | Literal[_Unchanged.TOKEN] | None = UNCHANGED,
    description: str | Literal[_Unchanged.TOKEN] = UNCHANGED,
    cause: str | Literal[_Unchanged.TOKEN] = UNCHANGED,
) -> ImprovementAction:
    """Change what the action says, who owns it, when it is due, or start / resume the work.

    No version is asked for: the row is locked for the change and the fields are independent.
    Only the fields given change; nothing changed writes nothing.
    """
    with transaction.atomic():
        action = _locked(actor, reference)
        _require(actor, action, Step.UPDATE)
        if action.status in FINAL:
            raise ActionMoveNotAllowed(
                _("An improvement action that is “%(current)s” is finished and cannot be changed.")
                % {"current": _status_label(action.status)}
            )
        wanted: dict[str, Any] = {}
        if status is not UNCHANGED and status != action.status:
            _check_move(action, status, Step.UPDATE)
            wanted["status"] = status
        if kind is not UNCHANGED and kind != action.kind:
            check_kind(kind)
            wanted["kind"] = kind
        if owner_id is not UNCHANGED and owner_id != action.owner_id:
            if not can_open_actions(actor):
                raise Forbidden(
                    _("Only complaints managers and top management choose an action's owner.")
                )
            check_owner(owner_id)
            wanted["owner_id"] = owner_id
        if due_on is not UNCHANGED and due_on != action.due_on:
            check_due(due_on)
            wanted["due_on"] = due_on
        for name, value in (("description", description), ("cause", cause)):
            if value is not UNCHANGED:
                text = _text(value, field=name)
                if text != getattr(action, name):
                    wanted[name] = text
        if not wanted:
            return action
        changes = {
            name: [_plain(getattr(action, name)), _plain(new)] for name, new in wanted.items()
        }
        for name, value in wanted.items():
            setattr(action, name, value)
        action.save(update_fields=[*wanted, "updated_at"])
        record(
            action="sori.improvement.updated",
            actor=actor,
            object_type="improvement_action",
            object_id=action.reference,
            data={"changes": changes},
            iso_clause="8.7",
        )
    return action


def record_implementation(*, actor: Actor, reference: str, note: str) -> ImprovementAction:
    """The work is done: say what was done; the effectiveness check falls due a set time later
    (8.7, ``SORI_EFFECTIVENESS_CHECK_DAYS``). Implemented again after a failed check, the new
    note and dates replace the old ones on the record; the audit trail keeps both."""
    note = _text(note, field="note", required=_("Say what was done."))
    with transaction.atomic():
        action = _locked(actor, reference)
        _require(actor, action, Step.IMPLEMENT)
        _check_move(action, ActionStatus.IMPLEMENTED, Step.IMPLEMENT)
        previous = action.status
        action.status = ActionStatus.IMPLEMENTED
        action.implemented_at = clock.now()
        action.implementation_note = note
        action.effectiveness_due_on = effectiveness_due(_today())
        action.save(
            update_fields=[
                "status",
                "implemented_at",
                "implementation_note",
                "effectiveness_due_on",
                "updated_at",
            ]
        )
        record(
            action="sori.improvement.implemented",
            actor=actor,
            object_type="improvement_action",
            object_id=action.reference,
            data={
                "from": previous,
                "note": note,
                "effectiveness_due_on": action.effectiveness_due_on.isoformat(),
            },
            iso_clause="8.7",
        )
    return action


def check_effectiveness(
    *, actor: Actor, reference: str, effective: bool, note: str
) -> ImprovementAction:
    """Record whether the implemented action removed the cause (8.7), and the evidence.

    Not effective is recorded as found; resuming the work is a separate, deliberate step.
    "Effective" waits for the check's due date: before it, the complaints cannot yet show that
    the cause is gone; a recurrence seen earlier is evidence enough for "not effective".
    """
    note = _text(note, field="note", required=_("Say what the check looked at and what it found."))
    target = ActionStatus.EFFECTIVE if effective else ActionStatus.NOT_EFFECTIVE
    with transaction.atomic():
        action = _locked(actor, reference)
        _require(actor, action, Step.CHECK)
        _check_move(action, target, Step.CHECK)
        due = action.effectiveness_due_on
        if effective and due is not None and _today() < due:
            raise InvalidInput(
                _("Too early to call it effective: the check falls due on %(date)s.")
                % {"date": due.isoformat()},
                code="check_not_due",
                field="effective",
            )
        action.status = target
        action.effectiveness_checked_at = clock.now()
        action.effectiveness_note = note
        action.save(
            update_fields=["status", "effectiveness_checked_at", "effectiveness_note", "updated_at"]
        )
        record(
            action="sori.improvement.effectiveness_checked",
            actor=actor,
            object_type="improvement_action",
            object_id=action.reference,
            data={"effective": effective, "note": note},
            iso_clause="8.7",
        )
    return action


def cancel_action(*, actor: Actor, reference: str, reason: str) -> ImprovementAction:
    """Stop an action that is no longer needed, saying why (kept on the record and in the trail)."""
    reason = _text(reason, field="reason", required=_("Say why the action is cancelled."))
    with transaction.atomic():
        action = _locked(actor, reference)
        _require(actor, action, Step.CANCEL)
        _check_move(action, ActionStatus.CANCELLED, Step.CANCEL)
        previous = action.status
        action.status = ActionStatus.CANCELLED
        action.cancel_reason = reason
        action.save(update_fields=["status", "cancel_reason", "updated_at"])
        record(
            action="sori.improvement.cancelled",
            actor=actor,
            object_type="improvement_action",
            object_id=action.reference,
            data={"from": previous, "reason": reason},
            iso_clause="8.7",
        )
    return action
