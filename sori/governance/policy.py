"""Reading the complaints-handling policy: the version in force, the history and who has
acknowledged it (ISO 10002 5.1 commitment, 5.2 policy; KS Q ISO 10002 numbering, 2018: 5.2, 5.3).

- ``policy_in_force(on=...)``: the published version in force on a date, for the portal (the
  public text needs no viewer) and for the acknowledgement prompt.
- ``policy_history(viewer=...)`` and ``policy_version(viewer=..., number=...)``: every version
  with its status, approver and dates (what an auditor asks for: the approved, dated policy).
- ``acknowledgement_status(viewer=..., policy=...)``: active staff, who acknowledged (when), who
  has not, and the share acknowledged (5.2: the policy is known to all staff).
- ``policy_to_acknowledge(viewer=...)``: the version in force if this staff member still has to
  acknowledge it, in one query (R-5.3.1: a new version is a task for every member of staff).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.analytics.filters import time_zone
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, NotFound
from sori.governance import access
from sori.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion

# The auditor examines the records and changes none (8.5), so does not acknowledge the policy
# either: every other staff role is asked to read it, and counts in the share.
ACKNOWLEDGERS = access.EVERY_STAFF_ROLE - {access.AUDITOR}
# Who sees which staff members have or have not acknowledged (the overseers of the process).
ACKNOWLEDGEMENT_READERS = access.OVERSEERS


class VersionState:
    """Where a version stands today: its stored status, and for a published one its dates."""

    DRAFT = "draft"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


def state_label(state: str) -> str:
    labels = {
        VersionState.DRAFT: _("draft"),
        VersionState.APPROVED: _("approved, not yet published"),
        VersionState.SCHEDULED: _("published, in force from its effective date"),
        VersionState.IN_FORCE: _("in force"),
        VersionState.SUPERSEDED: _("superseded"),
        VersionState.WITHDRAWN: _("withdrawn"),
    }
    return labels[state]


def today() -> dt.date:
    """Today in the organisation's time zone: effective dates are the organisation's days."""
    return clock.now().astimezone(time_zone()).date()


def _in_force_on(on: dt.date) -> Q:
    return (
        Q(status=PolicyStatus.PUBLISHED, effective_from__lte=on)
        & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    )  # fmt: skip


def policy_in_force(*, on: dt.date | None = None) -> PolicyVersion | None:
    """The published version in force on ``on`` (today by default), or None.

    Public: the portal shows it to anyone (ISO 10002 5.2: the policy is available to the public).
    """
    day = on or today()
    return PolicyVersion.objects.filter(_in_force_on(day)).order_by("-effective_from").first()


def state_of(version: PolicyVersion, on: dt.date | None = None) -> str:
    if version.status == PolicyStatus.DRAFT:
        return VersionState.DRAFT
    if version.status == PolicyStatus.APPROVED:
        return VersionState.APPROVED
    if version.status == PolicyStatus.WITHDRAWN:
        return VersionState.WITHDRAWN
    day = on or today()
    if version.effective_from is not None and version.effective_from > day:
        return VersionState.SCHEDULED
    if version.effective_to is not None and version.effective_to < day:
        return VersionState.SUPERSEDED
    return VersionState.IN_FORCE


@dataclass(frozen=True)
class Localised:
    """A version's title and text in one language."""

    language: str
    title: str
    body: str


def localised(version: PolicyVersion, language: str | None = None) -> Localised:
    """The version in ``language`` (the active language by default): Korean or English."""
    code = (language or get_language() or "ko")[:2]
    if code == "en":
        return Localised("en", version.title_en, version.body_en)
    return Localised("ko", version.title_ko, version.body_ko)


def summary(text: str) -> str:
    """The first paragraph of a policy's text (the portal's how-to-complain page shows it)."""
    for paragraph in text.replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            return paragraph.strip()
    return ""


def can_read_policy(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in access.POLICY_READERS


def _check_reader(viewer: Actor) -> None:
    if not can_read_policy(viewer):
        raise Forbidden(_("Your role does not give you access to the policy records."))


def _versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("drafted_by", "approved_by", "published_by")


@dataclass(frozen=True)
class VersionRow:
    version: PolicyVersion
    state: str
    state_label: str


def policy_history(*, viewer: Actor) -> list[VersionRow]:
    """Every version, newest first, with where it stands today (5.2: the version history)."""
    _check_reader(viewer)
    day = today()
    rows = []
    for version in _versions().order_by("-number"):
        state = state_of(version, day)
        rows.append(VersionRow(version=version, state=state, state_label=state_label(state)))
    return rows


def policy_version(*, viewer: Actor, number: int) -> VersionRow:
    _check_reader(viewer)
    version = _versions().filter(number=number).first()
    if version is None:
        raise NotFound(_("There is no version %(number)d of the policy.") % {"number": number})
    state = state_of(version)
    return VersionRow(version=version, state=state, state_label=state_label(state))


def open_version() -> PolicyVersion | None:
    """The draft or approved version not yet published, if any (one at a time)."""
    return (
        PolicyVersion.objects.filter(status__in=[PolicyStatus.DRAFT, PolicyStatus.APPROVED])
        .order_by("-number")
        .first()
    )


def _active_staff() -> QuerySet:
    """Staff members who are asked to acknowledge: active accounts in a role that acknowledges."""
    return get_user_model().objects.filter(
        is_active=True, staff_profile__role__in=sorted(ACKNOWLEDGERS)
    )


@dataclass(frozen=True)
class Acknowledged:
    user_id: int
    name: str
    role: str
    at: dt.datetime


@dataclass(frozen=True)
class Pending:
    user_id: int
    name: str
    role: str


@dataclass(frozen=True)
class AcknowledgementStatus:
    policy: PolicyVersion
    staff_count: int
    acknowledged: list[Acknowledged]
    pending: list[Pending]

    @property
    def acknowledged_count(self) -> int:
        return len(self.acknowledged)

    @property
    def share(self) -> Decimal | None:
        """Per cent of active staff who acknowledged, to one decimal place (None with no staff)."""
        if not self.staff_count:
            return None
        share = Decimal(100 * self.acknowledged_count) / Decimal(self.staff_count)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _name(user) -> str:  # type: ignore[no-untyped-def]
    return str(user.get_full_name() or user.get_username())


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def acknowledgement_status(*, viewer: Actor, policy: PolicyVersion) -> AcknowledgementStatus:
    """Who of the active staff acknowledged ``policy``, when, and who has not (5.2)."""
    if not (viewer.is_staff and viewer.role in ACKNOWLEDGEMENT_READERS):
        raise Forbidden(_("Only those who oversee complaints handling see who acknowledged."))
    staff = _active_staff().select_related("staff_profile").order_by("username")
    stamps = dict(
        PolicyAcknowledgement.objects.filter(policy=policy, user__in=staff).values_list(
            "user_id", "acknowledged_at"
        )
    )
    acknowledged: list[Acknowledged] = []
    pending: list[Pending] = []
    for user in staff:
        role = _role_label(user.staff_profile.role)
        if user.pk in stamps:
            acknowledged.append(Acknowledged(user.pk, _name(user), role, stamps[user.pk]))
        else:
            pending.append(Pending(user.pk, _name(user), role))
    acknowledged.sort(key=lambda row: row.at)
    return AcknowledgementStatus(
        policy=policy,
        staff_count=len(acknowledged) + len(pending),
        acknowledged=acknowledged,
        pending=pending,
    )


def acknowledged_at(*, viewer: Actor, policy: PolicyVersion) -> dt.datetime | None:
    """When ``viewer`` acknowledged ``policy``, or None."""
    if viewer.user_id is None:
        return None
    return (
        PolicyAcknowledgement.objects.filter(policy=policy, user_id=viewer.user_id)
        .values_list("acknowledged_at", flat=True)
        .first()
    )


def policy_to_acknowledge(*, viewer: Actor | None) -> PolicyVersion | None:
    """The version in force when ``viewer`` still has to acknowledge it, in one query (R-5.3.1)."""
    if viewer is None or not viewer.is_staff or viewer.user_id is None:
        return None
    if viewer.role not in ACKNOWLEDGERS:
        return None
    done = PolicyAcknowledgement.objects.filter(policy=OuterRef("pk"), user_id=viewer.user_id)
    version = (
        PolicyVersion.objects.filter(_in_force_on(today()))
        .annotate(done=Exists(done))
        .order_by("-effective_from")
        .only("pk", "number", "effective_from")
        .first()
    )
    if version is None or version.done:
        return None
    return version


@dataclass(frozen=True)
class PolicyOverview:
    """What the policy page shows ``viewer``: the version in force, their own acknowledgement,
    the share who acknowledged (overseers only) and the history."""

    current: PolicyVersion | None
    history: list[VersionRow]
    open_version: PolicyVersion | None
    may_acknowledge: bool
    my_acknowledgement: dt.datetime | None
    status: AcknowledgementStatus | None


def policy_overview(*, viewer: Actor) -> PolicyOverview:
    _check_reader(viewer)
    current = policy_in_force()
    mine = None
    status = None
    if current is not None:
        mine = acknowledged_at(viewer=viewer, policy=current)
        if viewer.role in ACKNOWLEDGEMENT_READERS:
            status = acknowledgement_status(viewer=viewer, policy=current)
    return PolicyOverview(
        current=current,
        history=policy_history(viewer=viewer),
        open_version=open_version(),
        may_acknowledge=current is not None and viewer.role in ACKNOWLEDGERS,
        my_acknowledgement=mine,
        status=status,
    )


@dataclass(frozen=True)
class VersionDetail:
    row: VersionRow
    # Who acknowledged a published version (overseers only).
    status: AcknowledgementStatus | None


def version_detail(*, viewer: Actor, number: int) -> VersionDetail:
    row = policy_version(viewer=viewer, number=number)
    status = None
    if row.version.status == PolicyStatus.PUBLISHED and viewer.role in ACKNOWLEDGEMENT_READERS:
        status = acknowledgement_status(viewer=viewer, policy=row.version)
    return VersionDetail(row=row, status=status)
