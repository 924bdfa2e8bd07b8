"""Keyset pages, cursors, capped counts, the scope of all three, and the queue index (ISO 10002 7.3,
4.10, 4.15)."""

from __future__ import annotations

import pytest
from django.core import signing
from django.db import connection

from sori.accounts.models import Role
from sori.complaints import queue
from sori.complaints.models import Complaint
from sori.complaints.queue import (
    QueueFilter,
    State,
    View,
    capped_count,
    filters,
    pages,
    queue_counts,
    queue_page,
)
from sori.complaints.queue import counts as queue_counting
from tests.integration.queue.builders import at

pytestmark = pytest.mark.django_db


def walk(viewer, query: QueueFilter, size: int) -> list[list[str]]:
    """Every page of the queue, following the cursors."""
    pages, cursor = [], None
    while True:
        page = queue_page(viewer=viewer, query=query, after=cursor, limit=size)
        assert not page.cursor_rejected
        pages.append([row.reference for row in page.rows])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 100


@pytest.fixture
def ties(book):
    """Fifteen open complaints with ties on the due time and on the priority, and three undated."""
    made = []
    for day, priority in [(2, "high"), (2, "normal"), (2, "high"), (3, "normal"), (3, "normal")]:
        for _ in range(2):
            made.append(book.complaint(due_at=at(day), priority=priority))
    made += [book.complaint(due_at=at(4), priority="urgent") for _ in range(2)]
    made += [book.complaint(due_at=None, priority=p) for p in ("low", "urgent", "low")]
    made.append(book.complaint(due_at=at(1), status="closed"))
    return made


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 50])
def test_keyset_pages_are_complete_in_order_and_never_overlap(book, ties, size):
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="manager")
    everything = [
        c.reference
        for c in sorted(
            (c for c in ties if c.status != "closed"),
            key=lambda c: (
                c.due_at is None,
                c.due_at or at(1),
                -Complaint.objects.get(pk=c.pk).priority_rank,
                c.pk,
            ),
        )
    ]
    pages = walk(manager, QueueFilter(), size)
    flat = [reference for page in pages for reference in page]
    assert flat == everything
    assert len(set(flat)) == len(flat) == 15
    assert all(len(page) == size for page in pages[:-1])


def test_keyset_pages_with_every_state_and_a_filter(book, ties):
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="manager")
    every = [r for page in walk(manager, QueueFilter(state=State.ANY), 4) for r in page]
    assert len(every) == len(set(every)) == 16
    high = [r for page in walk(manager, QueueFilter(priority="high"), 1) for r in page]
    assert len(high) == 4


def test_a_forged_or_malformed_cursor_gives_the_first_page_and_says_so(book, ties):
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="manager")
    first = queue_page(viewer=manager, query=QueueFilter(), limit=5)
    unsigned = signing.b64_encode(b'["2026-03-03T09:00:00+00:00",2,1]').decode()
    for token in ["not-a-cursor", unsigned, first.next_cursor + "x", "%00'; DROP TABLE x;--"]:
        page = queue_page(viewer=manager, query=QueueFilter(), after=token, limit=5)
        assert page.cursor_rejected and page.first
        assert [r.reference for r in page.rows] == [r.reference for r in first.rows]
    # Signed by us but with nonsense inside: the same.
    for inside in [["yesterday", 2, 1], [None, "2", 1], [None, 2, -1], "text", [1, 2]]:
        token = signing.dumps(inside, salt="sori.complaints.queue.cursor")
        assert queue_page(viewer=manager, query=QueueFilter(), after=token).cursor_rejected


def test_a_crafted_cursor_cannot_reach_outside_the_handlers_scope(book):
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    mine = [book.complaint(unit="north", due_at=at(day)) for day in (5, 6)]
    theirs = [book.complaint(unit="south", due_at=at(day)) for day in (1, 7, 9)]
    # A correctly signed cursor placed before everything (as if someone knew the key).
    token = signing.dumps([at(1, 0).isoformat(), 9, 1], salt="sori.complaints.queue.cursor")
    page = queue_page(viewer=handler, query=QueueFilter(), after=token)
    assert [r.reference for r in page.rows] == [c.reference for c in mine]
    assert not {r.reference for r in page.rows} & {c.reference for c in theirs}


def test_a_handler_never_sees_another_units_complaint_in_any_tab_or_count(book):
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    ours = book.complaint(unit="north", status="investigating")
    book.complaint(unit="south", status="investigating")
    book.complaint(unit="south", status="assessed")
    book.complaint(status="investigating")  # the intake pool is not hers either
    for view in View:
        page = queue_page(viewer=handler, query=QueueFilter(view=view))
        assert {r.reference for r in page.rows} <= {ours.reference}
    counts = queue_counts(viewer=handler, query=QueueFilter())
    assert counts.results.value == 1
    assert counts.views == {
        "mine": queue.Count(0, False),
        "team": queue.Count(1, False),
        "all": queue.Count(1, False),
    }
    by_status = {item.status: item.count.value for item in counts.statuses}
    assert by_status["investigating"] == 1 and by_status["assessed"] == 0


def test_counts_are_capped_and_shown_with_a_plus(book, monkeypatch):
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="manager")
    for _ in range(5):
        book.complaint(status="investigating")
    book.complaint(status="assessed")
    monkeypatch.setattr(queue_counting, "CAP", 3)
    counts = queue_counts(viewer=manager, query=QueueFilter())
    assert counts.results == queue.Count(3, True) and str(counts.results) == "3+"
    by_status = {item.status: item.count for item in counts.statuses}
    assert by_status["investigating"] == queue.Count(3, True)
    assert by_status["assessed"] == queue.Count(1, False) and str(by_status["assessed"]) == "1"
    assert capped_count(Complaint.objects.filter(status="closed")) == queue.Count(0, False)


def test_a_thousand_and_more_is_written_with_a_separator(book):
    assert str(queue.Count(1000, True)) == "1,000+"
    assert str(queue.Count(999, False)) == "999"


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            # Tiny test tables without statistics make any plan look cheapest; rule out the
            # alternatives to see whether the index can serve the query and its order at all
            # (its condition must match the query's). The benchmark shows the plan on real data.
            for method in ("seqscan", "bitmapscan", "sort", "hashjoin", "mergejoin"):
                cursor.execute(f"SET LOCAL enable_{method} = off")
            cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _first_page(viewer, query: QueueFilter, cursor=None):
    rows = filters._filtered(viewer, query).filter(due_at__isnull=False)
    if cursor is not None:
        rows = rows.filter(pages._after(cursor))
    return rows.order_by("due_at", "-priority_rank", "id").values(*pages._COLUMNS)[:51]


@pytest.mark.parametrize(
    ("role", "view", "index"),
    [
        (Role.COMPLAINTS_MANAGER, View.ALL, "complaint_queue_idx"),
        (Role.HANDLER, View.ALL, "complaint_queue_idx"),
        (Role.HANDLER, View.TEAM, "complaint_unit_queue_idx"),
        (Role.COMPLAINTS_MANAGER, View.TEAM, "complaint_unit_queue_idx"),
    ],
)
def test_the_open_queue_reads_an_index_in_its_order(book, role, view, index):
    viewer = book.worker(role, username="viewer", unit="north")
    book.complaint(unit="north")
    for cursor in (None, pages._Cursor(at(2), 2, 1)):
        plan = _plan(_first_page(viewer, QueueFilter(view=view), cursor))
        assert index in plan, plan
        # Read in index order: no sort step for the ORDER BY.
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, without statistics")
@pytest.mark.parametrize(
    ("query", "index", "sorted_after"),
    [
        (QueueFilter(view=View.MINE), "complaint_assignee_queue_idx", True),
        (QueueFilter(state=State.CLOSED), "complaint_due_idx", False),
        (QueueFilter(category="delivery"), "complaint_queue_idx", False),
        (QueueFilter(q="환불"), "complaint_queue_idx", False),
    ],
)
def test_sqlite_serves_the_other_tabs_and_filters_from_the_queue_indexes(
    book, query, index, sorted_after
):
    viewer = book.worker(Role.HANDLER, username="viewer", unit="north")
    book.category("delivery")
    plan = _plan(_first_page(viewer, query))
    assert index in plan, plan
    # "My complaints" are few: they are gathered through two indexes, then sorted.
    assert ("TEMP B-TREE" in plan) is sorted_after, plan


@pytest.mark.parametrize("unit", ["north", None])
def test_the_scoped_count_shortcut_counts_exactly_what_the_scope_allows(book, unit, monkeypatch):
    from sori.complaints import scope
    from sori.complaints.services.investigation import add_task, complete_task

    viewer = book.worker(Role.HANDLER, username="viewer", unit=unit)
    lead = book.worker(Role.COMPLAINTS_MANAGER, username="lead")
    for status in ("acknowledged", "investigating", "investigating", "closed"):
        book.complaint(unit="north", status=status)
        book.complaint(unit="south", status=status)
        book.complaint(status=status)  # the intake pool
    book.complaint(unit="south", assignee=viewer, status="assessed")
    tasked = book.complaint(unit="south", status="investigating")
    task = add_task(actor=lead, reference=tasked.reference, title="확인", owner_id=viewer.user_id)
    complete_task(actor=lead, reference=tasked.reference, task_id=task.pk, outcome="끝")

    counts = queue_counts(viewer=viewer, query=QueueFilter())
    expected = Complaint.objects.filter(scope.visible(viewer), queue.OPEN)
    assert counts.views["all"].value == expected.count()
    assert {item.status: item.count.value for item in counts.statuses if item.count.value} == {
        status: expected.filter(status=status).count()
        for status in ("acknowledged", "investigating", "assessed")
        if expected.filter(status=status).exists()
    }
    assert counts.results == counts.views["all"]
    # A view larger than the one-pass sample is counted status by status: the same answer.
    monkeypatch.setattr(queue_counting, "SAMPLE", 1)
    assert queue_counts(viewer=viewer, query=QueueFilter()) == counts
