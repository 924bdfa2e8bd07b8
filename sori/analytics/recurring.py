"""Reading the recurring groups the scan found (ISO 10002 8.2), for the viewer.

A group is shown only through the members the viewer may see (``sori.complaints.scope.visible``):
its size, dates and members are those of the visible members, and a group with none is hidden.
Titles are written here, in the reader's language, from what the scan stored (see
``sori.analytics.services.recurring_scan`` for what ``key`` and ``score`` hold per kind).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.analytics.models import GroupKind, RecurringGroup
from sori.analytics.services.recurring_scan import SCANNED
from sori.audit.models import AuditEntry
from sori.complaints.models import Category, Complaint
from sori.complaints.scope import visible
from sori.complaints.workflow import STATUS_LABELS, Status
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.governance.models import ActionStatus
from sori.governance.services.actions import can_open_actions

# ISO 10002 8.2 analysis is the complaints manager's; top management, auditors and
# administrators read it.
RECURRING_READERS = frozenset(
    {
        Role.COMPLAINTS_MANAGER.value,
        Role.TOP_MANAGEMENT.value,
        Role.AUDITOR.value,
        Role.ADMINISTRATOR.value,
    }
)
PER_PAGE = 20
PREVIEW_MEMBERS = 10
# More members than this are counted, not listed, on the group's page.
MAX_LISTED_MEMBERS = 1000
SUMMARY_CHARS = 200
_TITLE_CHARS = 80
_STATUSES = frozenset(item.value for item in Status)


class GroupState(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"
    ALL = "all"


STATE_LABELS = {
    GroupState.OPEN: gettext_lazy("waiting for a decision"),
    GroupState.DISMISSED: gettext_lazy("dismissed"),
    GroupState.ACTIONED: gettext_lazy("improvement action opened"),
    GroupState.ALL: gettext_lazy("all"),
}


@dataclass(frozen=True)
class Member:
    reference: str
    received_at: dt.datetime
    category: str
    status: str
    summary: str


@dataclass(frozen=True)
class GroupRow:
    id: int
    kind: str
    kind_label: str
    title: str
    scope: str  # the category (and product) the group is about, in words; "" when none
    size: int  # the members the viewer may see
    first_at: dt.datetime
    last_at: dt.datetime
    similarity: float | None  # similar text only
    expected: float | None  # rising category only: complaints expected in 30 days
    state: str
    state_label: str
    detected_at: dt.datetime
    scanned_at: dt.datetime
    dismissed_at: dt.datetime | None
    dismissed_by: str
    dismissal_note: str
    action_reference: str
    action_status: str
    fingerprint: str
    members: list[Member] = field(default_factory=list)

    @property
    def more_members(self) -> int:
        return max(0, self.size - len(self.members))

    @property
    def open(self) -> bool:
        return self.state == GroupState.OPEN


@dataclass(frozen=True)
class LastScan:
    at: dt.datetime
    by: str
    found: int
    texts_capped: bool
    texts_read: int
    text_limit: int


@dataclass(frozen=True)
class GroupPage:
    rows: list[GroupRow]
    kind: str
    state: str
    counts: dict[str, int]  # kind → groups in this state, for the tabs
    page: int
    has_next: bool
    last_scan: LastScan | None
    may_decide: bool


def _check_reader(viewer: Actor) -> None:
    if not viewer.is_staff or viewer.role not in RECURRING_READERS:
        raise Forbidden(_("Your role does not give access to the recurring-issue analysis."))


def _visible_members(viewer: Actor) -> QuerySet[Complaint]:
    return Complaint.objects.filter(visible(viewer))


def _state_filter(state: str) -> Q:
    if state == GroupState.OPEN:
        return Q(dismissed_at__isnull=True, improvement_action__isnull=True)
    if state == GroupState.DISMISSED:
        return Q(dismissed_at__isnull=False, improvement_action__isnull=True)
    if state == GroupState.ACTIONED:
        return Q(improvement_action__isnull=False)
    return Q()


def _groups(viewer: Actor) -> QuerySet[RecurringGroup, dict[str, Any]]:
    """Groups with at least one member the viewer may see, sized by those members."""
    # The filter on the members comes before the aggregates, so they count visible members only.
    return (
        RecurringGroup.objects.filter(complaints__in=_visible_members(viewer))
        .annotate(
            visible_size=Count("complaints", distinct=True),
            visible_first=Min("complaints__received_at"),
            visible_last=Max("complaints__received_at"),
        )
        .values(
            "pk",
            "kind",
            "key",
            "score",
            "fingerprint",
            "detected_at",
            "scanned_at",
            "dismissed_at",
            "dismissal_note",
            "visible_size",
            "visible_first",
            "visible_last",
            dismissed_by_name=F("dismissed_by__username"),
            action_reference=F("improvement_action__reference"),
            action_status=F("improvement_action__status"),
        )
    )


def _category_labels(codes: set[str]) -> dict[str, str]:
    column = "label_en" if get_language() == "en" else "label_ko"
    return dict(Category.objects.filter(code__in=codes).values_list("code", column))


def _members(viewer: Actor, group_ids: list[int], per_group: int | None) -> dict[int, list[Member]]:
    """The visible members of the groups, oldest first; at most ``per_group`` each."""
    through = RecurringGroup.complaints.through
    rows: Any = through.objects.filter(
        recurringgroup_id__in=group_ids, complaint__in=_visible_members(viewer)
    )
    if per_group is not None:
        rows = rows.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("recurringgroup_id")],
                order_by=[F("complaint__received_at").asc(), F("complaint_id").asc()],
            )
        ).filter(position__lte=per_group)
    column = "label_en" if get_language() == "en" else "label_ko"
    rows = rows.order_by("recurringgroup_id", "complaint__received_at", "complaint_id").values(
        "recurringgroup_id",
        "complaint__reference",
        "complaint__received_at",
        "complaint__status",
        "complaint__subject",
        category=F(f"complaint__category__{column}"),
        text=Substr("complaint__description", 1, SUMMARY_CHARS),
    )
    if per_group is None:
        rows = rows[:MAX_LISTED_MEMBERS]
    found: dict[int, list[Member]] = {group_id: [] for group_id in group_ids}
    for row in rows:
        status = row["complaint__status"]
        found[row["recurringgroup_id"]].append(
            Member(
                reference=row["complaint__reference"],
                received_at=row["complaint__received_at"],
                category=row["category"] or "",
                status=str(STATUS_LABELS[Status(status)]) if status in _STATUSES else status,
                summary=row["complaint__subject"] or row["text"] or "",
            )
        )
    return found


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TITLE_CHARS else text[: _TITLE_CHARS - 1] + "…"


def _scope(kind: str, key: str, labels: dict[str, str]) -> str:
    if kind == GroupKind.SIMILAR:
        code, _sep, product = key.partition("|")
        parts = [labels.get(code, code) if code else _("no category")]
        if product:
            parts.append(product)
        return " · ".join(parts)
    if kind == GroupKind.RISING:
        return labels.get(key, key)
    return ""


def _title(kind: str, size: int, first: dt.datetime, last: dt.datetime, scope: str,
           members: list[Member], expected: float | None) -> str:  # fmt: skip
    if kind == GroupKind.SIMILAR:
        text = _snippet(members[0].summary) if members else ""
        return ngettext(
            "%(count)d similar complaint: “%(text)s”",
            "%(count)d similar complaints: “%(text)s”",
            size,
        ) % {"count": size, "text": text}
    if kind == GroupKind.RETURNING:
        days = max(1, (last.date() - first.date()).days + 1)
        return ngettext(
            "One complainant came back: %(count)d complaint in %(days)d days",
            "One complainant came back: %(count)d complaints in %(days)d days",
            size,
        ) % {"count": size, "days": days}
    return _("“%(category)s” is rising: %(expected)s complaints expected in 30 days") % {
        "category": scope,
        "expected": f"{expected or 0:.1f}",
    }


def _state(row: dict[str, Any]) -> GroupState:
    if row["action_reference"]:
        return GroupState.ACTIONED
    if row["dismissed_at"] is not None:
        return GroupState.DISMISSED
    return GroupState.OPEN


def _row(row: dict[str, Any], members: list[Member], labels: dict[str, str]) -> GroupRow:
    kind, state = row["kind"], _state(row)
    expected = row["score"] if kind == GroupKind.RISING else None
    scope = _scope(kind, row["key"], labels)
    size, first, last = row["visible_size"], row["visible_first"], row["visible_last"]
    action_status = row["action_status"]
    return GroupRow(
        id=row["pk"],
        kind=kind,
        kind_label=str(GroupKind(kind).label) if kind in GroupKind.values else kind,
        title=_title(kind, size, first, last, scope, members, expected),
        scope=scope,
        size=size,
        first_at=first,
        last_at=last,
        similarity=row["score"] if kind == GroupKind.SIMILAR else None,
        expected=expected,
        state=state.value,
        state_label=str(STATE_LABELS[state]),
        detected_at=row["detected_at"],
        scanned_at=row["scanned_at"],
        dismissed_at=row["dismissed_at"],
        dismissed_by=row["dismissed_by_name"] or "",
        dismissal_note=row["dismissal_note"],
        action_reference=row["action_reference"] or "",
        action_status=str(ActionStatus(action_status).label)
        if action_status in ActionStatus.values
        else "",
        fingerprint=row["fingerprint"],
        members=members,
    )


def _rows(viewer: Actor, found: list[dict[str, Any]], per_group: int | None) -> list[GroupRow]:
    members = _members(viewer, [row["pk"] for row in found], per_group)
    codes = {
        row["key"].partition("|")[0] if row["kind"] == GroupKind.SIMILAR else row["key"]
        for row in found
        if row["kind"] != GroupKind.RETURNING
    }
    labels = _category_labels(codes)
    return [_row(row, members[row["pk"]], labels) for row in found]


def last_scan(*, viewer: Actor) -> LastScan | None:
    """When the scan last ran, who ran it and what it read (from its audit entry)."""
    _check_reader(viewer)
    entry = (
        AuditEntry.objects.filter(action=SCANNED)
        .order_by("-seq")
        .values("occurred_at", "actor_label", "data")
        .first()
    )
    if entry is None:
        return None
    data = entry["data"] or {}
    return LastScan(
        at=entry["occurred_at"],
        by=entry["actor_label"],
        found=int(data.get("similar", 0)) + int(data.get("returning", 0))
        + int(data.get("rising", 0)),
        texts_capped=bool(data.get("texts_capped")),
        texts_read=int(data.get("texts_read", 0)),
        text_limit=int(data.get("text_limit", 0)),
    )  # fmt: skip


def recurring_groups(
    *,
    viewer: Actor,
    kind: str = "",
    state: str = GroupState.OPEN,
    page: int = 1,
    per_page: int = PER_PAGE,
    preview: int = PREVIEW_MEMBERS,
) -> GroupPage:
    """One page of groups, most recently active first, each with its first members."""
    _check_reader(viewer)
    if kind and kind not in GroupKind.values:
        raise InvalidInput(_("There is no such kind of group."), code="unknown_kind", field="kind")
    if state not in {item.value for item in GroupState}:
        raise InvalidInput(_("There is no such state."), code="unknown_state", field="state")
    page = max(1, page)
    groups = _groups(viewer).filter(_state_filter(state))
    counts = {value: 0 for value in GroupKind.values}
    for row in (
        RecurringGroup.objects.filter(_state_filter(state), complaints__in=_visible_members(viewer))
        .values("kind")
        .annotate(groups=Count("pk", distinct=True))
    ):
        counts[row["kind"]] = row["groups"]
    if kind:
        groups = groups.filter(kind=kind)
    start = (page - 1) * per_page
    found = list(groups.order_by("-last_at", "-pk")[start : start + per_page + 1])
    has_next = len(found) > per_page
    return GroupPage(
        rows=_rows(viewer, found[:per_page], preview),
        kind=kind,
        state=state,
        counts=counts,
        page=page,
        has_next=has_next,
        last_scan=last_scan(viewer=viewer),
        may_decide=can_open_actions(viewer),
    )


def group_detail(*, viewer: Actor, group_id: int) -> GroupRow:
    """One group with its visible members (up to ``MAX_LISTED_MEMBERS``), or ``NotFound``."""
    _check_reader(viewer)
    found = list(_groups(viewer).filter(pk=group_id))
    if not found:
        raise NotFound(_("There is no such group of complaints."))
    return _rows(viewer, found, None)[0]


def group_member_ids(*, viewer: Actor, group_id: int, limit: int) -> list[int]:
    """The newest ``limit`` members of the group the viewer may see (for the improvement action)."""
    return list(
        RecurringGroup.complaints.through.objects.filter(
            recurringgroup_id=group_id, complaint__in=_visible_members(viewer)
        )
        .order_by("-complaint__received_at", "-complaint_id")
        .values_list("complaint_id", flat=True)[:limit]
    )
