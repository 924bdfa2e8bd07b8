"""Every dashboard table from the pre-aggregated figures equals the live computation (8.2–8.4).

The dashboard tests' seeded book (``dashboard_seed``: withdrawals, a merge, a complaint received
on a different day in Seoul than in UTC, surveys, root causes). Each table is computed live,
then from the figures, for the whole organisation and each filter, month by month and week by
week, with the clock after the period and inside it; then after changes and the job's next run.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sori.analytics import dashboards
from sori.analytics.filters import AnalyticsFilter
from sori.analytics.models import FigureState
from sori.analytics.services.figures import rebuild_figures, refresh_figures
from sori.complaints.models import Complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import SYSTEM, complainant_actor
from tests.integration.analytics.dashboard_seed import (
    AFTER,
    LAST_DAY_NOON,
    MARCH,
    PERIOD,
    on,
    seed,
)

FILTERS = [{}, {"unit": "north"}, {"category": "delivery"}, {"category": "delivery-late"},
           {"channel": "web"}]  # fmt: skip
TABLES = [key for key in dashboards.TABLES if key != "kpis"]


@pytest.fixture
def book(db):
    return seed()


def _tables(book, when, periods=(PERIOD, MARCH), viewer=None, filters=FILTERS):
    found = {}
    with clock.frozen_at(when):
        for period in periods:
            for flt in filters:
                spec = AnalyticsFilter(*period, **flt)
                for key in TABLES:
                    table = dashboards.table(viewer or book.manager, spec, key)
                    found[(period, tuple(flt.items()), key)] = (table.rows, table.drill)
    return found


def _live(book, when, **kwargs):
    state = FigureState.objects.filter(pk=1)
    built = state.values_list("built_through", flat=True).first()
    state.update(built_through=None)
    try:
        return _tables(book, when, **kwargs)
    finally:
        state.update(built_through=built)


def _assert_same(live, built):
    for case, expected in live.items():
        assert built[case] == expected, case


def test_every_table_from_the_figures_equals_the_live_computation(book):
    live = _live(book, AFTER)
    with clock.frozen_at(AFTER):
        rebuild_figures(actor=SYSTEM)
    _assert_same(live, _tables(book, AFTER))


def test_with_now_inside_the_period_the_last_days_are_read_live(book):
    with clock.frozen_at(LAST_DAY_NOON):
        rebuild_figures(actor=SYSTEM)
    assert FigureState.objects.get().built_through == dt.date(2025, 3, 31)
    _assert_same(_live(book, LAST_DAY_NOON), _tables(book, LAST_DAY_NOON))


def test_the_tables_follow_changes_once_the_job_runs_again(book):
    with clock.frozen_at(AFTER):
        rebuild_figures(actor=SYSTEM)
    # C (received 01-15) is withdrawn; H (closed 03-14) is reopened; I gets closed.
    by_day = {c.received_at: c.reference for c in Complaint.objects.all()}
    c_ref, h_ref = by_day[on(2025, 1, 15)], by_day[on(2025, 3, 10)]
    book.fire(on(2025, 4, 11), complainant_actor(c_ref), c_ref, Event.WITHDRAW)
    book.fire(on(2025, 4, 11), book.north_handler, h_ref, Event.REOPEN, note="다시 봅니다.")
    later = on(2025, 4, 12)
    stale = _tables(book, later)
    with clock.frozen_at(later):
        refresh_figures(actor=SYSTEM)
    live = _live(book, later)
    assert stale != live  # the stored days held the old state until the job ran
    _assert_same(live, _tables(book, later))


@pytest.mark.parametrize("key", ["trend", "categories", "root_causes", "satisfaction", "channels"])
def test_a_built_period_reads_the_figures_not_the_complaints(book, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with clock.frozen_at(AFTER):
        rebuild_figures(actor=SYSTEM)
        with CaptureQueriesContext(connection) as queries:
            dashboards.table(book.manager, AnalyticsFilter(*PERIOD), key)
    complaint_table = Complaint._meta.db_table
    assert not [q for q in queries if f'FROM "{complaint_table}"' in q["sql"]]


def test_every_chart_of_the_dashboard_is_a_valid_vega_lite_spec(book, monkeypatch):
    from sori.analytics import charts

    monkeypatch.setattr(charts, "VALIDATE", True)  # the page skips the schema check
    with clock.frozen_at(AFTER):
        for period in (PERIOD, MARCH):
            for key in dashboards.TABLES:
                table = dashboards.table(book.manager, AnalyticsFilter(*period), key)
                if table.rows:
                    charts.chart_spec(table)  # raises on a spec the schema refuses


def test_the_control_charts_from_the_figures_equal_the_live_computation(book):
    from sori.analytics.control_charts import chart_series, control_charts

    def charts():
        with clock.frozen_at(AFTER):
            found = [control_charts(viewer=book.manager, dimension=d)
                     for d in ("all", "category", "unit")]  # fmt: skip
            found.append(chart_series(viewer=book.manager, key="category:delivery"))
            return found

    live = charts()
    with clock.frozen_at(AFTER):
        rebuild_figures(actor=SYSTEM)
    assert charts() == live
    assert sum(point.count for point in live[0].series[0].points) > 0


HANDLER_FILTERS = [{}, {"unit": "north"}, {"category": "billing"}, {"channel": "web"}]


@pytest.mark.parametrize("when", [AFTER, LAST_DAY_NOON])
def test_a_handlers_tables_from_the_figures_equal_the_live_computation(book, when):
    from sori.analytics import figures
    from tests.integration.analytics.test_figures_kpis import give_north_handler_work_elsewhere

    # South's D (closed, with a root cause), I (open), G (withdrawn) and F (no unit) become the
    # north handler's too, by assignment or an investigation task (``visible()``'s parts).
    r = book.refs
    give_north_handler_work_elsewhere(
        book, {"assigned": [r["D"], r["F"], r["I"]], "task": [r["G"], r["D"]]}
    )
    with clock.frozen_at(when):
        rebuild_figures(actor=SYSTEM)
    assert len(figures.plan(book.north_handler).extra_ids) == 4
    handler = {"viewer": book.north_handler, "filters": HANDLER_FILTERS}
    live = _live(book, when, **handler)
    _assert_same(live, _tables(book, when, **handler))
    # Not the unit's tables alone: the extra complaints are in them.
    north = {
        (case[0], case[2]): rows for case, rows in live.items() if case[1] == (("unit", "north"),)
    }
    assert {(case[0], case[2]): rows for case, rows in live.items() if case[1] == ()} != north


@pytest.mark.parametrize("when", [AFTER, LAST_DAY_NOON])
def test_an_intake_handlers_tables_from_the_figures_equal_the_live_computation(book, when):
    from sori.accounts.models import Role
    from sori.analytics import figures
    from tests.integration.analytics.test_kpis import _staff

    # A handler with no unit sees the intake pool (F has no unit) and D, assigned to them.
    pool = _staff("pool-1", Role.HANDLER, None)
    Complaint.objects.filter(reference=book.refs["D"]).update(assignee_id=pool.user_id)
    with clock.frozen_at(when):
        rebuild_figures(actor=SYSTEM)
    assert figures.plan(pool).pool
    handler = {"viewer": pool, "filters": [{}, {"channel": "letter"}]}
    live = _live(book, when, **handler)
    _assert_same(live, _tables(book, when, **handler))
    assert any(rows for rows, _drill in live.values())


def test_a_handlers_control_charts_from_the_figures_equal_the_live_computation(book):
    from sori.analytics.control_charts import control_charts
    from tests.integration.analytics.test_figures_kpis import give_north_handler_work_elsewhere

    r = book.refs
    give_north_handler_work_elsewhere(book, {"assigned": [r["D"], r["F"]], "task": [r["G"]]})

    def charts():
        with clock.frozen_at(AFTER):
            return [control_charts(viewer=book.north_handler, dimension=d)
                    for d in ("all", "category", "unit")]  # fmt: skip

    live = charts()
    with clock.frozen_at(AFTER):
        rebuild_figures(actor=SYSTEM)
    assert charts() == live
