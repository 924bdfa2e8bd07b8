"""Everything the back-office workspace shows about one complaint, for one viewer (ISO 10002 7.3–7.9).

One read per page: the header, the casework records (tasks, contacts, findings, conflicts,
related complaints), the timeline with its public and internal lines, the attachments, the
actions the workflow table and the viewer's role allow now, and the choices the forms offer.
Every query goes through ``selectors.complaint_for`` (scope: a complaint outside the viewer's
scope is "not found") and related complaints through ``scope.visible``. Complainant contact
details come only from ``selectors.complaint_detail``, which logs each reading (4.10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sori.accounts.models import Role, StaffProfile, Unit
from sori.complaints import policies, scope, selectors
from sori.complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintLink,
    ConflictDeclaration,
    ContactRecord,
    InvestigationTask,
    RootCause,
)
from sori.complaints.selectors import AttachmentView, ComplaintView, TransitionOptions
from sori.complaints.services.assignment import ASSIGNABLE_ROLES
from sori.complaints.workflow import (
    EVENT_LABELS,
    FINAL_STATUSES,
    STATUS_LABELS,
    Event,
    Status,
)
from sori.core import clock
from sori.core.actors import Actor

User = get_user_model()

# How the staff timeline names lines that are not workflow events.
KIND_LABELS = {
    "received": _("complaint received"),
    "note": _("internal note"),
    "assigned": _("assignment"),
    "conflict_declared": _("conflict of interest declared"),
    "staff_named": _("staff named in the complaint"),
    "safety_escalated": _("safety risk escalated"),
    "linked": _("related complaint linked"),
    "unlinked": _("related complaint unlinked"),
    "message_received": _("message from the complainant"),
    "unverified_mail": _("unverified email"),
    "mail_attachments_refused": _("email attachments refused"),
    "referral_outcome": _("external body's outcome"),
    # ISO 10002 7.3: deadlines and what the complainant was told about them.
    "deadline_extended": _("deadline extended"),
    "holding_reply": _("holding reply sent"),
    "overdue_notice": _("delay notice sent to the complainant"),
    "sla_breached": _("SLA target missed"),
}

# Staff who may be named in or declare a conflict on a complaint: everyone who handles cases or
# decides on them (4.7).
CONFLICT_ROLES = frozenset({"handler", "investigator", "complaints_manager", "approver"})


@dataclass(frozen=True)
class Person:
    id: int
    label: str
    role_label: str = ""
    unit: str = ""
    # Why this person may not handle the complaint (named in it, declared a conflict), if so.
    objectivity: str = ""


@dataclass(frozen=True)
class Header:
    reference: str
    subject: str
    status: str
    status_label: str
    priority: str
    priority_label: str
    due_at: dt.datetime | None
    overdue: bool
    assignee: str | None
    assignee_id: int | None
    unit: str | None
    unit_id: int | None
    channel: str
    channel_label: str
    received_at: dt.datetime
    received_by: str | None
    language_label: str
    category: str | None
    version: int
    final: bool
    merged_into: str | None


@dataclass(frozen=True)
class Assessment:
    done: bool
    severity: str
    safety_risk: bool | None
    complexity: str
    impact: str
    immediate_action_needed: bool | None
    immediate_action: str
    assessed_at: dt.datetime | None
    assessed_by: str | None


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    from_label: str
    to_label: str
    note: str
    actor: str
    public: bool
    occurred_at: dt.datetime


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    owner: str
    due_on: dt.date | None
    overdue: bool
    done_at: dt.datetime | None
    outcome: str
    created_by: str


@dataclass(frozen=True)
class ContactRecordView:
    id: int
    contacted_at: dt.datetime
    method: str
    method_label: str
    party: str
    summary: str
    recorded_by: str


@dataclass(frozen=True)
class Findings:
    text: str
    root_cause_code: str
    root_cause_label: str
    root_cause_note: str


@dataclass(frozen=True)
class ConflictView:
    staff: str
    reason: str
    declared_by: str
    declared_at: dt.datetime


@dataclass(frozen=True)
class RelatedView:
    reference: str
    subject: str
    status_label: str
    note: str


@dataclass(frozen=True)
class Permissions:
    """What the viewer's role and scope allow on this complaint.

    The first group says which forms to show now (an open complaint); the ``may_*`` group what
    the role may do at all, checked before a posted form is even read.
    """

    assess: bool
    assign: bool
    investigate: bool
    declare_conflict: bool
    declare_for_others: bool
    read_personal_data: bool
    may_assign: bool = False
    may_investigate: bool = False
    may_declare_conflict: bool = False
    may_fire: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Choices:
    assignees: list[Person]
    staff: list[Person]
    units: list[tuple[int, str]]
    root_causes: list[tuple[str, str]]


@dataclass(frozen=True)
class WorkspaceView:
    header: Header
    description: str
    desired_remedy: str
    occurred_on: dt.date | None
    occurred_place: str
    product_or_service: str
    order_reference: str
    representative_relationship: str
    assistance_needs: str
    assessment: Assessment
    timeline: list[TimelineEntry]
    attachments: list[AttachmentView]
    tasks: list[TaskView]
    contacts: list[ContactRecordView]
    findings: Findings
    conflicts: list[ConflictView]
    named_staff: list[Person]
    related: list[RelatedView]
    merged_from: list[str]
    options: TransitionOptions
    permissions: Permissions
    choices: Choices
    # The complaint as ``selectors.complaint_detail`` shows it, with the complainant's contact
    # details when the role allows (that reading is logged); None when not asked for.
    detail: ComplaintView | None


def _label(user: object | None) -> str | None:
    if user is None:
        return None
    return str(user.get_username())  # type: ignore[attr-defined]


def _unit_label(unit: Unit | None) -> str | None:
    return str(unit) if unit is not None else None


def _status_label(value: str) -> str:
    try:
        return str(STATUS_LABELS[Status(value)])
    except ValueError:
        return value


def _kind_label(kind: str) -> str:
    if kind in KIND_LABELS:
        return str(KIND_LABELS[kind])
    try:
        return str(EVENT_LABELS[Event(kind)])
    except ValueError:
        return kind.replace("_", " ")


def _header(complaint: Complaint, now: dt.datetime) -> Header:
    final = Status(complaint.status) in FINAL_STATUSES
    return Header(
        reference=complaint.reference,
        subject=complaint.subject,
        status=complaint.status,
        status_label=_status_label(complaint.status),
        priority=complaint.priority,
        priority_label=str(complaint.get_priority_display()),
        due_at=complaint.due_at,
        overdue=bool(complaint.due_at and complaint.due_at < now and not final),
        assignee=_label(complaint.assignee),
        assignee_id=complaint.assignee_id,
        unit=_unit_label(complaint.unit),
        unit_id=complaint.unit_id,
        channel=complaint.channel,
        channel_label=str(Channel(complaint.channel).label)
        if complaint.channel in Channel.values
        else complaint.channel,
        received_at=complaint.received_at,
        received_by=_label(complaint.received_by),
        language_label=str(complaint.get_language_display()),
        category=complaint.category.label if complaint.category else None,
        version=complaint.version,
        final=final,
        merged_into=complaint.merged_into.reference if complaint.merged_into else None,
    )


def _assessment(complaint: Complaint) -> Assessment:
    return Assessment(
        done=complaint.assessed_at is not None,
        severity=str(complaint.get_severity_display()) if complaint.severity else "",
        safety_risk=complaint.safety_risk,
        complexity=str(complaint.get_complexity_display()) if complaint.complexity else "",
        impact=str(complaint.get_impact_display()) if complaint.impact else "",
        immediate_action_needed=complaint.immediate_action_needed,
        immediate_action=complaint.immediate_action,
        assessed_at=complaint.assessed_at,
        assessed_by=_label(complaint.assessed_by),
    )


def _timeline(complaint: Complaint) -> list[TimelineEntry]:
    # Staff see every line; ``public`` tells them which ones the complainant sees too (7.3).
    return [
        TimelineEntry(
            kind=event.kind,
            label=_kind_label(event.kind),
            from_label=_status_label(event.from_status) if event.from_status else "",
            to_label=_status_label(event.to_status) if event.to_status else "",
            note=event.note,
            actor=event.actor_label,
            public=event.public,
            occurred_at=event.occurred_at,
        )
        for event in complaint.events.order_by("occurred_at", "id")
    ]


def _tasks(complaint: Complaint, today: dt.date) -> list[TaskView]:
    rows = InvestigationTask.objects.filter(complaint=complaint).select_related(
        "owner", "created_by"
    )
    return [
        TaskView(
            id=task.pk,
            title=task.title,
            owner=task.owner.get_username(),
            due_on=task.due_on,
            overdue=bool(task.due_on and task.done_at is None and task.due_on < today),
            done_at=task.done_at,
            outcome=task.outcome,
            created_by=task.created_by.get_username(),
        )
        for task in rows.order_by("done_at", "due_on", "id")
    ]


def _contacts(complaint: Complaint) -> list[ContactRecordView]:
    rows = ContactRecord.objects.filter(complaint=complaint).select_related("recorded_by")
    return [
        ContactRecordView(
            id=row.pk,
            contacted_at=row.contacted_at,
            method=row.method,
            method_label=str(row.get_method_display()),
            party=row.party,
            summary=row.summary,
            recorded_by=row.recorded_by.get_username(),
        )
        for row in rows.order_by("contacted_at", "id")
    ]


def _findings(complaint: Complaint) -> Findings:
    cause = complaint.root_cause
    return Findings(
        text=complaint.findings,
        root_cause_code=cause.code if cause else "",
        root_cause_label=cause.label if cause else "",
        root_cause_note=complaint.root_cause_note,
    )


def _conflicts(complaint: Complaint) -> list[ConflictView]:
    rows = ConflictDeclaration.objects.filter(complaint=complaint).select_related(
        "staff", "declared_by"
    )
    return [
        ConflictView(
            staff=row.staff.get_username(),
            reason=row.reason,
            declared_by=row.declared_by.get_username(),
            declared_at=row.declared_at,
        )
        for row in rows
    ]


def _related(viewer: Actor, complaint: Complaint) -> list[RelatedView]:
    """Complaints linked to this one in either direction that the viewer may see (4.10)."""
    links = ComplaintLink.objects.filter(Q(source=complaint) | Q(target=complaint)).values_list(
        "source_id", "target_id", "note"
    )
    notes = {}
    for source_id, target_id, note in links:
        notes[target_id if source_id == complaint.pk else source_id] = note
    if not notes:
        return []
    rows = (
        Complaint.objects.filter(scope.visible(viewer), pk__in=notes)
        .order_by("received_at", "id")
        .values_list("pk", "reference", "subject", "status")
    )
    return [
        RelatedView(
            reference=reference,
            subject=subject,
            status_label=_status_label(status),
            note=notes[pk],
        )
        for pk, reference, subject, status in rows
    ]


def _merged_from(viewer: Actor, complaint: Complaint) -> list[str]:
    return list(
        Complaint.objects.filter(scope.visible(viewer), merged_into=complaint)
        .order_by("received_at", "id")
        .values_list("reference", flat=True)
    )


def _role_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Role.choices}


def _people(roles: frozenset[str], complaint: Complaint) -> list[Person]:
    named = set(complaint.named_staff.values_list("pk", flat=True))
    conflicted = set(
        ConflictDeclaration.objects.filter(complaint=complaint).values_list("staff_id", flat=True)
    )
    roles_shown = _role_labels()
    profiles = (
        StaffProfile.objects.filter(role__in=roles, user__is_active=True)
        .select_related("user", "unit")
        .order_by("user__username")
    )
    people = []
    for profile in profiles:
        objectivity = ""
        if profile.user_id in named:
            objectivity = str(_("named in the complaint"))
        elif profile.user_id in conflicted:
            objectivity = str(_("declared a conflict of interest"))
        people.append(
            Person(
                id=profile.user_id,
                label=profile.user.get_username(),
                role_label=roles_shown.get(profile.role, profile.role),
                unit=_unit_label(profile.unit) or "",
                objectivity=objectivity,
            )
        )
    return people


def _choices(complaint: Complaint, permissions: Permissions) -> Choices:
    """What the forms offer; only read when the viewer may use the forms."""
    if not (permissions.assign or permissions.investigate or permissions.declare_conflict):
        return Choices(assignees=[], staff=[], units=[], root_causes=[])
    assignees = _people(ASSIGNABLE_ROLES, complaint)
    staff = _people(CONFLICT_ROLES, complaint)
    units = [(unit.pk, str(unit)) for unit in Unit.objects.order_by("code")]
    causes = _tree(list(RootCause.objects.filter(active=True).order_by("position", "code")))
    return Choices(assignees=assignees, staff=staff, units=units, root_causes=causes)


def _permissions(viewer: Actor, complaint: Complaint) -> Permissions:
    final = Status(complaint.status) in FINAL_STATUSES
    worker = bool(policies.can_investigate.test(viewer, complaint))
    assigner = bool(policies.can_assign.test(viewer, complaint))
    conflicts = viewer.is_staff and viewer.role in CONFLICT_ROLES
    # ``policies.may_fire`` per event, with the scope (a query for scoped roles) asked once.
    scoped = bool(policies.in_scope(viewer, complaint))
    fireable = frozenset(
        event.value
        for event in Event
        if scoped and policies.EVENT_RULES.test_rule(event, viewer, complaint)
    )
    return Permissions(
        assess=Event.ASSESS.value in fireable and complaint.status == Status.ACKNOWLEDGED,
        assign=assigner and not final,
        investigate=worker and not final,
        declare_conflict=conflicts and not final,
        declare_for_others=assigner,
        read_personal_data=bool(policies.can_read_personal_data.test(viewer, complaint)),
        may_assign=assigner,
        may_investigate=worker,
        may_declare_conflict=conflicts,
        may_fire=fireable,
    )


def form_choices(*, viewer: Actor, reference: str) -> tuple[Choices, Permissions]:
    """What the workspace's forms offer and who may use them, to check a posted form against.

    Raises ``NotFound`` outside the viewer's scope, before anything they typed is looked at.
    """
    complaint = selectors.complaint_for(viewer=viewer, reference=reference)
    permissions = _permissions(viewer, complaint)
    return _choices(complaint, permissions), permissions


def merged_target(*, viewer: Actor, reference: str) -> str | None:
    """Where a merged complaint's page should send the viewer, if they may see it (7.3).

    Raises ``NotFound`` like the workspace for a complaint the viewer may not read.
    """
    complaint = selectors.complaint_for(viewer=viewer, reference=reference)
    target = complaint.merged_into
    if complaint.status != Status.MERGED or target is None:
        return None
    if not policies.can_read_complaint.test(viewer, target):
        return None
    return target.reference


def workspace(*, viewer: Actor, reference: str, personal_data: bool = True) -> WorkspaceView:
    """The workspace of one complaint for ``viewer``, or ``NotFound`` outside their scope.

    ``personal_data=False`` leaves out the complaint's own text and contact details (for
    refreshing one panel after a change: the page around it already shows them, and reading
    them again would log another viewing).
    """
    complaint = selectors.complaint_for(viewer=viewer, reference=reference)
    complaint = (
        Complaint.objects.select_related(
            "category",
            "assignee",
            "unit",
            "merged_into",
            "received_by",
            "assessed_by",
            "root_cause",
        )
        .defer("on_behalf_of", "merged_into__on_behalf_of")
        .get(pk=complaint.pk)
    )
    now = clock.now()
    permissions = _permissions(viewer, complaint)
    detail = (
        selectors.complaint_detail(viewer=viewer, reference=reference) if personal_data else None
    )
    named = [
        Person(id=user.pk, label=user.get_username())
        for user in complaint.named_staff.order_by("username")
    ]
    return WorkspaceView(
        header=_header(complaint, now),
        description=complaint.description,
        desired_remedy=complaint.desired_remedy,
        occurred_on=complaint.occurred_on,
        occurred_place=complaint.occurred_place,
        product_or_service=complaint.product_or_service,
        order_reference=complaint.order_reference,
        representative_relationship=complaint.representative_relationship,
        assistance_needs=complaint.assistance_needs,
        assessment=_assessment(complaint),
        timeline=_timeline(complaint),
        attachments=selectors.attachments_for(viewer, reference),
        tasks=_tasks(complaint, now.date()),
        contacts=_contacts(complaint),
        findings=_findings(complaint),
        conflicts=_conflicts(complaint),
        named_staff=named,
        related=_related(viewer, complaint),
        merged_from=_merged_from(viewer, complaint),
        options=selectors.transition_options(viewer=viewer, reference=reference),
        permissions=permissions,
        choices=_choices(complaint, permissions),
        detail=detail,
    )


def category_choices(*, viewer: Actor) -> list[tuple[str, str]]:
    """The active categories as a tree in the current language, for the intake form (8.2).

    Categories are published on the portal too, so every viewer gets the same list.
    """
    return _tree(list(Category.objects.filter(active=True).order_by("position", "code")))


def _tree(rows: list[Category] | list[RootCause]) -> list[tuple[str, str]]:
    """``(code, label)`` of a code tree, each child under its parent marked with dashes."""
    children: dict[int | None, list[Category | RootCause]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    known = {row.pk for row in rows}
    choices: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in children.get(parent, []):
            choices.append((row.code, f"{'— ' * depth}{row.label}"))
            walk(row.pk, depth + 1)

    walk(None, 0)
    # A child whose parent is inactive still appears, at the top level.
    for parent_id, rows_under in children.items():
        if parent_id is not None and parent_id not in known:
            for row in rows_under:
                choices.append((row.code, row.label))
                walk(row.pk, 1)
    return choices
