"""Who is responsible for what (ISO 10002 5.3 responsibility and authority; 2018: 5.4).

- ``RACI``: the complaints-handling activities × the duties the standard names, as data
  (R responsible, A accountable, C consulted, I informed).
- ``role_gaps()``: the duties the process needs that nobody holds; the system check
  (``sori.governance.checks``) and the roles page show them.
- ``role_matrix(viewer=...)``: the RACI table, who holds each duty today and the gaps, as plain
  data (dataclasses of strings) so the page and the evidence pack show the same thing.

The representative and the deputies are ``Appointment`` rows; every other duty is a staff role
(``sori.accounts``). Approvers are the staff who may approve a remedy (``APPROVING_ROLES``) with an
authority limit above zero (2018: 4.12 accountability).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sori.accounts.models import Role, StaffProfile
from sori.complaints.services.response import APPROVING_ROLES
from sori.core.actors import Actor
from sori.core.errors import Forbidden
from sori.governance.access import APPOINTERS, ROLE_MATRIX_READERS
from sori.governance.competence import local_today
from sori.governance.models import Appointment, AuditStatus, Duty, InternalAudit

REPRESENTATIVE = Duty.REPRESENTATIVE.value
DEPUTY = Duty.DEPUTY.value
APPROVER = Role.APPROVER.value

# The columns of the RACI table, in order: staff roles and the appointed representative.
DUTIES: list[tuple[str, object]] = [
    (Role.TOP_MANAGEMENT.value, Role.TOP_MANAGEMENT.label),
    (REPRESENTATIVE, Duty.REPRESENTATIVE.label),
    (Role.COMPLAINTS_MANAGER.value, Role.COMPLAINTS_MANAGER.label),
    (APPROVER, Role.APPROVER.label),
    (Role.HANDLER.value, Role.HANDLER.label),
    (Role.INVESTIGATOR.value, Role.INVESTIGATOR.label),
    (Role.AUDITOR.value, Role.AUDITOR.label),
    (Role.ADMINISTRATOR.value, Role.ADMINISTRATOR.label),
]
_COLUMNS = [key for key, _label in DUTIES]

# (activity key, label, the clause it serves, {duty: R/A/C/I}). One A per activity.
RACI: list[tuple[str, object, str, dict[str, str]]] = [
    (
        "receive",
        gettext_lazy("Receive and record the complaint"),
        "7.2",
        {"handler": "R", "complaints_manager": "A", "representative": "I"},
    ),
    (
        "acknowledge",
        gettext_lazy("Acknowledge the complaint"),
        "7.3",
        {"handler": "R", "complaints_manager": "A"},
    ),
    (
        "assess",
        gettext_lazy("Assess the complaint"),
        "7.4",
        {"handler": "R", "complaints_manager": "A", "investigator": "C"},
    ),
    (
        "investigate",
        gettext_lazy("Investigate"),
        "7.5",
        {"investigator": "R", "complaints_manager": "A", "handler": "C"},
    ),
    (
        "decide",
        gettext_lazy("Decide and approve the remedy"),
        "7.6",
        {
            "handler": "R",
            "approver": "A",
            "complaints_manager": "C",
            "investigator": "C",
            "top_management": "I",
        },
    ),
    (
        "communicate",
        gettext_lazy("Communicate the decision"),
        "7.7",
        {"handler": "R", "complaints_manager": "A", "approver": "I"},
    ),
    (
        "close",
        gettext_lazy("Close the complaint"),
        "7.9",
        {"handler": "R", "complaints_manager": "A", "representative": "I"},
    ),
    (
        "analyse",
        gettext_lazy("Analyse and evaluate complaints"),
        "8.3",
        {"complaints_manager": "R", "representative": "A", "top_management": "I", "auditor": "I"},
    ),
    (
        "improve",
        gettext_lazy("Improvement actions"),
        "8.7",
        {
            "complaints_manager": "R",
            "representative": "A",
            "handler": "C",
            "investigator": "C",
            "top_management": "I",
        },
    ),
    (
        "audit",
        gettext_lazy("Internal audit"),
        "8.5",
        {"auditor": "R", "top_management": "A", "representative": "C", "complaints_manager": "C"},
    ),
    (
        "review",
        gettext_lazy("Management review"),
        "8.6",
        {"representative": "R", "top_management": "A", "complaints_manager": "C", "auditor": "I"},
    ),
    (
        "policy",
        gettext_lazy("Complaints-handling policy"),
        "5.3",
        {
            "complaints_manager": "R",
            "top_management": "A",
            "representative": "C",
            "approver": "I",
            "handler": "I",
            "investigator": "I",
            "auditor": "I",
            "administrator": "I",
        },
    ),
]


@dataclass(frozen=True)
class DutyColumn:
    key: str
    label: str


@dataclass(frozen=True)
class RaciRow:
    key: str
    label: str
    clause: str
    cells: list[str]  # one letter (or "") per column of ``DUTIES``


@dataclass(frozen=True)
class Holder:
    user_id: str
    name: str
    username: str
    unit: str = ""
    detail: str = ""  # an approver's authority limit, an appointment's start
    appointment_id: str = ""


@dataclass(frozen=True)
class HolderGroup:
    key: str
    label: str
    holders: list[Holder] = field(default_factory=list)


@dataclass(frozen=True)
class Gap:
    key: str
    message: str


@dataclass(frozen=True)
class RoleMatrix:
    as_of: str
    duties: list[DutyColumn]
    activities: list[RaciRow]
    holders: list[HolderGroup]
    gaps: list[Gap]


def _active_staff() -> QuerySet[StaffProfile]:
    return StaffProfile.objects.filter(user__is_active=True).select_related("user", "unit")


def in_force(on: dt.date) -> Q:
    """Appointments that hold on ``on`` (``ended_on`` is the last day)."""
    return Q(starts_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def appointments_in_force(duty: str, on: dt.date | None = None) -> QuerySet[Appointment]:
    day = on or local_today()
    return (
        Appointment.objects.filter(in_force(day), duty=duty, user__is_active=True)
        .select_related("user")
        .order_by("starts_on", "id")
    )


def _approvers() -> QuerySet[StaffProfile]:
    return _active_staff().filter(role__in=APPROVING_ROLES, authority_limit__gt=0)


def role_gaps(on: dt.date | None = None) -> list[Gap]:
    """The duties the process needs that nobody holds on ``on`` (5.3; 2018: 5.4)."""
    day = on or local_today()
    staff = _active_staff()
    gaps: list[Gap] = []
    if not staff.filter(role=Role.TOP_MANAGEMENT).exists():
        gaps.append(Gap("top_management", _("Nobody holds the top-management role.")))
    if not appointments_in_force(REPRESENTATIVE, day).exists():
        gaps.append(
            Gap("representative", _("No complaints-management representative is appointed."))
        )
    if not staff.filter(role=Role.HANDLER).exists():
        gaps.append(Gap("handler", _("There is no active complaint handler.")))
    if not _approvers().exists():
        gaps.append(
            Gap(
                "approver",
                _("Nobody may approve a remedy: no approver or manager has an authority limit."),
            )
        )
    # An internal audit may be carried out by any independent staff member it names (8.5).
    named_auditor = InternalAudit.objects.filter(
        status__in=[AuditStatus.PLANNED, AuditStatus.IN_PROGRESS], auditor__is_active=True
    )
    if not staff.filter(role=Role.AUDITOR).exists() and not named_auditor.exists():
        gaps.append(
            Gap(
                "auditor",
                _("Nobody can audit: there is no auditor and no internal audit names one."),
            )
        )
    return gaps


def _name(user: object) -> str:
    full = user.get_full_name()  # type: ignore[attr-defined]
    return str(full or user.get_username())  # type: ignore[attr-defined]


def _holder(profile: StaffProfile, detail: str = "") -> Holder:
    return Holder(
        user_id=str(profile.user_id),
        name=_name(profile.user),
        username=profile.user.get_username(),
        unit=str(profile.unit) if profile.unit else "",
        detail=detail,
    )


def _appointed(duty: str, day: dt.date) -> list[Holder]:
    return [
        Holder(
            user_id=str(appointment.user_id),
            name=_name(appointment.user),
            username=appointment.user.get_username(),
            detail=_("since %(day)s") % {"day": appointment.starts_on.isoformat()},
            appointment_id=str(appointment.pk),
        )
        for appointment in appointments_in_force(duty, day)
    ]


def _by_role(role: str) -> list[Holder]:
    rows = _active_staff().filter(role=role).order_by("user__username")
    return [_holder(profile) for profile in rows]


def holders(on: dt.date | None = None) -> list[HolderGroup]:
    """Who holds each duty on ``on``."""
    day = on or local_today()
    approvers = [
        _holder(
            profile,
            _("up to %(amount)s KRW (%(role)s)")
            % {
                "amount": number_format(profile.authority_limit or 0, 0, force_grouping=True),
                "role": profile.get_role_display(),
            },
        )
        for profile in _approvers().order_by("-authority_limit", "user__username")
    ]
    return [
        HolderGroup(
            REPRESENTATIVE, str(Duty.REPRESENTATIVE.label), _appointed(REPRESENTATIVE, day)
        ),
        HolderGroup(DEPUTY, _("deputy representatives"), _appointed(DEPUTY, day)),
        HolderGroup(
            "top_management", str(Role.TOP_MANAGEMENT.label), _by_role(Role.TOP_MANAGEMENT)
        ),
        HolderGroup(
            "complaints_manager",
            str(Role.COMPLAINTS_MANAGER.label),
            _by_role(Role.COMPLAINTS_MANAGER),
        ),
        HolderGroup(APPROVER, _("approvers, with their authority limits"), approvers),
        HolderGroup("handler", str(Role.HANDLER.label), _by_role(Role.HANDLER)),
        HolderGroup("investigator", str(Role.INVESTIGATOR.label), _by_role(Role.INVESTIGATOR)),
        HolderGroup("auditor", str(Role.AUDITOR.label), _by_role(Role.AUDITOR)),
        HolderGroup("administrator", str(Role.ADMINISTRATOR.label), _by_role(Role.ADMINISTRATOR)),
    ]


def raci_rows() -> list[RaciRow]:
    return [
        RaciRow(key, str(label), clause, [cells.get(column, "") for column in _COLUMNS])
        for key, label, clause, cells in RACI
    ]


def can_appoint(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in APPOINTERS


def role_matrix(*, viewer: Actor, on: dt.date | None = None) -> RoleMatrix:
    """The RACI table, today's holders and the empty duties (5.3; 2018: 5.4)."""
    if not (viewer.is_staff and viewer.role in ROLE_MATRIX_READERS):
        raise Forbidden(_("Your role does not let you read the roles and responsibilities."))
    day = on or local_today()
    return RoleMatrix(
        as_of=day.isoformat(),
        duties=[DutyColumn(key, str(label)) for key, label in DUTIES],
        activities=raci_rows(),
        holders=holders(day),
        gaps=role_gaps(day),
    )


def appointable_staff() -> list[tuple[int, str]]:
    """Active staff members, for the appointment form."""
    users = get_user_model().objects.filter(is_active=True, staff_profile__isnull=False)
    return [
        (user.pk, f"{_name(user)} ({user.get_username()})") for user in users.order_by("username")
    ]
