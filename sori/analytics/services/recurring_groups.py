"""Deciding about a recurring group: dismiss it, or open an improvement action for it.

ISO 10002 8.2 asks that recurring and systemic problems be found; 8.7 that what is found lead to
corrective action. A complaints manager or top management either opens an improvement action for
the group (through ``sori.governance.services.action_opening.open_improvement_action``, so the action
has its reference, its audit entry and the group's complaints linked) or dismisses the group with
a reason. The decision sticks: the scan keeps finding the same group under the same record.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sori.analytics.filters import time_zone
from sori.analytics.models import GroupKind, RecurringGroup
from sori.analytics.recurring import group_detail, group_member_ids
from sori.audit.services import record
from sori.complaints.models import Category
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sori.governance.models import ActionSource, ImprovementAction
from sori.governance.services.action_opening import open_improvement_action
from sori.governance.services.actions import MAX_LINKED_COMPLAINTS, can_open_actions

MAX_NOTE = 2000
SOURCES = {
    GroupKind.SIMILAR: ActionSource.SIMILAR_COMPLAINTS,
    GroupKind.RETURNING: ActionSource.RETURNING_COMPLAINANT,
    GroupKind.RISING: ActionSource.RISING_CATEGORY,
}


def _check_decider(actor: Actor) -> None:
    if not can_open_actions(actor):
        raise Forbidden(
            _("Only complaints managers and top management decide about recurring groups.")
        )


def _locked(actor: Actor, group_id: int) -> RecurringGroup:
    """The group, locked for this transaction, if the actor may see one of its members."""
    group_detail(viewer=actor, group_id=group_id)  # NotFound when none is visible
    group = RecurringGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("There is no such group of complaints."))
    if group.improvement_action_id is not None:
        raise Conflict(
            _("An improvement action is already open for this group."), code="already_actioned"
        )
    return group


def dismiss_group(*, actor: Actor, group_id: int, note: str) -> RecurringGroup:
    """Mark the group as looked at and not needing action, with the reason (ISO 10002 8.2)."""
    _check_decider(actor)
    note = note.strip()
    if not note:
        raise InvalidInput(
            _("Say why the group needs no action; auditors read the reason."),
            code="note_required",
            field="note",
        )
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            _("Keep the reason under %(limit)d characters.") % {"limit": MAX_NOTE},
            code="note_too_long",
            field="note",
        )
    with transaction.atomic():
        group = _locked(actor, group_id)
        if group.dismissed_at is not None:
            raise Conflict(_("This group was already dismissed."), code="already_dismissed")
        group.dismissed_at = clock.now()
        group.dismissed_by_id = actor.user_id
        group.dismissal_note = note
        group.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_note"])
        record(
            action="sori.analytics.recurring_dismissed",
            actor=actor,
            object_type="recurring_group",
            object_id=group.fingerprint[:64],
            data={"kind": group.kind, "size": group.size, "note": note},
            iso_clause="8.2",
        )
    return group


def _day(moment: dt.datetime) -> str:
    return date_format(moment.astimezone(time_zone()).date(), "Y-m-d")


def _cause(group: RecurringGroup) -> str:
    """What the scan found, in words, as the action's cause."""
    span = {"count": group.size, "first": _day(group.first_at), "last": _day(group.last_at)}
    if group.kind == GroupKind.SIMILAR:
        return ngettext(
            "%(count)d complaint with near-identical text (mean similarity %(score).2f), "
            "received from %(first)s to %(last)s.",
            "%(count)d complaints with near-identical text (mean similarity %(score).2f), "
            "received from %(first)s to %(last)s.",
            group.size,
        ) % {**span, "score": group.score}
    if group.kind == GroupKind.RETURNING:
        return (
            ngettext(
                "One complainant made %(count)d complaint from %(first)s to %(last)s.",
                "One complainant made %(count)d complaints from %(first)s to %(last)s.",
                group.size,
            )
            % span
        )
    return _(
        "Complaints in the category “%(category)s” rose above the expected %(expected).1f in "
        "30 days; %(count)d complaints received from %(first)s to %(last)s."
    ) % {**span, "category": _category_label(group.key), "expected": group.score}


def _category_label(code: str) -> str:
    category = Category.objects.filter(code=code).first()
    return category.label if category is not None else code


def open_action_for_group(
    *,
    actor: Actor,
    group_id: int,
    title: str,
    description: str = "",
    owner_id: int | None = None,
    due_on: dt.date | None = None,
) -> ImprovementAction:
    """Open an improvement action for the group, its complaints linked (ISO 10002 8.2, 8.7)."""
    _check_decider(actor)
    with transaction.atomic():
        group = _locked(actor, group_id)
        members = group_member_ids(viewer=actor, group_id=group.pk, limit=MAX_LINKED_COMPLAINTS)
        action = open_improvement_action(
            actor=actor,
            title=title,
            description=description,
            cause=_cause(group),
            source=SOURCES.get(GroupKind(group.kind), ActionSource.OTHER),
            source_key=f"recurring:{group.fingerprint}",
            complaint_ids=members,
            owner_id=owner_id,
            due_on=due_on,
        )
        group.improvement_action = action
        group.save(update_fields=["improvement_action"])
        record(
            action="sori.analytics.recurring_actioned",
            actor=actor,
            object_type="recurring_group",
            object_id=group.fingerprint[:64],
            data={"kind": group.kind, "size": group.size, "improvement_action": action.reference},
            iso_clause="8.2",
        )
    return action
