"""The improvement-action KPIs against hand-computed answers (ISO 10002 8.7, 8.4).

March 2026 in Seoul. Actions (opened → implemented → checked, days in March unless said):
  A opened 02-20, implemented 03-05, checked effective 03-20     — linked to a north complaint
  B opened 03-02, implemented 03-10, checked not effective 03-25 — linked to a south complaint
  C opened 03-03, implemented 03-12 (not checked yet)            — no complaint
  D opened 03-04, cancelled 03-06                                — linked to north and south
  E opened 04-01 (after the period)                              — linked to a north complaint
So in March: opened B C D = 3; implemented A B C = 3; checked A B = 2, effective A = 50 %.
With unit=north (actions linked to a north complaint): opened D = 1; implemented A = 1;
checked A, effective 100 %. A north handler sees what unit=north shows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sori.accounts.models import Role, Unit
from sori.analytics.kpis import kpis
from sori.complaints.models import Category, Complaint
from sori.core import clock
from sori.governance.services.action_opening import open_improvement_action
from sori.governance.services.actions import (
    cancel_action,
    check_effectiveness,
    record_implementation,
)
from tests.backoffice.workspace.conftest import place

pytestmark = pytest.mark.django_db

MARCH = {"period_from": dt.date(2026, 3, 1), "period_to": dt.date(2026, 3, 31)}
CODES = ("improvement_actions_opened", "improvement_actions_closed",
         "improvement_actions_effective")  # fmt: skip


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul


@pytest.fixture(autouse=True)
def checks_due_at_once(settings):
    # These figures count checks, not their timing: the checks are recorded days after the work.
    settings.SORI_EFFECTIVENESS_CHECK_DAYS = 0


@pytest.fixture
def book(make_staff, submit):
    north = Unit.objects.create(code="north", name_ko="북부", name_en="North")
    south = Unit.objects.create(code="south", name_ko="남부", name_en="South")
    Category.objects.create(code="billing", label_ko="요금", label_en="Billing", unit=north)
    Category.objects.create(code="delivery", label_ko="배송", label_en="Delivery", unit=south)
    with clock.frozen_at(at(2, 1)):
        n1, n2 = (submit(category="billing").reference for _ in range(2))
        s1 = submit(category="delivery").reference
    pk = dict(Complaint.objects.values_list("reference", "pk"))
    manager = make_staff(Role.COMPLAINTS_MANAGER)

    def open_(when, title, refs=()):
        with clock.frozen_at(when):
            return open_improvement_action(
                actor=manager, title=title, complaint_ids=[pk[r] for r in refs]
            ).reference

    def at_(when, call, **kwargs):
        with clock.frozen_at(when):
            call(actor=manager, **kwargs)

    a = open_(at(2, 20), "A", [n1])
    b = open_(at(3, 2), "B", [s1])
    c = open_(at(3, 3), "C")
    d = open_(at(3, 4), "D", [n2, s1])
    open_(at(4, 1), "E", [n1])
    for ref, day in ((a, 5), (b, 10), (c, 12)):
        at_(at(3, day), record_implementation, reference=ref, note="완료")
    at_(at(3, 20), check_effectiveness, reference=a, effective=True, note="효과 있음")
    at_(at(3, 25), check_effectiveness, reference=b, effective=False, note="효과 없음")
    at_(at(3, 6), cancel_action, reference=d, reason="중복")
    handler = place(make_staff(Role.HANDLER), unit=north)
    return {"manager": manager, "handler": handler}


def _values(viewer, **filters):
    report = kpis(viewer=viewer, **MARCH, **filters).by_code()
    return {code: (report[code].value, report[code].numerator, report[code].denominator)
            for code in CODES}  # fmt: skip


def test_the_improvement_kpis_match_the_hand_computed_answers(book):
    assert _values(book["manager"]) == {
        "improvement_actions_opened": (3, None, None),
        "improvement_actions_closed": (3, None, None),
        "improvement_actions_effective": (50.0, 1, 2),
    }
    report = kpis(viewer=book["manager"], **MARCH).by_code()
    effective = report["improvement_actions_effective"]
    assert effective.available and effective.status == "not_met"  # 50 % against 80 %
    assert report["improvement_actions_opened"].available


def test_a_filter_counts_the_actions_linked_to_a_complaint_in_its_scope(book):
    expected = {
        "improvement_actions_opened": (1, None, None),
        "improvement_actions_closed": (1, None, None),
        "improvement_actions_effective": (100.0, 1, 1),
    }
    assert _values(book["manager"], unit="north") == expected
    assert _values(book["manager"], category="billing") == expected
    # A handler who sees only north's complaints sees only the actions linked to them.
    assert _values(book["handler"]) == expected
    assert _values(book["manager"], unit="south")["improvement_actions_opened"] == (2, None, None)


def test_a_period_with_no_check_has_no_effectiveness_figure(book):
    report = kpis(viewer=book["manager"], period_from=dt.date(2026, 1, 1),
                  period_to=dt.date(2026, 1, 31)).by_code()  # fmt: skip
    assert report["improvement_actions_opened"].value == 0
    assert report["improvement_actions_effective"].value is None
    assert report["improvement_actions_effective"].status == "none"
