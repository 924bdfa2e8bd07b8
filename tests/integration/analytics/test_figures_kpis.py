"""The KPIs from the pre-aggregated figures equal the live computation (ISO 10002 8.4).

The KPI tests' seeded book (``test_kpis``): every KPI is computed live (figures not built), then
the figures are built and the same KPIs are read from them; counts and ratios must be identical,
for the whole organisation and for each filter the figures can answer, before and after a
complaint changes state and the periodic job runs again.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sori.analytics import figures
from sori.analytics.kpis import kpis
from sori.analytics.models import DailyFigure, FigureState
from sori.analytics.services.figures import rebuild_figures, refresh_figures
from sori.complaints.models import Complaint, InvestigationTask
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import SYSTEM
from tests.integration.analytics import test_kpis
from tests.integration.analytics.test_kpis import MARCH, at

# The KPI tests' seeded book, as a fixture here too.
book = test_kpis.book

FEB_MAR = (dt.date(2025, 2, 1), dt.date(2025, 3, 31))
FILTERS = [{}, {"unit": "north"}, {"unit": "south"}, {"category": "delivery"},
           {"channel": "email"}]  # fmt: skip


def _report(viewer, period, when, **filters):
    with clock.frozen_at(when):
        report = kpis(viewer=viewer, period_from=period[0], period_to=period[1], **filters)
    return {k.code: (k.value, k.numerator, k.denominator, k.status) for k in report.kpis}


def _exact(flt):
    """The percentiles are read from the histogram (per unit) unless a category or channel is set."""
    return bool(flt.get("category") or flt.get("channel"))


def _assert_same(live, built, exact):
    for code, value in live.items():
        if code.startswith(("median_days", "p90_days")) and not exact:
            # From the hourly histogram: within one hour of the exact value.
            assert (value[0] is None) == (built[code][0] is None), code
            if value[0] is not None:
                assert abs(value[0] - built[code][0]) <= 1 / 24 + 0.01, code
        else:
            assert built[code] == value, code


def _compare(book, when, periods=(MARCH, FEB_MAR), filters=FILTERS):
    cases = [(p, f) for p in periods for f in filters]
    FigureState.objects.filter(pk=1).update(built_through=None)
    live = [_report(book.manager, p, when, **f) for p, f in cases]
    FigureState.objects.filter(pk=1).delete()
    with clock.frozen_at(when):
        rebuild_figures(actor=SYSTEM)
    for (period, flt), expected in zip(cases, live, strict=True):
        _assert_same(expected, _report(book.manager, period, when, **flt), exact=_exact(flt))


def test_every_kpi_from_the_figures_equals_the_live_computation(book):
    _compare(book, at(4, 10))
    assert DailyFigure.objects.exists()


def test_the_days_not_built_yet_are_read_live(book):
    # Built on 03-20: the days from 03-20 on are read from the complaints, the rest stored.
    with clock.frozen_at(at(3, 20)):
        rebuild_figures(actor=SYSTEM)
    assert FigureState.objects.get().built_through == dt.date(2025, 3, 20)
    live_state = FigureState.objects.get()
    FigureState.objects.filter(pk=1).update(built_through=None)
    live = _report(book.manager, MARCH, at(4, 10))
    FigureState.objects.filter(pk=1).update(built_through=live_state.built_through)
    _assert_same(live, _report(book.manager, MARCH, at(4, 10)), exact=False)


def test_a_change_is_counted_after_the_job_runs_again(book):
    with clock.frozen_at(at(4, 10)):
        rebuild_figures(actor=SYSTEM)
    # E (closed 03-19) is reopened and closed again in April: its March closure is undone.
    book.fire(at(4, 11), book.north_handler, _received_at(at(2, 20)), Event.REOPEN,
              note="다시 확인합니다.")  # fmt: skip
    stale = _report(book.manager, MARCH, at(4, 12))
    with clock.frozen_at(at(4, 12)):
        summary = refresh_figures(actor=SYSTEM)
    assert not summary.full and summary.days >= 1
    FigureState.objects.filter(pk=1).update(built_through=None)
    live = _report(book.manager, MARCH, at(4, 12))
    FigureState.objects.filter(pk=1).update(built_through=summary.built_through)
    built = _report(book.manager, MARCH, at(4, 12))
    _assert_same(live, built, exact=False)
    # Before the job ran, the stored March still held E's undone closure.
    assert stale["closed"][0] == live["closed"][0] + 1


def test_a_product_filter_or_another_unit_keeps_the_live_path(book):
    with clock.frozen_at(at(4, 10)):
        rebuild_figures(actor=SYSTEM)
    assert figures.plan(book.manager, product="택배") is None
    assert figures.plan(book.manager, unit="north") is not None
    # A handler: their unit from the figures; another unit holds only their own, read live.
    assert figures.plan(book.north_handler) is not None
    assert figures.plan(book.north_handler, unit="south") is None


def give_north_handler_work_elsewhere(book, refs):
    """Complaints outside north made the north handler's (``visible()``'s other parts): two
    assigned (one of them with no unit), one through an investigation task, one both."""
    handler = book.north_handler.user_id
    for ref in refs["assigned"]:
        Complaint.objects.filter(reference=ref).update(assignee_id=handler)
    for ref in refs["task"]:
        InvestigationTask.objects.create(
            complaint=Complaint.objects.get(reference=ref), title="현장 확인", owner_id=handler,
            created_by_id=book.manager.user_id, created_at=at(3, 1),
        )  # fmt: skip


HANDLER_FILTERS = [{}, {"unit": "north"}, {"category": "billing"}, {"channel": "email"}]


def test_a_handlers_kpis_from_the_figures_equal_the_live_computation(book):
    by_letter = {c.received_at: c.reference for c in Complaint.objects.all()}
    c, d, f, r = (by_letter[at(3, 12)], by_letter[at(3, 20)], by_letter[at(3, 30)],
                  by_letter[at(3, 5)])  # fmt: skip
    give_north_handler_work_elsewhere(book, {"assigned": [c, d, f], "task": [r, c]})
    when = at(4, 10)
    cases = [(p, flt) for p in (MARCH, FEB_MAR) for flt in HANDLER_FILTERS]
    FigureState.objects.filter(pk=1).update(built_through=None)
    live = [_report(book.north_handler, p, when, **flt) for p, flt in cases]
    FigureState.objects.filter(pk=1).delete()
    with clock.frozen_at(dt.datetime(2025, 3, 20, tzinfo=dt.UTC)):
        rebuild_figures(actor=SYSTEM)  # the days from 03-20 on are read live
    assert len(figures.plan(book.north_handler).extra_ids) == 4
    for (period, flt), expected in zip(cases, live, strict=True):
        _assert_same(expected, _report(book.north_handler, period, when, **flt), exact=_exact(flt))
    # The handler sees more than north: the extra complaints were counted.
    north = _report(book.north_handler, MARCH, when, unit="north")
    assert live[0]["received"][0] > north["received"][0]


def test_an_intake_handlers_kpis_from_the_figures_equal_the_live_computation(book):
    from sori.accounts.models import Role
    from tests.integration.analytics.test_kpis import _staff

    # A handler with no unit works the intake pool (D has no unit), plus C of south, assigned.
    pool = _staff("pool-1", Role.HANDLER, None)
    by_day = {c.received_at: c for c in Complaint.objects.all()}
    Complaint.objects.filter(pk=by_day[at(3, 12)].pk).update(assignee_id=pool.user_id)
    when = at(4, 10)
    cases = [(p, flt) for p in (MARCH, FEB_MAR) for flt in ({}, {"channel": "email"})]
    FigureState.objects.filter(pk=1).update(built_through=None)
    live = [_report(pool, p, when, **flt) for p, flt in cases]
    FigureState.objects.filter(pk=1).delete()
    with clock.frozen_at(dt.datetime(2025, 3, 20, tzinfo=dt.UTC)):
        rebuild_figures(actor=SYSTEM)  # the days from 03-20 on are read live
    plan = figures.plan(pool)
    assert plan is not None and plan.pool and len(plan.extra_ids) == 1
    assert figures.plan(pool, unit="north") is None  # only their own there: read live
    for (period, flt), expected in zip(cases, live, strict=True):
        _assert_same(expected, _report(pool, period, when, **flt), exact=_exact(flt))
    assert live[0]["received"][0] == 2  # D (the pool) and C (theirs)


def test_the_percentile_formula_says_it_is_approximate_when_read_from_the_figures(book):
    with clock.frozen_at(at(4, 10)):
        rebuild_figures(actor=SYSTEM)
        report = kpis(viewer=book.manager, period_from=MARCH[0], period_to=MARCH[1])
    formulas = {k.code: k.formula for k in report.kpis}
    assert "≈" in formulas["median_days_to_decide"]
    assert "≈" not in formulas["received"]


@pytest.mark.parametrize(
    ("viewer", "flt", "approximate"),
    [("manager", {"unit": "north"}, True), ("north_handler", {}, True),
     ("manager", {"category": "delivery"}, False), ("north_handler", {"channel": "email"}, False)],
)  # fmt: skip
def test_a_units_percentiles_come_from_its_histogram_and_a_categorys_are_exact(
    book, viewer, flt, approximate
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with clock.frozen_at(at(4, 10)):
        rebuild_figures(actor=SYSTEM)
        with CaptureQueriesContext(connection) as queries:
            report = kpis(viewer=getattr(book, viewer), period_from=MARCH[0],
                          period_to=MARCH[1], **flt)  # fmt: skip
    formulas = {k.code: k.formula for k in report.kpis}
    assert ("≈" in formulas["p90_days_to_close"]) is approximate
    histogram = [q for q in queries if "analytics_durationbin" in q["sql"]]
    assert bool(histogram) is approximate


def _received_at(when):
    return Complaint.objects.get(received_at=when).reference


pytestmark = pytest.mark.django_db


def test_the_worker_refreshes_the_figures_every_five_minutes_and_builds_them_first(book):
    from django.apps import apps

    jobs = {name: (function, every) for name, function, every in
            apps.get_app_config("analytics").periodic_jobs()}  # fmt: skip
    function, every = jobs["analytics-figures"]
    assert every == 300.0
    with clock.frozen_at(at(4, 10)):
        first = function()  # nothing built yet: a full rebuild
        second = function()
    assert first.full and not second.full
    assert FigureState.objects.get().built_through == dt.date(2025, 4, 10)


def test_the_command_rebuilds_the_figures(book):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with clock.frozen_at(at(4, 10)):
        call_command("figures", "rebuild", stdout=out)
    assert "2025-04-10" in out.getvalue()
    assert DailyFigure.objects.filter(grain="m", day=dt.date(2025, 3, 1)).exists()
