"""The back-office queue: which complaints a staff member works next (ISO 10002 7.3, 4.15).

Selectors only, always for a ``viewer`` and always inside ``scope.visible(viewer)``:

- ``queue_page`` (``pages``): one page of rows, ordered by due time, then priority (most urgent
  first), then id, with keyset pagination (an opaque signed cursor; a forged one gives the first
  page). The default open queue walks the partial index ``complaint_queue_idx``.
- ``queue_counts`` (``counts``): counts for the tabs, the open statuses and the current result,
  each capped (``CAP``) so it reads a bounded number of rows however large the table grows.
- ``filter_choices``, ``views_for``: what the filter form may offer this viewer.
- ``saved_filters``, ``normalise_query``: the viewer's saved filters, and the part of a queue
  address a saved filter keeps.
- ``queue_overview``: all of the above that the queue page shows, in one call.

Rows carry no personal data: reference, subject, status, priority, due time, handler, unit,
category, channel and time received.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import get_language

from sori.accounts.models import StaffProfile, Unit
from sori.complaints import policies
from sori.complaints.models import Category, RootCause, SavedFilter
from sori.complaints.queue.counts import (
    CAP,
    Count,
    QueueCounts,
    StatusCount,
    capped_count,
    queue_counts,
)
from sori.complaints.queue.filters import (
    FILTER_KEYS,
    MISSABLE_STAGES,
    NO_CATEGORY,
    NO_ROOT_CAUSE,
    OPEN,
    OPEN_ORDER,
    SURVEY_ANSWERED,
    SURVEY_UNANSWERED,
    UNASSIGNED,
    DueState,
    QueueFilter,
    State,
    View,
    _require_staff,
    views_for,
)
from sori.complaints.queue.pages import PAGE_SIZE, QueuePage, QueueRow, queue_page
from sori.core.actors import Actor

__all__ = [
    "CAP",
    "FILTER_KEYS",
    "MISSABLE_STAGES",
    "NO_CATEGORY",
    "NO_ROOT_CAUSE",
    "OPEN",
    "OPEN_ORDER",
    "PAGE_SIZE",
    "SURVEY_ANSWERED",
    "SURVEY_UNANSWERED",
    "UNASSIGNED",
    "Choice",
    "Count",
    "DueState",
    "FilterChoices",
    "QueueCounts",
    "QueueFilter",
    "QueueOverview",
    "QueuePage",
    "QueueRow",
    "SavedFilterView",
    "State",
    "StatusCount",
    "View",
    "capped_count",
    "filter_choices",
    "normalise_query",
    "queue_counts",
    "queue_overview",
    "queue_page",
    "saved_filters",
    "views_for",
]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    depth: int = 0


@dataclass(frozen=True)
class FilterChoices:
    views: list[View]
    units: list[Choice] = field(default_factory=list)
    categories: list[Choice] = field(default_factory=list)
    assignees: list[Choice] = field(default_factory=list)
    root_causes: list[Choice] = field(default_factory=list)


def _tree_choices(model: type[Category] | type[RootCause], english: bool) -> list[Choice]:
    """A small code tree (categories, root causes) in order, each node under its parent."""
    tree = list(
        model.objects.order_by("position", "code").values_list(
            "id", "parent_id", "code", "label_ko", "label_en"
        )
    )
    choices: list[Choice] = []

    def walk(parent: int | None, depth: int) -> None:
        for pk, parent_id, code, label_ko, label_en in tree:
            if parent_id == parent:
                choices.append(Choice(code, label_en if english else label_ko, depth))
                walk(pk, depth + 1)

    walk(None, 0)
    return choices


def filter_choices(*, viewer: Actor) -> FilterChoices:
    """Units, categories (as a tree) and staff to offer in the filter form."""
    _require_staff(viewer)
    english = get_language() == "en"
    units = [
        Choice(code, name_en if english else name_ko)
        for code, name_ko, name_en in Unit.objects.values_list("code", "name_ko", "name_en")
    ]
    categories = _tree_choices(Category, english)
    root_causes = _tree_choices(RootCause, english)
    workers = (
        StaffProfile.objects.filter(role__in=policies.HANDLING_ROLES, user__is_active=True)
        .order_by("user__username")
        .values_list("user_id", "user__username", "user__first_name", "user__last_name")
    )
    assignees = [
        Choice(str(pk), " ".join(p for p in (first, last) if p) or username)
        for pk, username, first, last in workers
    ]
    return FilterChoices(
        views=views_for(viewer),
        units=units,
        categories=categories,
        assignees=assignees,
        root_causes=root_causes,
    )


# ------------------------------------------------------------------------------ saved filters

MAX_QUERY = 2000


def normalise_query(raw: str) -> str:
    """The filter part of a queue address: known keys only, no empty values, no page cursor."""
    given = QueryDict(raw[: MAX_QUERY * 2], mutable=False)
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        values = [value.strip()[:200] for value in given.getlist(key) if value.strip()]
        if values:
            kept.setlist(key, values if key == "status" else values[:1])
    return kept.urlencode()[:MAX_QUERY]


@dataclass(frozen=True)
class SavedFilterView:
    id: int
    name: str
    query: str


def saved_filters(*, viewer: Actor) -> list[SavedFilterView]:
    """The viewer's own saved filters, by name."""
    _require_staff(viewer)
    return [
        SavedFilterView(pk, name, query)
        for pk, name, query in SavedFilter.objects.filter(owner_id=viewer.user_id)
        .order_by("name")
        .values_list("id", "name", "query")
    ]


@dataclass(frozen=True)
class QueueOverview:
    page: QueuePage
    counts: QueueCounts
    saved_filters: list[SavedFilterView]


def queue_overview(*, viewer: Actor, query: QueueFilter, after: str | None = None) -> QueueOverview:
    """Everything the queue page shows: the page of rows, the counts, the saved filters."""
    return QueueOverview(
        page=queue_page(viewer=viewer, query=query, after=after),
        counts=queue_counts(viewer=viewer, query=query),
        saved_filters=saved_filters(viewer=viewer),
    )
