"""One page of the queue: keyset pagination in the queue's order (ISO 10002 7.3, 4.15).

The order is due time, then priority (most urgent first), then id; the cursor is the last row's
(due_at, priority_rank, id), signed, so a page address cannot be forged into anything but the
first page, and the scope applies whatever the cursor says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from sori.complaints.models import Channel, Complaint, Priority
from sori.complaints.queue.filters import QueueFilter, _filtered, _require_staff
from sori.complaints.workflow import OPEN_STATUSES, STATUS_LABELS, Status
from sori.core import clock
from sori.core.actors import Actor

PAGE_SIZE = 50
MAX_PAGE = 100
_CURSOR_SALT = "sori.complaints.queue.cursor"


@dataclass(frozen=True)
class QueueRow:
    reference: str
    subject: str
    status: str
    status_label: str
    priority: str
    priority_label: str
    due_at: dt.datetime | None
    overdue: bool
    assignee: str | None
    unit: str | None
    category: str | None
    channel: str
    channel_label: str
    received_at: dt.datetime


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    # The cursor given was malformed or not ours: this is the first page instead.
    cursor_rejected: bool = False
    first: bool = True


class _Cursor:
    """The last row of a page: (due_at, priority_rank, id)."""

    def __init__(self, due_at: dt.datetime | None, rank: int, pk: int) -> None:
        self.due_at, self.rank, self.pk = due_at, rank, pk

    def dumps(self) -> str:
        due = self.due_at.isoformat() if self.due_at is not None else None
        return signing.dumps([due, self.rank, self.pk], salt=_CURSOR_SALT, compress=False)

    @classmethod
    def loads(cls, token: str) -> _Cursor | None:
        """The cursor in ``token``, or None when it is malformed or was not made here."""
        try:
            due, rank, pk = signing.loads(token[:300], salt=_CURSOR_SALT)
            due_at = dt.datetime.fromisoformat(due) if due is not None else None
        except (signing.BadSignature, TypeError, ValueError):
            return None
        if due_at is not None and due_at.tzinfo is None:
            return None
        if type(rank) is not int or type(pk) is not int or pk < 1:
            return None
        return cls(due_at, rank, pk)


_COLUMNS = (
    "id",
    "reference",
    "subject",
    "status",
    "priority",
    "priority_rank",
    "due_at",
    "channel",
    "received_at",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "unit__name_ko",
    "unit__name_en",
    "category__label_ko",
    "category__label_en",
)


def _after(cursor: _Cursor) -> Q:
    """Rows after ``cursor`` in the order (due_at, priority_rank descending, id)."""
    later = Q(priority_rank__lt=cursor.rank) | Q(priority_rank=cursor.rank, pk__gt=cursor.pk)
    if cursor.due_at is None:
        return later
    # The first term bounds the index range; the rest breaks ties on the cursor's due time.
    return Q(due_at__gte=cursor.due_at) & (
        Q(due_at__gt=cursor.due_at) | (Q(due_at=cursor.due_at) & later)
    )


def _rows(
    queryset: QuerySet[Complaint], cursor: _Cursor | None, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` rows after ``cursor``: complaints with a due time first, then those without.

    Two index ranges instead of one ORDER BY over NULLs, because SQLite and PostgreSQL put NULL
    at opposite ends and an index serves only the database's own order.
    """
    rows: list[dict[str, Any]] = []
    if cursor is None or cursor.due_at is not None:
        dated = queryset.filter(due_at__isnull=False)
        if cursor is not None:
            dated = dated.filter(_after(cursor))
        dated = dated.order_by("due_at", "-priority_rank", "id")
        rows = list(dated.values(*_COLUMNS)[:limit])
    if len(rows) < limit:
        undated = queryset.filter(due_at__isnull=True)
        if cursor is not None and cursor.due_at is None:
            undated = undated.filter(_after(cursor))
        undated = undated.order_by("-priority_rank", "id")
        rows += list(undated.values(*_COLUMNS)[: limit - len(rows)])
    return rows


def _row(values: dict[str, Any], now: dt.datetime, english: bool) -> QueueRow:
    name = " ".join(
        part for part in (values["assignee__first_name"], values["assignee__last_name"]) if part
    )
    status = Status(values["status"])
    due_at = values["due_at"]
    return QueueRow(
        reference=values["reference"],
        subject=values["subject"],
        status=status.value,
        status_label=str(STATUS_LABELS[status]),
        priority=values["priority"],
        priority_label=str(Priority(values["priority"]).label),
        due_at=due_at,
        overdue=due_at is not None and due_at < now and status in OPEN_STATUSES,
        assignee=name or values["assignee__username"],
        unit=values["unit__name_en" if english else "unit__name_ko"],
        category=values["category__label_en" if english else "category__label_ko"],
        channel=values["channel"],
        channel_label=str(Channel(values["channel"]).label),
        received_at=values["received_at"],
    )


def queue_page(
    *, viewer: Actor, query: QueueFilter, after: str | None = None, limit: int | None = None
) -> QueuePage:
    """One page of the queue for ``viewer``; ``after`` is the ``next_cursor`` of the page before."""
    _require_staff(viewer)
    limit = max(1, min(limit or PAGE_SIZE, MAX_PAGE))
    cursor = _Cursor.loads(after) if after else None
    rejected = bool(after) and cursor is None
    values = _rows(_filtered(viewer, query), cursor, limit + 1)
    now = clock.now()
    english = get_language() == "en"
    rows = [_row(each, now, english) for each in values[:limit]]
    next_cursor = None
    if len(values) > limit:
        last = values[limit - 1]
        next_cursor = _Cursor(last["due_at"], last["priority_rank"], last["id"]).dumps()
    return QueuePage(
        rows=rows, next_cursor=next_cursor, cursor_rejected=rejected, first=cursor is None
    )
