"""Reading improvement actions: the list, one action with its complaints and history (ISO 10002 8.7).

Complaints managers, top management, auditors and administrators read every action (8.5: the
auditor reads, changes nothing); anyone else reads the actions they own. An action's linked
complaints are shown only as far as the reader may see them (4.10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sori.accounts.models import Role
from sori.analytics.filters import time_zone
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.complaints.scope import visible
from sori.complaints.workflow import STATUS_LABELS, Status
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.governance.models import ActionKind, ActionSource, ActionStatus, ImprovementAction
from sori.governance.services.actions import (
    ACTION_READERS,
    MAX_LINKED_COMPLAINTS,
    Step,
    available_steps,
    can_open_actions,
    can_read_action,
    may_edit,
)

PAGE_SIZE = 50
# Still to be done: an action past its due date in one of these is overdue.
LIVE = frozenset({ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value})

HISTORY_LABELS = {
    "sori.improvement.opened": gettext_lazy("Opened"),
    "sori.improvement.updated": gettext_lazy("Changed"),
    "sori.improvement.implemented": gettext_lazy("Implementation recorded"),
    "sori.improvement.effectiveness_checked": gettext_lazy("Effectiveness checked"),
    "sori.improvement.cancelled": gettext_lazy("Cancelled"),
}
FIELD_LABELS = {
    "status": gettext_lazy("status"),
    "kind": gettext_lazy("kind"),
    "owner_id": gettext_lazy("owner"),
    "due_on": gettext_lazy("due"),
    "description": gettext_lazy("description"),
    "cause": gettext_lazy("cause"),
}


@dataclass(frozen=True)
class ActionRow:
    reference: str
    title: str
    source: str
    source_label: str
    kind_label: str
    status: str
    status_label: str
    owner: str
    due_on: dt.date | None
    opened_at: dt.datetime
    complaints: int  # linked complaints the reader may see
    overdue: bool


@dataclass(frozen=True)
class ActionPage:
    rows: list[ActionRow]
    number: int
    has_next: bool
    total: int


@dataclass(frozen=True)
class LinkedComplaint:
    reference: str
    received_at: dt.datetime
    category: str
    status_label: str
    subject: str


@dataclass(frozen=True)
class HistoryLine:
    occurred_at: dt.datetime
    actor: str
    what: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActionDetail:
    action: ImprovementAction
    source_label: str
    status_label: str
    owner: str
    opened_by: str
    overdue: bool
    check_due: bool  # implemented, and its effectiveness check has fallen due (8.7)
    # The record the action came from, as (back-office URL name, its argument, label), if any.
    origin: tuple[str, str, str] | None
    complaints: list[LinkedComplaint]
    hidden_complaints: int  # linked complaints outside the reader's scope
    history: list[HistoryLine]
    # What the reader may do now: target status → step, and whether they may edit / reassign.
    steps: dict[str, Step]
    may_edit: bool
    may_assign: bool

    def can(self, step: str) -> bool:
        return step in self.steps.values()


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _overdue(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    return due_on is not None and status in LIVE and due_on < today


# Source keys that name a record with a page: (prefix, URL name, label).
_ORIGINS = (
    ("audit:", "audit", gettext_lazy("Internal audit %(reference)s")),
    ("review:", "review", gettext_lazy("Management review %(reference)s")),
    ("complaint:", "complaint", gettext_lazy("Complaint %(reference)s")),
)


def _origin(source_key: str) -> tuple[str, str, str] | None:
    """The audit, review or complaint an action came from (8.5, 8.6, 8.7), from its source key."""
    for prefix, name, label in _ORIGINS:
        if source_key.startswith(prefix):
            reference = source_key[len(prefix) :].split(":", 1)[0]
            if reference:
                return name, reference, str(label) % {"reference": reference}
    return None


def _check_due(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    return status == ActionStatus.IMPLEMENTED and due_on is not None and due_on <= today


def _visible_count(viewer: Actor) -> Coalesce:
    """Per action, how many of its complaints the viewer may see (one subquery)."""
    counted = (
        Complaint.objects.filter(visible(viewer), improvement_actions=OuterRef("pk"))
        .order_by()
        .values("improvement_actions")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def readable_actions(viewer: Actor) -> QuerySet[ImprovementAction]:
    if not viewer.is_staff:
        raise Forbidden(_("Only staff read improvement actions."))
    rows = ImprovementAction.objects.all()
    if viewer.role not in ACTION_READERS:
        rows = rows.filter(owner_id=viewer.user_id) if viewer.user_id else rows.none()
    return rows


def action_page(
    *,
    viewer: Actor,
    status: str = "",
    source: str = "",
    owner_id: int | None = None,
    overdue: bool = False,
    check_due: bool = False,
    kind: str = "",
    complaint: str = "",
    from_complaints: bool = False,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> ActionPage:
    """The actions the viewer may read, newest first, narrowed by the filters.

    ``complaint`` (a reference) keeps the actions linked to that complaint, ``from_complaints``
    those linked to any complaint the viewer may see: "show me an improvement that came from a
    complaint" (ISO 10002 8.7, what auditors ask for).
    """
    if status and status not in ActionStatus.values:
        raise InvalidInput(_("There is no such status."), code="unknown_status", field="status")
    if source and source not in ActionSource.values:
        raise InvalidInput(_("There is no such source."), code="unknown_source", field="source")
    if kind and kind not in ActionKind.values:
        raise InvalidInput(_("There is no such kind."), code="unknown_kind", field="kind")
    today = clock.now().astimezone(time_zone()).date()
    rows = readable_actions(viewer)
    if status:
        rows = rows.filter(status=status)
    if source:
        rows = rows.filter(source=source)
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    if overdue:
        rows = rows.filter(status__in=LIVE, due_on__lt=today)
    if check_due:
        rows = rows.filter(status=ActionStatus.IMPLEMENTED, effectiveness_due_on__lte=today)
    if kind:
        rows = rows.filter(kind=kind)
    if complaint:
        linked = Complaint.objects.filter(visible(viewer), reference=complaint.strip().upper())
        rows = rows.filter(complaints__in=linked.values("pk"))
    if from_complaints:
        rows = rows.filter(
            Exists(Complaint.objects.filter(visible(viewer), improvement_actions=OuterRef("pk")))
        )
    total = rows.count()
    page = max(1, page)
    chunk = list(
        rows.select_related("owner")
        .annotate(visible_complaints=_visible_count(viewer))
        .order_by("-opened_at", "-id")[(page - 1) * size : page * size + 1]
    )
    return ActionPage(
        rows=[
            ActionRow(
                reference=action.reference,
                title=action.title,
                source=action.source,
                source_label=_label(ActionSource, action.source),
                kind_label=_label(ActionKind, action.kind),
                status=action.status,
                status_label=_label(ActionStatus, action.status),
                owner=action.owner.get_username() if action.owner else "",
                due_on=action.due_on,
                opened_at=action.opened_at,
                complaints=action.visible_complaints,
                overdue=_overdue(action.status, action.due_on, today),
            )
            for action in chunk[:size]
        ],
        number=page,
        has_next=len(chunk) > size,
        total=total,
    )


def _history(reference: str) -> list[HistoryLine]:
    entries = AuditEntry.objects.filter(
        object_type="improvement_action", object_id=reference
    ).order_by("seq")
    users = dict(
        get_user_model().objects.filter(staff_profile__isnull=False).values_list("pk", "username")
    )
    lines = []
    for entry in entries:
        data = entry.data or {}
        details: list[str] = []
        if entry.action == "sori.improvement.updated":
            for name, (old, new) in (data.get("changes") or {}).items():
                if name == "status":
                    old, new = _label(ActionStatus, old), _label(ActionStatus, new)
                elif name == "owner_id":
                    old, new = users.get(old, old or "—"), users.get(new, new or "—")
                details.append(
                    _("%(field)s: %(old)s → %(new)s")
                    % {"field": FIELD_LABELS.get(name, name), "old": old or "—", "new": new or "—"}
                )
        elif entry.action == "sori.improvement.effectiveness_checked":
            details.append(_("Effective") if data.get("effective") else _("Not effective"))
        for key in ("note", "reason"):
            if data.get(key):
                details.append(str(data[key]))
        lines.append(
            HistoryLine(
                occurred_at=entry.occurred_at,
                actor=entry.actor_label,
                what=str(HISTORY_LABELS.get(entry.action, entry.action)),
                details=details,
            )
        )
    return lines


def action_detail(*, viewer: Actor, reference: str) -> ActionDetail:
    """One action: what, why, who, when, its complaints (as far as the viewer may see them),
    its history from the audit trail and what the viewer may do with it."""
    action = (
        ImprovementAction.objects.select_related("owner", "opened_by")
        .filter(reference=reference)
        .first()
    )
    if action is None or not can_read_action(viewer, action):
        raise NotFound(_("There is no improvement action with this reference."))
    linked = action.complaints.all()
    total = linked.count()
    shown = (
        linked.filter(visible(viewer))
        .select_related("category")
        .order_by("received_at", "pk")[:MAX_LINKED_COMPLAINTS]
    )
    complaints = [
        LinkedComplaint(
            reference=complaint.reference,
            received_at=complaint.received_at,
            category=complaint.category.label if complaint.category else "",
            status_label=str(STATUS_LABELS.get(Status(complaint.status), complaint.status)),
            subject=complaint.subject or complaint.description[:120],
        )
        for complaint in shown
    ]
    visible_total = linked.filter(visible(viewer)).count()
    today = clock.now().astimezone(time_zone()).date()
    return ActionDetail(
        action=action,
        source_label=_label(ActionSource, action.source),
        status_label=_label(ActionStatus, action.status),
        owner=action.owner.get_username() if action.owner else "",
        opened_by=action.opened_by.get_username() if action.opened_by else "",
        overdue=_overdue(action.status, action.due_on, today),
        check_due=_check_due(action.status, action.effectiveness_due_on, today),
        origin=_origin(action.source_key),
        complaints=complaints,
        hidden_complaints=total - visible_total,
        history=_history(action.reference),
        steps=available_steps(viewer, action),
        may_edit=may_edit(viewer, action),
        may_assign=can_open_actions(viewer) and may_edit(viewer, action),
    )


def owner_choices() -> list[tuple[int, str]]:
    """Active staff members who may own an action, as (user id, "username (role)")."""
    roles = dict(Role.choices)
    people = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .order_by("username")
        .values_list("pk", "username", "staff_profile__role")
    )
    return [(pk, f"{username} ({roles.get(role, role)})") for pk, username, role in people]


def complaint_ids(viewer: Actor, references: Iterable[str]) -> tuple[list[int], list[str]]:
    """The ids of the complaints the viewer may see among ``references``, and the references
    that name no such complaint (unknown or outside the viewer's scope)."""
    wanted = sorted({reference.strip().upper() for reference in references if reference.strip()})
    if not wanted:
        return [], []
    found = dict(
        Complaint.objects.filter(visible(viewer), reference__in=wanted).values_list(
            "reference", "pk"
        )
    )
    return [found[r] for r in wanted if r in found], [r for r in wanted if r not in found]


def visible_complaint(viewer: Actor, reference: str) -> Complaint | None:
    """A complaint the viewer may see, by reference (to open an action from it)."""
    return (
        Complaint.objects.filter(Q(visible(viewer)), reference=reference.strip().upper())
        .only("pk", "reference", "subject", "description")
        .first()
    )


@dataclass(frozen=True)
class LinkedAction:
    reference: str
    title: str
    status_label: str


def actions_for_complaint(*, viewer: Actor, reference: str) -> list[LinkedAction]:
    """The improvement actions the viewer may read that a complaint led to (8.7, 4.13)."""
    if not viewer.is_staff:
        return []
    rows = (
        readable_actions(viewer)
        .filter(complaints__reference=reference)
        .order_by("-opened_at", "-id")
    )
    return [
        LinkedAction(action.reference, action.title, _label(ActionStatus, action.status))
        for action in rows.only("reference", "title", "status")[:20]
    ]
