"""Control charts per category and unit, their signals and a manager's answer (ISO 10002 8.2, 8.7).

Seeded through the real intake service (see ``tests.backoffice.control_charts.seed``): billing
has a spike of 20 complaints in August 2025 against about five a month, so its chart has one
"beyond the limits" signal there; delivery is steady.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sori.accounts.models import Role
from sori.analytics.control_chart_counts import months_filter
from sori.analytics.control_charts import (
    chart_series,
    control_charts,
    span_months,
)
from sori.analytics.models import ExposureFigure, SignalDecision, SignalReview
from sori.analytics.services.signals import acknowledge_signal, open_action_for_signal
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.models import ActionSource, ImprovementAction
from tests.backoffice.control_charts.seed import (
    BILLING,
    DELIVERY,
    MONTHS,
    NOW,
    SEOUL,
    SPIKE,
    organisation,
    receive,
    seed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_now() -> Iterator[None]:
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


@pytest.fixture
def seeded(submit):
    return seed(submit)


def _by_key(charts):
    return {series.key: series for series in charts.series}


def test_the_span_is_the_last_full_months_in_the_organisations_time_zone():
    assert span_months(12) == MONTHS
    # 31 December 2025 at 23:30 UTC is already 1 January 2026 in Seoul: December is full.
    assert span_months(1, today=dt.date(2026, 1, 1)) == [dt.date(2025, 12, 1)]
    assert span_months(24)[0] == dt.date(2024, 1, 1)


def test_a_spike_in_a_category_is_a_beyond_limits_signal_in_that_month(seeded, manager):
    charts = control_charts(viewer=manager, dimension="category", months=12)
    series = _by_key(charts)
    billing, delivery = series["category:billing"], series["category:delivery"]
    # The sub-category's complaint counts in its top-level category.
    assert [point.count for point in billing.points] == BILLING
    assert [point.count for point in delivery.points] == DELIVERY
    assert billing.kind == "c" and billing.baseline == 12
    assert billing.centre == pytest.approx(6.25)
    assert billing.points[0].ucl == pytest.approx(13.75)
    assert billing.points[0].lcl == 0
    assert [(s.rule, s.direction, s.period_start) for s in billing.signals] == [
        ("beyond_limits", "up", SPIKE)
    ]
    assert billing.signals[0].months == (SPIKE,)
    assert billing.signals[0].is_open
    assert delivery.signals == []
    # Charts that need a manager's look come first.
    assert charts.series[0].key == "category:billing"


def test_the_signal_message_is_in_the_readers_language(seeded, manager):
    with translation.override("en"):
        billing = _by_key(control_charts(viewer=manager, dimension="category", months=12))
    message = billing["category:billing"].signals[0].message
    assert message.startswith("A point is above the upper control limit")
    with translation.override("ko"):
        billing = _by_key(control_charts(viewer=manager, dimension="category", months=12))
    assert "상한 관리 한계" in billing["category:billing"].signals[0].message


def test_per_unit_and_whole_organisation_charts(seeded, manager):
    units = _by_key(control_charts(viewer=manager, dimension="unit", months=12))
    assert set(units) == {"unit:north", "unit:south"}
    assert [p.count for p in units["unit:north"].points] == BILLING
    whole = control_charts(viewer=manager, dimension="all", months=12)
    assert [p.count for p in whole.series[0].points] == [
        b + d for b, d in zip(BILLING, DELIVERY, strict=True)
    ]
    # Over 24 months the first year is empty: its limits say nothing changed before 2025.
    longer = control_charts(viewer=manager, dimension="all", months=24)
    assert [p.count for p in longer.series[0].points[:12]] == [0] * 12


def test_months_are_counted_in_the_organisations_time_zone(manager, submit):
    organisation()
    # 31 July 2025 16:00 UTC is 1 August 01:00 in Seoul; 31 August 14:59 UTC is still August.
    for moment in (
        dt.datetime(2025, 7, 31, 16, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 8, 31, 14, 59, tzinfo=dt.UTC),
        dt.datetime(2025, 8, 31, 15, 0, tzinfo=dt.UTC),  # 1 September 00:00 in Seoul
    ):
        with clock.frozen_at(moment):
            submit("경계 시각", category="billing")
    series = chart_series(viewer=manager, key="category:billing", months=12)
    counts = {p.month: p.count for p in series.points}
    assert counts[dt.date(2025, 7, 1)] == 0
    assert counts[dt.date(2025, 8, 1)] == 2
    assert counts[dt.date(2025, 9, 1)] == 1
    assert Complaint.objects.filter(months_filter([dt.date(2025, 8, 1)])).count() == 2


def test_a_u_chart_when_every_month_has_its_customer_figure(seeded, manager):
    for month in MONTHS:
        ExposureFigure.objects.create(month=month, unit=None, customers=20_000)
    whole = control_charts(viewer=manager, dimension="all", months=12).series[0]
    assert whole.kind == "u"
    first = whole.points[0]
    assert first.customers == 20_000
    assert first.value == pytest.approx((BILLING[0] + DELIVERY[0]) / 20)
    # A unit with no figures of its own stays a c-chart; one month missing is enough.
    units = _by_key(control_charts(viewer=manager, dimension="unit", months=12))
    assert units["unit:north"].kind == "c"
    north = seeded["north"]
    for month in MONTHS[:-1]:
        ExposureFigure.objects.create(month=month, unit=north, customers=5_000)
    units = _by_key(control_charts(viewer=manager, dimension="unit", months=12))
    assert units["unit:north"].kind == "c"
    ExposureFigure.objects.create(month=MONTHS[-1], unit=north, customers=5_000)
    units = _by_key(control_charts(viewer=manager, dimension="unit", months=12))
    assert units["unit:north"].kind == "u"
    assert units["unit:north"].signals[0].period_start == SPIKE


def test_the_counts_are_one_grouped_query_whatever_the_number_of_categories(seeded, manager):
    with CaptureQueriesContext(connection) as queries:
        control_charts(viewer=manager, dimension="category", months=12)
    counting = [q for q in queries if "complaints_complaint" in q["sql"].lower()]
    assert len(counting) == 1
    # Whether the pre-aggregated figures are built, counts, figures, labels, reviews and
    # actions: a fixed number of queries.
    assert len(queries) <= 7


def test_acknowledging_a_signal_records_the_review_and_closes_it(seeded, manager):
    review = acknowledge_signal(
        actor=manager,
        chart="category:billing",
        rule="beyond_limits",
        period_start=SPIKE,
        note="8월 요금 개편 안내 지연으로 일시적 증가; 이미 조치됨.",
        months=12,
    )
    assert review.decision == SignalDecision.ACKNOWLEDGED
    assert review.direction == "up" and review.reviewed_by_id == manager.user_id
    billing = _by_key(control_charts(viewer=manager, dimension="category", months=12))
    signal = billing["category:billing"].signals[0]
    assert not signal.is_open
    assert signal.review is not None and signal.review.note.startswith("8월")
    assert billing["category:billing"].reviews[0].detected
    entry = AuditEntry.objects.get(action="sori.analytics.signal_acknowledged")
    assert entry.iso_clause == "8.2"
    assert entry.data["chart"] == "category:billing" and entry.data["period_start"] == "2025-08-01"
    # A second answer to the same signal is refused, whichever it is.
    with pytest.raises(Conflict) as again:
        open_action_for_signal(actor=manager, chart="category:billing", rule="beyond_limits",
                               period_start=SPIKE, title="두 번째", months=12)  # fmt: skip
    assert again.value.code == "already_reviewed"
    assert ImprovementAction.objects.count() == 0


def test_opening_an_action_links_the_complaints_of_the_signal_month(seeded, manager):
    action = open_action_for_signal(
        actor=manager,
        chart="category:billing",
        rule="beyond_limits",
        period_start=SPIKE,
        title="8월 요금 민원 급증 원인 제거",
        description="청구서 안내 문구를 고칩니다.",
        due_on=dt.date(2026, 3, 31),
        months=12,
    )
    assert action.source == ActionSource.SPC_SIGNAL
    assert action.source_key == "spc:category:billing:beyond_limits:2025-08-01"
    linked = action.complaints.all()
    assert linked.count() == 20
    assert all(c.received_at.astimezone(SEOUL).month == 8 for c in linked)
    assert {c.category.code for c in linked} == {"billing", "billing-refund"}
    review = SignalReview.objects.get()
    assert review.decision == SignalDecision.ACTION and review.improvement_action == action
    billing = _by_key(control_charts(viewer=manager, dimension="category", months=12))
    signal = billing["category:billing"].signals[0]
    assert signal.action_reference == action.reference and not signal.is_open
    assert AuditEntry.objects.filter(
        action="sori.analytics.signal_action", iso_clause="8.2"
    ).exists()
    assert AuditEntry.objects.filter(action="sori.improvement.opened", iso_clause="8.7").exists()


# A rule that did not fire, a month without a signal, a chart that is steady; then charts that
# do not exist (a sub-category has no chart of its own).
FORGED = [
    ("category:billing", "run", SPIKE, "signal_not_on_chart"),
    ("category:billing", "beyond_limits", dt.date(2025, 7, 1), "signal_not_on_chart"),
    ("category:billing", "beyond_limits", dt.date(2025, 8, 2), "signal_not_on_chart"),
    ("category:delivery", "beyond_limits", SPIKE, "signal_not_on_chart"),
    ("category:nope", "beyond_limits", SPIKE, "unknown_chart"),
    ("category:billing-refund", "beyond_limits", SPIKE, "unknown_chart"),
    ("team:north", "beyond_limits", SPIKE, "unknown_chart"),
]


def test_a_forged_signal_is_refused_and_nothing_is_written(seeded, manager):
    for chart, rule, period_start, code in FORGED:
        signal = {"chart": chart, "rule": rule, "period_start": period_start, "months": 12}
        with pytest.raises((Conflict, InvalidInput)) as refused:
            acknowledge_signal(actor=manager, note="확인", **signal)
        assert refused.value.code == code, signal
        with pytest.raises((Conflict, InvalidInput)) as refused:
            open_action_for_signal(actor=manager, title="조치", **signal)
        assert refused.value.code == code, signal
    assert not SignalReview.objects.exists() and not ImprovementAction.objects.exists()


def test_a_stale_signal_is_refused_once_the_figures_no_longer_show_it(seeded, manager, submit):
    # Ten more complaints in each of the first seven months lift the centre line to 145 / 12
    # ≈ 12.08 and the upper limit to ≈ 22.5: August's 20 is within the limits now.
    receive(submit, [10] * 7 + [0] * 5, "billing")
    with pytest.raises(Conflict) as stale:
        acknowledge_signal(actor=manager, chart="category:billing", rule="beyond_limits",
                           period_start=SPIKE, note="확인", months=12)  # fmt: skip
    assert stale.value.code == "signal_not_on_chart"


def test_only_managers_and_top_management_answer_signals(seeded, make_staff):
    top = make_staff(Role.TOP_MANAGEMENT)
    acknowledge_signal(actor=top, chart="category:billing", rule="beyond_limits",
                       period_start=SPIKE, note="경영진 확인", months=12)  # fmt: skip
    for role in (Role.AUDITOR, Role.ADMINISTRATOR, Role.HANDLER):
        with pytest.raises(Forbidden):
            acknowledge_signal(actor=make_staff(role), chart="all", rule="beyond_limits",
                               period_start=SPIKE, note="x", months=12)  # fmt: skip


def test_a_note_is_required_to_acknowledge(seeded, manager):
    with pytest.raises(InvalidInput) as empty:
        acknowledge_signal(actor=manager, chart="category:billing", rule="beyond_limits",
                           period_start=SPIKE, note="  ", months=12)  # fmt: skip
    assert empty.value.code == "note_required"


def test_a_handler_charts_only_the_complaints_they_may_see(seeded, make_staff):
    from tests.backoffice.workspace.conftest import place

    handler = place(make_staff(Role.HANDLER), unit=seeded["south"])
    charts = _by_key(control_charts(viewer=handler, dimension="category", months=12))
    assert set(charts) == {"category:delivery"}


def test_unknown_dimension_or_span_is_refused(manager):
    with pytest.raises(InvalidInput) as dimension:
        control_charts(viewer=manager, dimension="product")
    assert dimension.value.code == "invalid_dimension"
    with pytest.raises(InvalidInput) as span:
        control_charts(viewer=manager, months=7)
    assert span.value.code == "invalid_span"
