"""The dashboards' tables on a seeded dataset against hand-computed answers (ISO 10002 8.2–8.4).

The dataset and its story are in ``dashboard_seed``. Unless a test says otherwise the period is
December 2024 – March 2025 in Seoul (month by month) and the clock stands on 2025-04-10, after it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sori.analytics import dashboards
from sori.analytics.filters import AnalyticsFilter
from sori.analytics.kpis import kpis
from sori.core import clock
from sori.core.errors import InvalidInput
from tests.integration.analytics.dashboard_seed import AFTER, LAST_DAY_NOON, MARCH, PERIOD, seed

D = dt.date


@pytest.fixture
def book(db):
    return seed()


def _table(book, key, *, viewer=None, at=AFTER, period=PERIOD, **filters):
    with clock.frozen_at(at):
        return dashboards.table(viewer or book.manager, AnalyticsFilter(*period, **filters), key)


def _rows(table, *keys):
    return [tuple(row[key] for key in keys) for row in table.rows]


def test_the_trend_counts_received_closed_and_open_at_each_month_end(book):
    table = _table(book, "trend")
    assert table.extra["grain"] == "month"
    assert _rows(table, "period", "received", "closed", "open") == [
        # A received; still open on 12-31.
        (D(2024, 12, 1), 1, 0, 1),
        # B, C received; A and B closed; C open.
        (D(2025, 1, 1), 2, 2, 1),
        # L (02-01 in Seoul), D, E, F received; D closed; C, E, F open (L withdrawn).
        (D(2025, 2, 1), 4, 1, 3),
        # G, H, I received (K merged: not counted); H closed; C, E, F, I open.
        (D(2025, 3, 1), 3, 1, 4),
    ]


def test_the_trend_agrees_with_the_kpis(book):
    table = _table(book, "trend")
    with clock.frozen_at(AFTER):
        report = kpis(viewer=book.manager, period_from=PERIOD[0], period_to=PERIOD[1]).by_code()
    assert sum(row["received"] for row in table.rows) == report["received"].value == 10
    assert sum(row["closed"] for row in table.rows) == report["closed"].value == 4
    assert table.rows[-1]["open"] == report["open_at_end"].value == 4


def test_a_short_period_is_shown_week_by_week(book):
    table = _table(book, "trend", period=MARCH)
    assert table.extra["grain"] == "week"
    assert table.column("period").kind == "date"
    assert _rows(table, "period", "received", "closed", "open") == [
        (D(2025, 2, 24), 0, 0, 3),  # 03-01 and 03-02 only
        (D(2025, 3, 3), 1, 0, 3),  # G received and withdrawn
        (D(2025, 3, 10), 1, 1, 3),  # H received and closed, K merged
        (D(2025, 3, 17), 0, 0, 3),
        (D(2025, 3, 24), 1, 0, 4),  # I
        (D(2025, 3, 31), 0, 0, 4),  # a Monday: one day of the period
    ]
    # Each week's drill-down stays inside the period.
    first = QueryDict(table.drill[0])
    assert (first["received_from"], first["received_to"]) == ("2025-03-01", "2025-03-02")


def test_months_are_counted_in_the_organisations_time_zone(book):
    # L arrived 01-31 16:00 UTC, which is 02-01 in Seoul: February's.
    january = _table(book, "trend", period=(D(2025, 1, 1), D(2025, 1, 31)))
    february = _table(book, "trend", period=(D(2025, 2, 1), D(2025, 2, 28)))
    assert sum(row["received"] for row in january.rows) == 2
    assert sum(row["received"] for row in february.rows) == 4


def test_the_pareto_of_categories_is_by_top_level_category_with_the_unclassified_last(book):
    table = _table(book, "categories")
    assert _rows(table, "label", "count", "share", "cumulative") == [
        ("배송", 5, 50.0, 50.0),  # A B C E H (K merged)
        ("요금", 4, 40.0, 90.0),  # L D G I
        (table.rows[2]["label"], 1, 10.0, 100.0),  # F (its label: see the English test)
    ]
    assert "category=delivery" in table.drill[0]
    assert "category=none" in table.drill[2]  # the complaints not classified yet


def test_a_category_filter_shows_its_sub_categories(book):
    table = _table(book, "categories", category="delivery")
    assert _rows(table, "count", "share", "cumulative") == [
        (3, 60.0, 60.0),  # late: A B H
        (1, 20.0, 80.0),  # delivery itself: E
        (1, 20.0, 100.0),  # damaged: C
    ]
    assert table.rows[0]["label"] == "배송 지연"
    assert table.rows[1]["label"].startswith("배송") and table.rows[1]["label"] != "배송 지연"
    assert table.rows[2]["label"] == "배송 파손"
    assert QueryDict(table.drill[0])["category"] == "delivery-late"
    # "Delivery itself": the queue's category without its sub-categories.
    itself = QueryDict(table.drill[1])
    assert (itself["category"], itself["category_only"]) == ("delivery", "on")
    assert QueryDict(table.drill[2])["category"] == "delivery-damaged"


def test_the_pareto_of_root_causes_rolls_sub_codes_up_and_counts_those_not_recorded(book):
    table = _table(book, "root_causes")
    assert _rows(table, "label", "count", "share", "cumulative") == [
        ("절차", 3, 30.0, 30.0),  # A (hand-off), B, H (hand-off)
        ("시스템", 1, 10.0, 40.0),  # D
        (table.rows[2]["label"], 6, 60.0, 100.0),  # C E F G I L
    ]
    assert [QueryDict(q)["root_cause"] for q in table.drill] == [
        "dash-process",
        "dash-system",
        "none",
    ]


def test_backlog_ageing_at_the_end_of_a_past_period(book):
    table = _table(book, "ageing")
    # Open at the end of 03-31: I (6 days), E (45), F (39), C (75).
    assert [row["count"] for row in table.rows] == [1, 0, 0, 2, 1, 0]
    assert table.extra == {"as_of": D(2025, 3, 31), "now": False}
    # The queue's complaints open at the end of that day, received in the bucket's days.
    oldest_open = QueryDict(table.drill[3])
    assert (oldest_open["state"], oldest_open["open_at"]) == ("any", "2025-03-31")
    assert (oldest_open["received_from"], oldest_open["received_to"]) == (
        "2025-01-30",
        "2025-02-28",
    )


def test_backlog_ageing_now_links_each_bucket_to_the_open_queue(book):
    table = _table(book, "ageing", at=LAST_DAY_NOON)
    assert [row["count"] for row in table.rows] == [1, 0, 0, 2, 1, 0]
    assert table.extra["now"] is True
    youngest, older = QueryDict(table.drill[0]), QueryDict(table.drill[3])
    assert (youngest["state"], youngest["received_from"], youngest["received_to"]) == (
        "open",
        "2025-03-24",
        "2025-03-31",
    )
    assert (older["received_from"], older["received_to"]) == ("2025-01-30", "2025-02-28")
    assert "received_from" not in QueryDict(table.drill[5])


def test_sla_compliance_per_stage(book):
    table = _table(book, "sla")
    assert _rows(table, "met", "missed", "overdue", "percent_met") == [
        (11, 0, 0, 100.0),  # acknowledgement: every complaint at receipt (K and L too)
        (3, 1, 3, 75.0),  # decision: A D H met, B missed; C E F past due (I not yet)
        (4, 0, 3, 100.0),  # closure: A B D H met; C E F past due
    ]
    assert [row["stage"] for row in table.rows] == ["접수 통지", "결정", "종결"]


def test_satisfaction_by_month_of_closure(book):
    table = _table(book, "satisfaction")
    assert _rows(table, "month", "closed", "answers", "average", "response_rate") == [
        (D(2024, 12, 1), 0, 0, None, None),
        (D(2025, 1, 1), 2, 2, 4.5, 100.0),  # A 4, B 5
        (D(2025, 2, 1), 1, 0, None, 0.0),  # D did not answer
        (D(2025, 3, 1), 1, 1, 2.0, 100.0),  # H 2
    ]
    first = QueryDict(table.drill[1])
    assert (first["state"], first["status"], first["closed_from"], first["closed_to"]) == (
        "closed",
        "closed",
        "2025-01-01",
        "2025-01-31",
    )


def test_the_channel_mix(book):
    table = _table(book, "channels")
    assert _rows(table, "count", "share") == [(5, 50.0), (2, 20.0), (2, 20.0), (1, 10.0)]
    assert [QueryDict(q)["channel"] for q in table.drill] == ["web", "email", "phone", "letter"]


def test_labels_follow_the_active_language(book):
    with translation.override("en"):
        table = _table(book, "channels")
        categories = _table(book, "categories")
    assert table.columns[0].label == "Channel"
    assert table.rows[0]["channel"] == "web form"
    assert [row["label"] for row in categories.rows] == ["Delivery", "Billing", "Not classified"]


def test_a_handler_sees_only_their_units_complaints(book):
    north = _table(book, "trend", viewer=book.north_handler)
    south = _table(book, "channels", viewer=book.south_handler)
    # North: A, B, C, E, H received; A, B, H closed.
    assert _rows(north, "received", "closed", "open") == [(1, 0, 1), (2, 2, 1), (1, 0, 2),
                                                          (1, 1, 2)]  # fmt: skip
    # South: L, D, G on the web, I by phone.
    assert _rows(south, "count") == [(3,), (1,)]
    causes = _table(book, "root_causes", viewer=book.south_handler)
    assert _rows(causes, "count") == [(1,), (3,)]  # D system; G I L not recorded


def test_filters_narrow_every_table(book):
    assert sum(r["received"] for r in _table(book, "trend", unit="south").rows) == 4
    assert _rows(_table(book, "channels", channel="phone"), "count") == [(2,)]
    assert sum(r["count"] for r in _table(book, "categories", category="billing").rows) == 4
    late = _table(book, "trend", category="delivery-late")
    assert sum(r["received"] for r in late.rows) == 3
    # The dashboard's filters travel with every drill-down link.
    assert QueryDict(_table(book, "channels", unit="south").drill[0])["unit"] == "south"


def test_an_unknown_code_or_a_backwards_period_is_refused(book):
    with pytest.raises(InvalidInput) as unknown:
        _table(book, "trend", unit="west")
    assert unknown.value.code == "unknown_unit"
    with pytest.raises(InvalidInput) as backwards:
        _table(book, "trend", period=(D(2025, 3, 2), D(2025, 3, 1)))
    assert backwards.value.code == "invalid_period"


def test_an_empty_period_gives_empty_tables(book):
    period = (D(2023, 1, 1), D(2023, 1, 31))
    assert _table(book, "categories", period=period).rows == []
    assert _table(book, "channels", period=period).rows == []
    assert _table(book, "sla", period=period).rows == []
    assert [r["received"] for r in _table(book, "trend", period=period).rows] == [0] * 6


@pytest.mark.parametrize("key", list(dashboards.TABLES))
def test_each_table_is_a_few_queries_whatever_the_data(book, key):
    with CaptureQueriesContext(connection) as queries:
        _table(book, key)
    # Grouped aggregates plus the category or root-cause tree, the filter's look-ups and
    # whether the pre-aggregated figures are built.
    assert len(queries) <= 9, [q["sql"][:120] for q in queries]
