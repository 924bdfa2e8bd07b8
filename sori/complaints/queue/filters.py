"""What a queue filter is, and the query it makes: the tabs, the filters, the scope (ISO 10002 7.3).

Every query starts from ``scope.visible(viewer)`` (4.10) and adds the open/closed condition and
the tab; ``_filtered`` then applies the rest of a ``QueueFilter``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.complaints import policies, scope, search
from sori.complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    InvestigationTask,
    RootCause,
)
from sori.complaints.workflow import (
    ENDED_STATUSES,
    ENDING_EVENTS,
    FINAL_STATUSES,
    OPEN_STATUSES,
    Status,
)
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden
from sori.sla.models import Stage, Timer, TimerState

SOON_DAYS = 3
_FINAL = sorted(status.value for status in FINAL_STATUSES)
# Exactly the condition of the partial index ``complaint_queue_idx``, with the statuses written
# into the SQL: SQLite uses a partial index only when the query repeats its condition with the
# same constants, and Django would send them as bound parameters. (Constants from the workflow
# table, never input.)
OPEN = Q(
    RawSQL(  # noqa: S611 (constants, see above)
        'NOT ("complaints_complaint"."status" IN ({}))'.format(
            ", ".join(f"'{status}'" for status in _FINAL)
        ),
        (),
        output_field=BooleanField(),
    )
)
# In the order the workflow goes, for the filter and the counts.
OPEN_ORDER = [status for status in Status if status in OPEN_STATUSES]
# Case workers are given complaints; these roles oversee them.
_CASE_ROLES = frozenset({Role.HANDLER.value, Role.INVESTIGATOR.value})


class View(StrEnum):
    MINE = "mine"
    TEAM = "team"
    ALL = "all"


class State(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ANY = "any"


class DueState(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    SOON = "soon"
    LATER = "later"


# The keys of a queue address that make up a filter (what a saved filter keeps).
FILTER_KEYS = (
    "view",
    "state",
    "status",
    "priority",
    "category",
    "category_only",
    "channel",
    "unit",
    "assignee",
    "due",
    "received_from",
    "received_to",
    "closed_from",
    "closed_to",
    "root_cause",
    "product",
    "missed",
    "missed_from",
    "missed_to",
    "open_at",
    "survey",
    "q",
)
# ``root_cause=none``: complaints with no root cause recorded (a dashboard's "not recorded" row).
NO_ROOT_CAUSE = "none"
# ``category=none``: complaints not classified yet (the Pareto's "not classified" row).
NO_CATEGORY = "none"
UNASSIGNED = "none"
# ``survey``: complaints whose complainant answered the satisfaction survey, or did not (8.3).
SURVEY_ANSWERED, SURVEY_UNANSWERED = "answered", "unanswered"
# The stages with an "on time" figure (ISO 10002 7.4, 7.3, 7.9): ``missed`` lists their misses.
MISSABLE_STAGES = tuple(
    (stage.value, stage.label)
    for stage in (Stage.ACKNOWLEDGE, Stage.DECISION, Stage.INTERNAL_REVIEW, Stage.CLOSE)
)


@dataclass(frozen=True)
class QueueFilter:
    """What the person asked for; every part narrows the queue (empty = no narrowing)."""

    view: View = View.ALL
    state: State = State.OPEN
    statuses: tuple[str, ...] = ()
    priority: str = ""
    category: str = ""  # a category code; its sub-categories are included
    # ISO 10002 8.2: the Pareto's "<category> itself" row — that category, not those below it.
    category_only: bool = False
    channel: str = ""
    unit: str = ""  # a unit code
    assignee: str = ""  # a user id, or UNASSIGNED
    due: str = ""  # a DueState value
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    # ISO 10002 8.2: the dashboards drill down to the complaints behind a figure.
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    root_cause: str = ""  # a root-cause code (its sub-codes included), or NO_ROOT_CAUSE
    product: str = ""  # the product or service as recorded, matched exactly
    # ISO 10002 7.4, 4.15: complaints whose clock for this stage stopped after its deadline
    # (between the two dates when given) — the misses behind an "on time" figure.
    missed: str = ""  # a ``sori.sla.models.Stage`` value
    missed_from: dt.date | None = None
    missed_to: dt.date | None = None
    # ISO 10002 8.2: the complaints open at the end of this day (the dashboards' "open at the
    # end" of a past period and the backlog ageing at a past moment).
    open_at: dt.date | None = None
    # ISO 10002 8.3: the satisfaction table's survey answers (SURVEY_ANSWERED or _UNANSWERED).
    survey: str = ""
    q: str = ""


def _require_staff(viewer: Actor) -> None:
    if not viewer.is_staff or not policies.can_read_complaint.test(viewer, None):
        raise Forbidden(_("Only staff may see the complaints queue."))


def views_for(viewer: Actor) -> list[View]:
    """The tabs this viewer has: case workers and managers have their own complaints and a team."""
    if viewer.role in _CASE_ROLES:
        return [View.MINE, View.TEAM, View.ALL]
    if viewer.role == Role.COMPLAINTS_MANAGER:
        return [View.MINE, View.TEAM, View.ALL] if viewer.unit_id else [View.MINE, View.ALL]
    return [View.ALL]


def _view(viewer: Actor, view: View, within: Q) -> Q:
    """The complaints of one tab, among those ``within`` (the open/closed condition)."""
    if view not in views_for(viewer):
        view = View.ALL
    if view is View.MINE:
        # An IN (…) list rather than EXISTS, and ``within`` repeated in each branch of the OR,
        # let SQLite answer each branch from an index (``complaint_assignee_queue_idx``).
        tasks = InvestigationTask.objects.filter(owner_id=viewer.user_id, done_at__isnull=True)
        return (Q(assignee_id=viewer.user_id) & within) | (
            Q(pk__in=tasks.values("complaint_id")) & within
        )
    if view is View.TEAM:
        # A case worker without a unit works the intake pool, as in ``scope.visible``.
        if viewer.unit_id is None:
            return Q(unit__isnull=True)
        return Q(unit_id=viewer.unit_id)
    return Q()


def _with_descendants(model: type[Category] | type[RootCause], code: str) -> list[int]:
    """The node with ``code`` in a small code tree (categories, root causes) and all below it."""
    tree = list(model.objects.values_list("id", "parent_id", "code"))
    found = [pk for pk, _parent, each in tree if each == code]
    result = list(found)
    while found:
        found = [pk for pk, parent, _code in tree if parent in found]
        result.extend(found)
    return result


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(str(settings.SORI_TIME_ZONE))


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=_zone())


def _due(due: str, now: dt.datetime) -> Q:
    if due == DueState.OVERDUE:
        return Q(due_at__lt=now)
    if due == DueState.TODAY:
        today = now.astimezone(_zone()).date()
        return Q(due_at__gte=now, due_at__lt=_local_midnight(today + dt.timedelta(days=1)))
    if due == DueState.SOON:
        return Q(due_at__gte=now, due_at__lt=now + dt.timedelta(days=SOON_DAYS))
    if due == DueState.LATER:
        return Q(due_at__gte=now + dt.timedelta(days=SOON_DAYS)) | Q(due_at__isnull=True)
    return Q()


# SQLite plans without statistics (a new installation has never run ANALYZE): it then prefers any
# index that answers an equality (status, category) over the index that gives the queue's order,
# reads every matching complaint, closed ones included, and sorts them all. Written with a unary
# plus, such a term is checked on each row while the order index is walked, which stops after
# one page. PostgreSQL keeps statistics and needs no such hint.


def _unindexed_in(column: str, values: list[Any]) -> Q:
    """``column IN values``, which SQLite checks row by row rather than through an index."""
    if not values:
        return Q(pk__in=[])
    if connection.vendor != "sqlite":
        return Q(**{f"{column}__in": values})
    marks = ", ".join(["%s"] * len(values))
    return Q(
        RawSQL(  # noqa: S611 (column names from this module; values bound)
            f'+"complaints_complaint"."{column}" IN ({marks})',
            tuple(values),
            output_field=BooleanField(),
        )
    )


def _state(state: State, statuses: Iterable[str]) -> Q:
    chosen = sorted(set(statuses) & {status.value for status in Status})
    if state is State.OPEN:
        # The index condition stays as it is, even when statuses narrow it further.
        narrowed = Q(status__in=[s for s in chosen if s not in _FINAL]) if chosen else Q()
        return OPEN & narrowed
    if state is State.CLOSED:
        # Closed complaints come first in due order: walking ``complaint_due_idx`` is quickest.
        return _unindexed_in("status", [s for s in chosen if s in _FINAL] if chosen else _FINAL)
    return Q(status__in=chosen) if chosen else Q()


def _missed_clocks(query: QueueFilter) -> QuerySet[Timer]:
    """The stage's clocks that stopped missed, in the dates asked: the KPI's own misses."""
    clocks = Timer.objects.filter(
        complaint_id=OuterRef("pk"), stage=query.missed, state=TimerState.MISSED
    )
    if query.missed_from:
        clocks = clocks.filter(stopped_at__gte=_local_midnight(query.missed_from))
    if query.missed_to:
        clocks = clocks.filter(
            stopped_at__lt=_local_midnight(query.missed_to + dt.timedelta(days=1))
        )
    return clocks


def _open_at(day: dt.date) -> Q:
    """Open at the end of ``day``: the KPI catalogue's "open at a moment" — received by then,
    not closed by then (current closure), neither withdrawn nor merged by then (the first such
    line of the timeline; a withdrawn or merged complaint has no closure date)."""
    cut = _local_midnight(day + dt.timedelta(days=1))
    ended = ComplaintEvent.objects.filter(
        complaint_id=OuterRef("pk"), kind__in=ENDING_EVENTS, occurred_at__lt=cut
    )
    # "Not closed by then" as a range on closed_at (no closure, or one after the cut): the
    # index on closed_at finds them, where a negation would read every complaint received.
    return (
        Q(received_at__lt=cut)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=cut))
        & ~(Q(status__in=ENDED_STATUSES) & Q(Exists(ended)))
    )


def _filtered(viewer: Actor, query: QueueFilter) -> QuerySet[Complaint]:
    """Complaints the viewer may see (4.10), narrowed as asked."""
    state = _state(query.state, query.statuses)
    queryset = Complaint.objects.filter(
        scope.visible(viewer), state, _view(viewer, query.view, state)
    )
    if query.priority:
        queryset = queryset.filter(priority=query.priority)
    if query.category == NO_CATEGORY:
        queryset = queryset.filter(category__isnull=True)
    elif query.category:
        chosen = (
            list(Category.objects.filter(code=query.category).values_list("pk", flat=True))
            if query.category_only
            else _with_descendants(Category, query.category)
        )
        queryset = queryset.filter(_unindexed_in("category_id", chosen))
    if query.channel:
        queryset = queryset.filter(channel=query.channel)
    if query.unit:
        queryset = queryset.filter(unit__code=query.unit)
    if query.assignee == UNASSIGNED:
        queryset = queryset.filter(assignee__isnull=True)
    elif query.assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(query.assignee))
    if query.due:
        queryset = queryset.filter(_due(query.due, clock.now()))
    if query.received_from:
        queryset = queryset.filter(received_at__gte=_local_midnight(query.received_from))
    if query.received_to:
        end = _local_midnight(query.received_to + dt.timedelta(days=1))
        queryset = queryset.filter(received_at__lt=end)
    if query.closed_from:
        queryset = queryset.filter(closed_at__gte=_local_midnight(query.closed_from))
    if query.closed_to:
        end = _local_midnight(query.closed_to + dt.timedelta(days=1))
        queryset = queryset.filter(closed_at__lt=end)
    if query.root_cause == NO_ROOT_CAUSE:
        queryset = queryset.filter(root_cause__isnull=True)
    elif query.root_cause:
        queryset = queryset.filter(root_cause_id__in=_with_descendants(RootCause, query.root_cause))
    if query.product.strip():
        queryset = queryset.filter(product_or_service=query.product.strip())
    if query.missed:
        queryset = queryset.filter(Exists(_missed_clocks(query)))
    if query.open_at:
        queryset = queryset.filter(_open_at(query.open_at))
    if query.survey == SURVEY_ANSWERED:
        queryset = queryset.filter(survey_response__isnull=False)
    elif query.survey == SURVEY_UNANSWERED:
        queryset = queryset.filter(survey_response__isnull=True)
    if query.q.strip():
        queryset = search.matching(queryset, query.q, per_row=query.state is State.OPEN)
    return queryset
