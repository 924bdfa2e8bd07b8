"""The queue's order, tabs and filters: each one narrows the queue, and only that (ISO 10002 7.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.accounts.models import Role
from sori.complaints.queue import (
    UNASSIGNED,
    DueState,
    QueueFilter,
    State,
    View,
    filter_choices,
    queue_page,
    views_for,
)
from sori.complaints.services.investigation import add_task
from sori.core import clock
from sori.core.actors import SYSTEM, complainant_actor
from sori.core.errors import Forbidden
from tests.integration.queue.builders import at

pytestmark = pytest.mark.django_db


def references(viewer, **filters) -> list[str]:
    page = queue_page(viewer=viewer, query=QueueFilter(**filters), limit=100)
    return [row.reference for row in page.rows]


@pytest.fixture
def manager(book):
    return book.worker(Role.COMPLAINTS_MANAGER, username="manager")


def test_the_queue_is_open_complaints_soonest_due_first_then_most_urgent(book, manager):
    later = book.complaint(due_at=at(20))
    urgent = book.complaint(due_at=at(10), priority="urgent")
    normal = book.complaint(due_at=at(10), priority="normal")
    first = book.complaint(due_at=at(5), priority="low")
    undated = book.complaint(due_at=None, priority="high")
    book.complaint(due_at=at(1), status="closed")
    book.complaint(due_at=at(1), status="withdrawn")
    assert references(manager) == [
        first.reference,
        urgent.reference,
        normal.reference,
        later.reference,
        undated.reference,  # no due time: after every complaint that has one
    ]


def test_rows_carry_what_the_table_shows_and_no_personal_data(book, manager):
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    complaint = book.complaint(
        subject="환불 요청", unit="north", assignee=handler, due_at=at(2), channel="phone"
    )
    with clock.frozen_at(at(3)):
        row = queue_page(viewer=manager, query=QueueFilter()).rows[0]
    assert row.reference == complaint.reference
    assert row.subject == "환불 요청"
    assert row.assignee == "minji" and row.unit == "north 팀" and row.channel == "phone"
    assert row.overdue is True and row.status_label
    assert not hasattr(row, "description") and not hasattr(row, "complainant")


def test_state_open_closed_and_any(book, manager):
    open_one = book.complaint(status="investigating")
    closed = book.complaint(status="closed")
    merged = book.complaint(status="merged")
    assert references(manager) == [open_one.reference]
    assert set(references(manager, state=State.CLOSED)) == {closed.reference, merged.reference}
    assert len(references(manager, state=State.ANY)) == 3


def test_several_statuses_narrow_together(book, manager):
    assessed = book.complaint(status="assessed")
    investigating = book.complaint(status="investigating")
    book.complaint(status="acknowledged")
    chosen = references(manager, statuses=("assessed", "investigating"))
    assert set(chosen) == {assessed.reference, investigating.reference}
    # A closed status asked for in the open queue finds nothing rather than widening it.
    assert references(manager, statuses=("closed",)) == []


def test_priority_filter(book, manager):
    high = book.complaint(priority="high")
    book.complaint(priority="normal")
    assert references(manager, priority="high") == [high.reference]


def test_a_category_includes_its_sub_categories(book, manager):
    parent = book.category("delivery")
    child = book.category("delivery-late", parent=parent)
    grandchild = book.category("delivery-late-abroad", parent=child)
    other = book.category("billing")
    ones = [book.complaint(category=each) for each in (parent, child, grandchild)]
    book.complaint(category=other)
    book.complaint()
    assert set(references(manager, category="delivery")) == {c.reference for c in ones}
    assert set(references(manager, category="delivery-late")) == {
        ones[1].reference,
        ones[2].reference,
    }
    assert references(manager, category="no-such-category") == []


def test_channel_and_unit_filters(book, manager):
    phone = book.complaint(channel="phone", unit="north")
    book.complaint(channel="email", unit="south")
    assert references(manager, channel="phone") == [phone.reference]
    assert references(manager, unit="north") == [phone.reference]


def test_assignee_filter_including_not_assigned(book, manager):
    handler = book.worker(Role.HANDLER, username="minji")
    mine = book.complaint(assignee=handler)
    nobody = book.complaint()
    assert references(manager, assignee=str(handler.user_id)) == [mine.reference]
    assert references(manager, assignee=UNASSIGNED) == [nobody.reference]


def test_due_states(book, manager):
    now = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)  # 12:00 in Seoul
    overdue = book.complaint(due_at=now - dt.timedelta(minutes=1))
    today = book.complaint(due_at=dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC))  # 23:00 KST
    tomorrow = book.complaint(due_at=dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC))
    later = book.complaint(due_at=now + dt.timedelta(days=5))
    undated = book.complaint(due_at=None)
    with clock.frozen_at(now):
        assert references(manager, due=DueState.OVERDUE) == [overdue.reference]
        assert references(manager, due=DueState.TODAY) == [today.reference]
        assert references(manager, due=DueState.SOON) == [today.reference, tomorrow.reference]
        assert references(manager, due=DueState.LATER) == [later.reference, undated.reference]


def test_received_date_range_is_read_in_the_organisations_time_zone(book, manager):
    # 2026-03-01 23:30 in Seoul is 14:30 UTC the same day; 2026-03-02 00:30 KST is 15:30 UTC.
    first = book.complaint(received_at=dt.datetime(2026, 3, 1, 14, 30, tzinfo=dt.UTC))
    second = book.complaint(received_at=dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC))
    assert references(manager, received_to=dt.date(2026, 3, 1)) == [first.reference]
    assert references(manager, received_from=dt.date(2026, 3, 2)) == [second.reference]


def test_closed_date_range_root_cause_and_product_narrow_as_a_dashboard_drills_down(book, manager):
    from sori.complaints.models import RootCause

    parent = RootCause.objects.create(code="bench-process", label_ko="절차", label_en="Process")
    child = RootCause.objects.create(
        code="bench-process-gap", parent=parent, label_ko="절차 미흡", label_en="Process gap"
    )
    other = RootCause.objects.create(code="bench-system", label_ko="시스템", label_en="System")
    # 2026-03-31 23:30 in Seoul is 14:30 UTC that day; 2026-04-01 00:30 KST is 15:30 UTC.
    march = book.complaint(
        status="closed",
        closed_at=dt.datetime(2026, 3, 31, 14, 30, tzinfo=dt.UTC),
        root_cause=child,
        product_or_service="정기 배송",
    )
    april = book.complaint(
        status="closed",
        closed_at=dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC),
        root_cause=other,
        product_or_service="정기 배송 플러스",
    )
    unrecorded = book.complaint(status="closed", closed_at=at(5))
    closed = {"state": State.CLOSED}
    assert set(references(manager, closed_to=dt.date(2026, 3, 31), **closed)) == {
        march.reference,
        unrecorded.reference,
    }
    assert references(manager, closed_from=dt.date(2026, 4, 1), **closed) == [april.reference]
    # A cause counts the causes below it; "none" is the dashboards' "not recorded" row.
    assert references(manager, root_cause="bench-process", **closed) == [march.reference]
    assert references(manager, root_cause="none", **closed) == [unrecorded.reference]
    # The product is matched whole, not as a prefix.
    assert references(manager, product="정기 배송", **closed) == [march.reference]


def test_open_at_the_end_of_a_day_is_the_dashboards_open_at_a_past_moment(book, manager):
    from sori.complaints.models import ComplaintEvent
    from sori.complaints.workflow import Event

    received = {"received_at": at(2)}
    still_open = book.complaint(**received)
    closed_later = book.complaint(status="closed", closed_at=at(12), **received)
    closed_before = book.complaint(status="closed", closed_at=at(9), **received)
    received_after = book.complaint(received_at=at(11))
    withdrawn_later = book.complaint(status="withdrawn", **received)
    withdrawn_before = book.complaint(status="withdrawn", **received)
    for complaint, when in ((withdrawn_later, at(11)), (withdrawn_before, at(9))):
        ComplaintEvent.objects.filter(complaint=complaint).update(occurred_at=at(2))
        ComplaintEvent.objects.create(
            complaint=complaint, kind=Event.WITHDRAW.value, occurred_at=when,
            from_status="assessed", to_status="withdrawn",
        )  # fmt: skip
    # Open at the end of 03-10 (Seoul): received by then, not closed, withdrawn or merged by then.
    assert set(references(manager, state=State.ANY, open_at=dt.date(2026, 3, 10))) == {
        still_open.reference, closed_later.reference, withdrawn_later.reference,
    }  # fmt: skip
    # The day after, the complaint closed on 03-12 (KST 18:00) is still open at the end of 03-11.
    assert set(references(manager, state=State.ANY, open_at=dt.date(2026, 3, 11))) == {
        still_open.reference, closed_later.reference, received_after.reference,
    }  # fmt: skip
    assert closed_before.reference in references(manager, state=State.ANY)


def test_category_none_is_the_complaints_not_classified_yet(book, manager):
    from sori.complaints.models import Category

    billing = Category.objects.create(code="bench-billing", label_ko="요금", label_en="Billing")
    book.complaint(category=billing)
    unclassified = book.complaint()
    assert references(manager, category="none") == [unclassified.reference]


def test_survey_answered_or_not(book, manager):
    from sori.complaints.models import SurveyResponse

    answered = book.complaint(status="closed", closed_at=at(5))
    unanswered = book.complaint(status="closed", closed_at=at(5))
    SurveyResponse.objects.create(
        complaint=answered, process=4, outcome=3, ease=5, submitted_at=at(6)
    )
    closed = {"state": State.CLOSED}
    assert references(manager, survey="answered", **closed) == [answered.reference]
    assert references(manager, survey="unanswered", **closed) == [unanswered.reference]


def test_a_category_alone_leaves_out_its_sub_categories(book, manager):
    from sori.complaints.models import Category

    parent = Category.objects.create(code="bench-delivery", label_ko="배송", label_en="Delivery")
    child = Category.objects.create(
        code="bench-delivery-late", parent=parent, label_ko="배송 지연", label_en="Late"
    )
    itself = book.complaint(category=parent)
    late = book.complaint(category=child)
    assert set(references(manager, category="bench-delivery")) == {itself.reference,
                                                                   late.reference}  # fmt: skip
    assert references(manager, category="bench-delivery", category_only=True) == [itself.reference]


def test_tabs_my_complaints_my_team_and_all_for_a_handler(book):
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    investigator = book.worker(Role.INVESTIGATOR, username="jun", unit="south")
    mine = book.complaint(unit="south", assignee=handler)
    team = book.complaint(unit="north")
    book.complaint(unit="south")  # not hers in any way
    tasked = book.complaint(unit="north")
    lead = book.worker(Role.COMPLAINTS_MANAGER, username="lead")
    add_task(
        actor=lead, reference=tasked.reference, title="현장 확인", owner_id=investigator.user_id
    )

    assert views_for(handler) == [View.MINE, View.TEAM, View.ALL]
    assert references(handler, view=View.MINE) == [mine.reference]
    assert set(references(handler, view=View.TEAM)) == {team.reference, tasked.reference}
    assert set(references(handler, view=View.ALL)) == {
        mine.reference,
        team.reference,
        tasked.reference,
    }
    # The investigator's own work includes the complaint where they own an open task.
    assert references(investigator, view=View.MINE) == [tasked.reference]


def test_a_handler_without_a_unit_works_the_intake_pool(book):
    pool = book.worker(Role.HANDLER, username="pool")
    unrouted = book.complaint()
    book.complaint(unit="north")
    assert references(pool, view=View.TEAM) == [unrouted.reference]
    assert references(pool) == [unrouted.reference]


def test_oversight_roles_have_only_the_all_tab_and_a_missing_tab_means_all(book):
    auditor = book.worker(Role.AUDITOR, username="auditor")
    complaint = book.complaint(unit="north")
    assert views_for(auditor) == [View.ALL]
    assert references(auditor, view=View.MINE) == [complaint.reference]
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="lead", unit="north")
    assert views_for(manager) == [View.MINE, View.TEAM, View.ALL]


def test_only_staff_read_the_queue(book):
    with pytest.raises(Forbidden):
        queue_page(viewer=complainant_actor("C-2026-000001"), query=QueueFilter())
    with pytest.raises(Forbidden):
        queue_page(viewer=SYSTEM, query=QueueFilter())


def test_filter_choices_offer_units_the_category_tree_and_case_workers(book, manager):
    parent = book.category("delivery")
    book.category("delivery-late", parent=parent)
    book.unit("north")
    book.worker(Role.HANDLER, username="minji")
    book.worker(Role.AUDITOR, username="auditor")
    choices = filter_choices(viewer=manager)
    assert [(c.value, c.depth) for c in choices.categories] == [
        ("delivery", 0),
        ("delivery-late", 1),
    ]
    assert [c.value for c in choices.units] == ["north"]
    names = {c.label for c in choices.assignees}
    assert "minji" in names and "manager" in names and "auditor" not in names
