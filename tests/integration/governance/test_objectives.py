"""Measurable objectives and their red / amber / green results (ISO 10002 6.2).

Seeded through the real intake service; today is 15 March 2026 in Seoul.

  January 2026: four complaints, all in the billing category, from four people (one is a@).
  February 2026: four complaints: two in billing from a@ (a repeat of January, twice), two with
    no category from new people.

Hand-computed KPI values:
  data_quality (complete records ÷ received): January 4/4 = 100 %, February 2/4 = 50 %.
  repeat_rate (from a person who complained in the 90 days before ÷ received): January 0/4 = 0 %,
    February 2/4 = 50 %.
  March: nothing received yet, so neither has a value (grey).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.models import ActionSource, Cadence, ImprovementAction
from sori.governance.objectives import (
    Rag,
    objective_progress,
    objectives_overview,
    periods_of,
    rate,
)
from sori.governance.services.objectives import (
    ObjectiveInput,
    open_action_for_objective,
    retire_objective,
    set_objective,
    update_objective,
)
from tests.backoffice.recurring.seed import categories, file

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = dt.datetime(2026, 3, 15, 11, 0, tzinfo=SEOUL)


def on(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SEOUL)


@pytest.fixture
def seeded(db) -> None:
    categories()
    file("1월 요금 문의 1", when=on(1, 5), category="billing", email="a@example.kr")
    for day in (8, 12, 20):
        file(f"1월 요금 문의 {day}", when=on(1, day), category="billing")
    file("2월 또 요금 문제", when=on(2, 3), category="billing", email="a@example.kr")
    file("2월 다시 요금 문제", when=on(2, 10), category="billing", email="a@example.kr")
    file("분류 없는 민원 1", when=on(2, 14))
    file("분류 없는 민원 2", when=on(2, 21))


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


def objective_input(owner_id: int, **changes) -> ObjectiveInput:
    fields = {
        "title": "처리 기록 완전성 95%",
        "kpi_code": "data_quality",
        "target": Decimal("95"),
        "period_from": dt.date(2026, 1, 1),
        "period_to": dt.date(2026, 6, 30),
        "owner_id": owner_id,
    }
    return ObjectiveInput(**{**fields, **changes})


def results(progress) -> list[tuple[str, float | None, str]]:
    return [(period.label, period.value, period.rag) for period in progress.periods]


def test_a_higher_is_better_objective_is_green_then_red_month_by_month(seeded, manager):
    objective = set_objective(actor=manager, data=objective_input(manager.user_id))

    progress = objective_progress(viewer=manager, objective=objective)

    assert results(progress) == [
        ("2026-01", 100.0, Rag.GREEN),
        ("2026-02", 50.0, Rag.RED),
        ("2026-03", None, Rag.GREY),
    ]
    assert progress.overall == Rag.RED and progress.latest.label == "2026-02"
    assert [p.partial for p in progress.periods] == [False, False, True]
    assert progress.periods[2].end == dt.date(2026, 3, 15)


def test_a_lower_is_better_objective_is_green_then_red(seeded, manager):
    objective = set_objective(
        actor=manager,
        data=objective_input(
            manager.user_id, title="재민원 10% 이하", kpi_code="repeat_rate", target=Decimal("10")
        ),
    )

    progress = objective_progress(viewer=manager, objective=objective)

    assert results(progress)[:2] == [("2026-01", 0.0, Rag.GREEN), ("2026-02", 50.0, Rag.RED)]


def test_a_volume_objective_is_a_ceiling_or_a_floor_the_objective_sets(seeded, manager):
    # Four complaints received in January and four in February (see the module).
    ceiling = set_objective(
        actor=manager,
        data=objective_input(
            manager.user_id,
            title="월 접수 3건 이하",
            kpi_code="received",
            target=Decimal("3"),
            target_side="lower",
            amber_margin=Decimal("1"),
        ),
    )
    floor = set_objective(
        actor=manager,
        data=objective_input(
            manager.user_id,
            title="월 접수 4건 이상",
            kpi_code="received",
            target=Decimal("4"),
            target_side="higher",
        ),
    )

    assert results(objective_progress(viewer=manager, objective=ceiling))[:2] == [
        ("2026-01", 4.0, Rag.AMBER), ("2026-02", 4.0, Rag.AMBER),
    ]  # fmt: skip
    assert results(objective_progress(viewer=manager, objective=floor))[:2] == [
        ("2026-01", 4.0, Rag.GREEN), ("2026-02", 4.0, Rag.GREEN),
    ]  # fmt: skip
    assert objective_progress(viewer=manager, objective=floor).direction == "higher"


def test_the_rate_per_thousand_customers_is_grey_until_the_customers_are_entered(seeded, manager):
    from sori.analytics.models import ExposureFigure

    objective = set_objective(
        actor=manager,
        data=objective_input(
            manager.user_id,
            kpi_code="received_per_1000_customers",
            target=Decimal("1"),
            target_side="lower",
        ),
    )
    assert results(objective_progress(viewer=manager, objective=objective))[0][1:] == (
        None, Rag.GREY,
    )  # fmt: skip
    ExposureFigure.objects.create(month=dt.date(2026, 1, 1), customers=2000)

    # January: 4 received ÷ 2,000 customers × 1,000 = 2 per 1,000, above the ceiling of 1.
    assert results(objective_progress(viewer=manager, objective=objective))[0] == (
        "2026-01", 2.0, Rag.RED,
    )  # fmt: skip


def test_a_miss_within_the_amber_margin_is_amber(seeded, manager):
    objective = set_objective(
        actor=manager, data=objective_input(manager.user_id, amber_margin=Decimal("45"))
    )

    progress = objective_progress(viewer=manager, objective=objective)

    assert results(progress)[1] == ("2026-02", 50.0, Rag.AMBER)
    assert progress.overall == Rag.AMBER


def test_a_scoped_objective_counts_only_its_category(seeded, manager):
    objective = set_objective(actor=manager, data=objective_input(manager.user_id,
                                                                  category="billing"))  # fmt: skip

    progress = objective_progress(viewer=manager, objective=objective)

    # February's two billing complaints are complete: the uncategorised ones are out of scope.
    assert results(progress)[:2] == [("2026-01", 100.0, Rag.GREEN), ("2026-02", 100.0, Rag.GREEN)]


def test_a_quarterly_objective_is_measured_per_quarter_up_to_today(seeded, manager):
    objective = set_objective(
        actor=manager, data=objective_input(manager.user_id, cadence=Cadence.QUARTER)
    )

    progress = objective_progress(viewer=manager, objective=objective)

    # Q1 so far: 6 complete of 8 received (labelled in Korean, the default language).
    assert results(progress) == [("2026년 1분기", 75.0, Rag.RED)]
    assert progress.periods[0].partial


def test_periods_are_clipped_to_the_objective_and_to_today(manager):
    objective = set_objective(
        actor=manager,
        data=objective_input(
            manager.user_id, period_from=dt.date(2026, 2, 10), period_to=dt.date(2026, 12, 31)
        ),
    )

    assert periods_of(objective, dt.date(2026, 3, 15)) == [
        (dt.date(2026, 2, 10), dt.date(2026, 2, 28), "2026-02", False),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 15), "2026-03", True),
    ]


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        (95.0, "higher", Rag.GREEN),
        (94.99, "higher", Rag.AMBER),
        (90.0, "higher", Rag.AMBER),
        (89.99, "higher", Rag.RED),
        (95.0, "lower", Rag.GREEN),
        (100.0, "lower", Rag.AMBER),
        (100.01, "lower", Rag.RED),
        (None, "higher", Rag.GREY),
    ],
)
def test_the_rag_rule_at_its_edges(value, direction, expected):
    assert rate(value, Decimal("95"), Decimal("5"), direction) == expected


def test_the_overview_lists_active_objectives_with_their_progress(seeded, manager):
    first = set_objective(actor=manager, data=objective_input(manager.user_id))
    second = set_objective(actor=manager, data=objective_input(manager.user_id, title="다른 목표"))
    retire_objective(actor=manager, objective_id=second.pk, note="대체됨")

    active = objectives_overview(viewer=manager)
    retired = objectives_overview(viewer=manager, retired=True)

    assert [row.objective.pk for row in active] == [first.pk]
    assert [row.objective.pk for row in retired] == [second.pk]


# --- the rules of setting an objective ----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": "  "}, "title_required", "title"),
        ({"kpi_code": "no_such_kpi"}, "unknown_kpi", "kpi_code"),
        ({"kpi_code": "received"}, "side_required", "target_side"),  # no better direction
        ({"kpi_code": "received", "target_side": "sideways"}, "invalid_side", "target_side"),
        ({"target_side": "lower"}, "side_contradicts_indicator", "target_side"),
        ({"target": Decimal("-1")}, "negative_target", "target"),
        ({"target": Decimal("100.5")}, "target_too_high", "target"),
        ({"kpi_code": "satisfaction_score", "target": Decimal("6")}, "target_too_high", "target"),
        ({"amber_margin": Decimal("-2")}, "negative_margin", "amber_margin"),
        ({"period_to": dt.date(2025, 12, 31)}, "invalid_period", "period_to"),
        ({"period_to": dt.date(2031, 6, 30)}, "period_too_long", "period_to"),
        ({"cadence": "weekly"}, "invalid_cadence", "cadence"),
        ({"owner_id": 987654}, "invalid_owner", "owner"),
        ({"unit": "nowhere"}, "unknown_unit", "unit"),
        ({"category": "nothing"}, "unknown_category", "category"),
        ({"channel": "pigeon"}, "unknown_channel", "channel"),
    ],
)
def test_an_objective_that_breaks_a_rule_is_refused_on_its_field(manager, changes, code, field):
    with pytest.raises(InvalidInput) as refused:
        set_objective(actor=manager, data=replace(objective_input(manager.user_id), **changes))

    assert (refused.value.code, refused.value.params["field"]) == (code, field)


def test_a_days_target_may_exceed_one_hundred(manager):
    objective = set_objective(
        actor=manager,
        data=objective_input(manager.user_id, kpi_code="p90_days_to_close", target=Decimal("120")),
    )

    assert objective.target == Decimal("120")


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR, Role.HANDLER])
def test_only_managers_and_top_management_set_objectives(make_staff, role):
    actor = make_staff(role)

    with pytest.raises(Forbidden):
        set_objective(actor=actor, data=objective_input(actor.user_id))


def test_setting_changing_and_retiring_are_audited_under_6_2(manager, make_staff):
    top = make_staff(Role.TOP_MANAGEMENT)
    objective = set_objective(actor=top, data=objective_input(manager.user_id))

    update_objective(actor=manager, objective_id=objective.pk,
                     data=objective_input(manager.user_id, target=Decimal("97.5")))  # fmt: skip
    retire_objective(actor=top, objective_id=objective.pk, note="달성")

    entries = list(AuditEntry.objects.filter(object_type="objective").order_by("seq"))
    assert [e.action for e in entries] == [
        "sori.objective.set",
        "sori.objective.updated",
        "sori.objective.retired",
    ]
    assert all(e.iso_clause == "6.2" for e in entries)
    assert entries[1].data["changed"] == {"target": {"from": "95.00", "to": "97.50"}}
    objective.refresh_from_db()
    assert not objective.active and objective.target == Decimal("97.50")
    with pytest.raises(Conflict) as retired:
        update_objective(actor=manager, objective_id=objective.pk,
                         data=objective_input(manager.user_id))  # fmt: skip
    assert retired.value.code == "retired"


# --- an improvement action for a red objective -------------------------------------------------


def test_a_red_objective_opens_one_improvement_action_for_its_latest_red_period(seeded, manager):
    objective = set_objective(actor=manager, data=objective_input(manager.user_id))

    action = open_action_for_objective(actor=manager, objective_id=objective.pk,
                                       title="분류 누락 줄이기", owner_id=manager.user_id)  # fmt: skip

    assert action.source == ActionSource.OBJECTIVE
    assert action.source_key == f"objective:{objective.pk}:2026-02-01"
    assert "2026-02" in action.cause and "50.0" in action.cause
    progress = objective_progress(viewer=manager, objective=objective)
    assert progress.action_reference == action.reference and not progress.may_open_action
    with pytest.raises(Conflict) as again:
        open_action_for_objective(actor=manager, objective_id=objective.pk, title="다시")
    assert again.value.code == "already_actioned"
    assert ImprovementAction.objects.count() == 1


def test_an_objective_on_target_opens_no_action(seeded, manager):
    objective = set_objective(
        actor=manager, data=objective_input(manager.user_id, category="billing")
    )

    with pytest.raises(Conflict) as refused:
        open_action_for_objective(actor=manager, objective_id=objective.pk, title="불필요")

    assert refused.value.code == "objective_not_red"
