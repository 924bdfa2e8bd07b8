"""Counts for the queue that stay cheap however many complaints there are (ISO 10002 4.15).

Each count reads at most ``CAP + 1`` rows and shows "1,000+" beyond; per-status counts are one
pass over a small view, or one capped count per status over a large one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.formats import number_format

from sori.complaints import scope
from sori.complaints.models import Complaint, InvestigationTask
from sori.complaints.queue.filters import (
    OPEN,
    OPEN_ORDER,
    QueueFilter,
    View,
    _filtered,
    _require_staff,
    _view,
    views_for,
)
from sori.complaints.workflow import STATUS_LABELS
from sori.core.actors import Actor

# Counts stop here and show "1,000+": a count must not read a whole table, however large (4.15).
CAP = 1000
# A view this small is counted per status in one pass (see ``_statuses_in``).
SAMPLE = 10 * CAP


@dataclass(frozen=True)
class Count:
    value: int
    capped: bool

    def __str__(self) -> str:
        shown = number_format(self.value, force_grouping=True)
        return f"{shown}+" if self.capped else shown


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: Count


@dataclass(frozen=True)
class QueueCounts:
    views: dict[str, Count]
    statuses: list[StatusCount]
    results: Count


def capped_count(queryset: QuerySet[Complaint]) -> Count:
    """How many rows, reading at most ``CAP + 1`` of them."""
    found = queryset.order_by()[: CAP + 1].count()
    return Count(value=min(found, CAP), capped=found > CAP)


def _capped_per_status(queryset: QuerySet[Complaint], statuses: list[str]) -> dict[str, Count]:
    """``capped_count`` for each status: the SQL is built once and run once per status."""
    marker = "sori-queue-status-marker"
    capped = queryset.filter(status=marker).order_by().values("pk")[: CAP + 1]
    sql, params = capped.query.sql_with_params()
    where = list(params).index(marker)
    counts = {}
    with connections[queryset.db].cursor() as cursor:
        for status in statuses:
            given = list(params)
            given[where] = status
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", given)  # noqa: S608 (Django's SQL)
            found = cursor.fetchone()[0]
            counts[status] = Count(value=min(found, CAP), capped=found > CAP)
    return counts


# A scoped viewer's complaints gathered through the queue indexes: one index range per branch of
# the scope rule. It must equal ``scope.visible(viewer) & OPEN``; ``scope.visible`` stays in every
# query, so this only makes a count quicker, and a test compares the two.
def _scoped_open(viewer: Actor) -> Q | None:
    if viewer.role not in scope.SCOPED_ROLES:
        return None
    unit = Q(unit_id=viewer.unit_id) if viewer.unit_id is not None else Q(unit__isnull=True)
    tasks = InvestigationTask.objects.filter(owner_id=viewer.user_id).values("complaint_id")
    return (unit & OPEN) | (Q(assignee_id=viewer.user_id) & OPEN) | (Q(pk__in=tasks) & OPEN)


def _statuses_in(queryset: QuerySet[Complaint], sample: bool) -> dict[str, Count]:
    """Open complaints of ``queryset`` per status, each capped.

    With ``sample``, one pass over at most ``SAMPLE`` rows first: exact when the view is that
    small (a handler's scope), and only a larger view pays for one capped count per status.
    """
    statuses = [status.value for status in OPEN_ORDER]
    if sample:
        sql, params = queryset.order_by().values("status")[: SAMPLE + 1].query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                f'SELECT "status", COUNT(*) FROM ({sql}) sample GROUP BY "status"',  # noqa: S608 (Django's SQL)
                params,
            )
            found = dict(cursor.fetchall())
        if sum(found.values()) <= SAMPLE:
            return {
                status: Count(
                    value=min(found.get(status, 0), CAP), capped=found.get(status, 0) > CAP
                )
                for status in statuses
            }
    return _capped_per_status(queryset, statuses)


def queue_counts(*, viewer: Actor, query: QueueFilter) -> QueueCounts:
    """Open complaints per tab and per status in the current tab, and the current result."""
    _require_staff(viewer)
    visible = Complaint.objects.filter(scope.visible(viewer), OPEN)
    shortcut = _scoped_open(viewer)
    if shortcut is not None:
        visible = visible.filter(shortcut)
    views = {
        view.value: capped_count(visible.filter(_view(viewer, view, OPEN)))
        for view in views_for(viewer)
    }
    current = query.view if query.view in views_for(viewer) else View.ALL
    per_status = _statuses_in(
        visible.filter(_view(viewer, current, OPEN)), sample=shortcut is not None
    )
    statuses = [
        StatusCount(
            status=status.value, label=str(STATUS_LABELS[status]), count=per_status[status.value]
        )
        for status in OPEN_ORDER
    ]
    # The open queue of a tab, unfiltered, was counted for the tab already.
    unfiltered = query == QueueFilter(view=current)
    results = views[current.value] if unfiltered else capped_count(_filtered(viewer, query))
    return QueueCounts(views=views, statuses=statuses, results=results)
