"""KPI values on a seeded dataset against hand-computed answers (ISO 10002 8.4, 6.2).

Every complaint is built through the real services at frozen times. The period is March 2025
in Seoul: [2025-03-01 00:00 KST, 2025-04-01 00:00 KST) = [02-28 15:00Z, 03-31 15:00Z).
All events happen at 01:00Z (10:00 KST), so whole days apart. The SLA policy counts calendar
days: acknowledge 1, decision 10, internal review 10, close 20.

  A north/delivery, a@ — recv 03-03, upheld 50,000 decided 03-05, closed 03-07, survey 5
  B north/delivery, a@ (repeat of A) — recv 03-10, not upheld decided 03-22 (decision clock
    missed: due 03-20), rejected, internal review 03-23, partly upheld 30,000 decided 03-27
    (review met), closed 03-28 (close clock met: due 03-30), survey 2
  C south/billing — recv 03-12, decision deadline extended 03-13, upheld (no amount) decided
    03-25 (met: extended), closed 03-26
  D no category (so no unit) — recv 03-20, left open
  E north/delivery — recv 02-20, upheld 20,000 decided 02-27, closed 03-14 (close clock missed:
    due 03-12), reopened 03-15, not upheld 0 decided 03-18, closed 03-19
  F south/billing — recv 03-30, withdrawn 03-31
  R south/billing — recv 03-05, not upheld decided 03-07, rejected, referred 03-08, external
    outcome "partly" on 03-20, closed 03-21
  G north/delivery — recv 04-02: after the period
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sori.accounts.models import Role, Unit
from sori.accounts.services import actor_for_user, create_staff_user
from sori.analytics.catalogue import CATALOGUE
from sori.analytics.kpis import kpis
from sori.complaints.models import Category
from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint
from sori.complaints.services.referrals import record_referral_outcome
from sori.complaints.services.survey import answer_survey
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import SYSTEM, Actor, complainant_actor
from sori.core.errors import InvalidInput
from sori.core.models import ExternalDisputeBody
from sori.sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Stage, UnitChoice
from sori.sla.services.extension import extend_deadline

MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
ASSESSMENT = {"severity": "low", "safety_risk": False, "complexity": "low", "impact": "low",
              "immediate_action_needed": False}  # fmt: skip


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 1, 0, tzinfo=dt.UTC)


def _policy() -> None:
    SlaPolicy.objects.filter(active=True).update(active=False)
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="KPI test calendar", defaults={"time_zone": "Asia/Seoul", "country": "KR"}
    )
    policy = SlaPolicy.objects.create(
        code="kpi-test", name_ko="시험", name_en="Test", active=True, calendar=calendar
    )
    for stage, days in ((Stage.ACKNOWLEDGE, 1), (Stage.DECISION, 10),
                        (Stage.INTERNAL_REVIEW, 10), (Stage.CLOSE, 20)):  # fmt: skip
        SlaTarget.objects.create(
            policy=policy, stage=stage, amount=Decimal(days), unit=UnitChoice.CALENDAR_DAYS
        )


def _staff(username: str, role: str, unit: Unit | None) -> Actor:
    user = create_staff_user(actor=SYSTEM, username=username, role=role, password=None,
                             unit=unit, authority_limit=Decimal("1000000"))  # fmt: skip
    actor = actor_for_user(user)
    assert actor is not None
    return actor


class Book:
    """The seeded organisation: two units, their categories and people."""

    def __init__(self) -> None:
        _policy()
        self.north = Unit.objects.create(code="north", name_ko="북부", name_en="North")
        self.south = Unit.objects.create(code="south", name_ko="남부", name_en="South")
        Category.objects.create(code="delivery", label_ko="배송", label_en="Delivery",
                                unit=self.north)  # fmt: skip
        Category.objects.create(code="billing", label_ko="요금", label_en="Billing",
                                unit=self.south)  # fmt: skip
        self.north_handler = _staff("north-1", Role.HANDLER, self.north)
        self.north_reviewer = _staff("north-2", Role.HANDLER, self.north)
        self.south_handler = _staff("south-1", Role.HANDLER, self.south)
        self.manager = _staff("manager", Role.COMPLAINTS_MANAGER, None)
        self.body = ExternalDisputeBody.objects.create(name_ko="분쟁조정위원회",
                                                       name_en="Mediation board")  # fmt: skip

    def submit(self, when: dt.datetime, email: str, category: str | None,
               channel: str = "web") -> str:  # fmt: skip
        with clock.frozen_at(when):
            return submit_complaint(
                actor=SYSTEM,
                data=ComplaintInput(
                    description="택배가 2주째 도착하지 않았습니다.",
                    channel=channel,
                    category=category,
                    complainant=ComplainantInput(name="김민지", email=email),
                ),
            ).reference

    def fire(self, when: dt.datetime, actor: Actor, ref: str, event: Event, **data) -> None:
        with clock.frozen_at(when):
            transition_complaint(actor=actor, reference=ref, event=event, data=EventData(**data))

    def decide(self, when: dt.datetime, actor: Actor, ref: str, outcome: str,
               amount: int | None = None, first: bool = True, **extra) -> None:  # fmt: skip
        if first:
            self.fire(when, actor, ref, Event.ASSESS, **ASSESSMENT)
            self.fire(when, actor, ref, Event.START_INVESTIGATION)
        response = {"outcome": outcome, "remedy_type": "refund" if amount else "explanation",
                    "reasons": "확인했습니다."}  # fmt: skip
        if amount is not None:
            response["remedy_amount"] = amount
        self.fire(when, actor, ref, Event.PROPOSE_RESPONSE, **response)
        self.fire(when, actor, ref, Event.COMMUNICATE_DECISION, method="email", **extra)

    def close(self, when: dt.datetime, actor: Actor, ref: str) -> None:
        self.fire(when, complainant_actor(ref), ref, Event.ACCEPT)
        self.fire(when, actor, ref, Event.CLOSE)

    def survey(self, when: dt.datetime, ref: str, process: int) -> None:
        with clock.frozen_at(when):
            answer_survey(actor=complainant_actor(ref), reference=ref, process=process,
                          outcome=3, ease=3)  # fmt: skip


@pytest.fixture
def book(db) -> Book:
    book = Book()
    nh, nr, sh = book.north_handler, book.north_reviewer, book.south_handler

    a = book.submit(at(3, 3), "a@example.kr", "delivery")
    book.decide(at(3, 5), nh, a, "upheld", 50_000)
    book.close(at(3, 7), nh, a)
    book.survey(at(3, 8), a, 5)

    b = book.submit(at(3, 10), "a@example.kr", "delivery", channel="email")
    book.decide(at(3, 22), nh, b, "not_upheld")
    book.fire(at(3, 23), complainant_actor(b), b, Event.REJECT)
    book.fire(at(3, 23), complainant_actor(b), b, Event.ESCALATE)
    book.decide(at(3, 27), nr, b, "partly_upheld", 30_000, first=False,
                external_routes_given=True)  # fmt: skip
    book.close(at(3, 28), nh, b)
    book.survey(at(3, 29), b, 2)

    c = book.submit(at(3, 12), "c@example.kr", "billing")
    with clock.frozen_at(at(3, 13)):
        extend_deadline(actor=book.manager, reference=c, stage=Stage.DECISION,
                        new_date=dt.date(2025, 3, 28), reason="조사에 시간이 더 필요합니다.")  # fmt: skip
    book.decide(at(3, 25), sh, c, "upheld")
    book.close(at(3, 26), sh, c)

    book.submit(at(3, 20), "d@example.kr", None)

    e = book.submit(at(2, 20), "e@example.kr", "delivery")
    book.decide(at(2, 27), nh, e, "upheld", 20_000)
    book.close(at(3, 14), nh, e)
    book.fire(at(3, 15), nh, e, Event.REOPEN, note="새 사실이 확인되었습니다.")
    book.decide(at(3, 18), nh, e, "not_upheld", 0, first=False)
    book.close(at(3, 19), nh, e)

    f = book.submit(at(3, 30), "f@example.kr", "billing")
    book.fire(at(3, 31), complainant_actor(f), f, Event.WITHDRAW)

    r = book.submit(at(3, 5), "r@example.kr", "billing")
    book.decide(at(3, 7), sh, r, "not_upheld")
    book.fire(at(3, 8), complainant_actor(r), r, Event.REJECT)
    book.fire(at(3, 8), sh, r, Event.REFER_EXTERNALLY, body_id=book.body.pk,
              referred_on=dt.date(2025, 3, 8))  # fmt: skip
    with clock.frozen_at(at(3, 20)):
        record_referral_outcome(actor=sh, reference=r, outcome="partly",
                                outcome_on=dt.date(2025, 3, 20))  # fmt: skip
    book.fire(at(3, 21), sh, r, Event.CLOSE)

    book.submit(at(4, 2), "g@example.kr", "delivery")
    return book


def _values(viewer: Actor, **filters) -> dict[str, tuple]:
    report = kpis(viewer=viewer, period_from=MARCH[0], period_to=MARCH[1], **filters)
    return {k.code: (k.value, k.numerator, k.denominator) for k in report.kpis}


def test_every_kpi_of_the_catalogue_matches_the_hand_computed_answer(book):
    values = _values(book.manager, customers=2000)
    expected = {
        # Received in March, not merged: A B C D F R (E in February, G in April).
        "received": (6, None, None),
        # Current closure in March: A B C E R.
        "closed": (5, None, None),
        # Before 03-01 KST only E was received, and it was still open.
        "open_at_start": (1, None, None),
        # By 04-01 KST: A B C E R closed, F withdrawn, G not yet received → D.
        "open_at_end": (1, None, None),
        "received_per_1000_customers": (3.0, 6, 2000),
        # Acknowledged at receipt: A B C D F R (E's in February).
        "acknowledged_on_time": (100.0, 6, 6),
        # Decision clocks stopped in March: A met, B round 0 missed, C met (extended),
        # E round 1 met, R met (F's was cancelled by the withdrawal).
        "decided_on_time": (80.0, 4, 5),
        "review_decided_on_time": (100.0, 1, 1),
        # Close clocks stopped in March: A, B, C, E round 0 (missed), E round 1, R.
        "closed_on_time": (83.33, 5, 6),
        "median_days_to_acknowledge": (0.0, None, None),
        "p90_days_to_acknowledge": (0.0, None, None),
        # Latest decision − receipt: A 2, R 2, C 13, B 17, E 26 → median 13,
        # p90 at rank 3.6: 17 + 0.6 × 9 = 22.4.
        "median_days_to_decide": (13.0, None, None),
        "p90_days_to_decide": (22.4, None, None),
        # Closed − received: A 4, C 14, R 16, B 18, E 27 → 16; 18 + 0.6 × 9 = 23.4.
        "median_days_to_close": (16.0, None, None),
        "p90_days_to_close": (23.4, None, None),
        "extensions": (1, None, None),
        # Decided in March: A B C E R; C had an extension.
        "extended_decisions": (20.0, 1, 5),
        # Outcomes: A upheld, C upheld, B partly (after review), E not (2nd), R not.
        "upheld": (40.0, 2, 5),
        "partly_upheld": (20.0, 1, 5),
        "not_upheld": (40.0, 2, 5),
        # A 50,000 + B 30,000 (C none, E 0, R none); two above zero.
        "redress_total": (80000.0, None, None),
        "redress_average": (40000.0, 80000.0, 2),
        # Closed: A C E at stage 1; B reviewed; R referred.
        "first_contact_resolution": (60.0, 3, 5),
        "escalation_rate": (20.0, 1, 5),
        "external_referral_rate": (20.0, 1, 5),
        "external_changed_rate": (100.0, 1, 1),
        # E reopened on 03-15.
        "reopened_rate": (20.0, 1, 5),
        # B came from A's address 7 days after A.
        "repeat_rate": (16.67, 1, 6),
        # A answered 5, B answered 2.
        "satisfaction_score": (3.5, 2, None),
        "survey_response_rate": (40.0, 2, 5),
        # No improvement action in the book: none opened, implemented or checked.
        "improvement_actions_opened": (0, None, None),
        "improvement_actions_closed": (0, None, None),
        "improvement_actions_effective": (None, 0, 0),
        # D has no category; the other five are complete for their stage.
        "data_quality": (83.33, 5, 6),
    }
    assert set(values) == {kpi.code for kpi in CATALOGUE}
    assert values == expected


def test_each_kpi_carries_its_target_status_and_definition(book):
    report = kpis(viewer=book.manager, period_from=MARCH[0], period_to=MARCH[1])
    by_code = report.by_code()
    assert by_code["decided_on_time"].target == 90.0
    assert by_code["decided_on_time"].status == "not_met"
    assert by_code["acknowledged_on_time"].status == "met"
    assert by_code["escalation_rate"].status == "not_met"  # 20 % against at most 15 %
    assert by_code["received"].status == "none"
    assert by_code["received_per_1000_customers"].available is False
    assert by_code["improvement_actions_opened"].available is True
    assert all(kpi.formula and kpi.iso_clause and kpi.owner_role for kpi in report.kpis)
    assert report.time_zone == "Asia/Seoul"


def test_a_handler_sees_only_the_numbers_of_their_unit(book):
    values = _values(book.north_handler)
    # North holds A, B and E (D has no unit; C, F, R are south's).
    assert values["received"] == (2, None, None)
    assert values["closed"] == (3, None, None)
    assert values["repeat_rate"] == (50.0, 1, 2)
    assert values["decided_on_time"] == (66.67, 2, 3)


def test_filters_narrow_by_unit_category_and_channel(book):
    assert _values(book.manager, unit="south")["received"] == (3, None, None)
    assert _values(book.manager, category="delivery")["received"] == (2, None, None)
    assert _values(book.manager, channel="email")["received"] == (1, None, None)
    with pytest.raises(InvalidInput) as unknown:
        _values(book.manager, unit="west")
    assert unknown.value.code == "unknown_unit"


def test_the_period_is_counted_in_the_organisations_time_zone(book):
    # F was received 03-30 01:00Z = 10:00 KST; G on 04-02. A day in KST, not UTC.
    values = _values(book.manager)
    one_day = kpis(viewer=book.manager, period_from=dt.date(2025, 3, 30),
                   period_to=dt.date(2025, 3, 30)).by_code()  # fmt: skip
    assert one_day["received"].value == 1
    assert values["received"][0] == 6


def test_the_report_is_a_fixed_number_of_queries_whatever_the_data(book):
    with CaptureQueriesContext(connection) as queries:
        kpis(viewer=book.manager, period_from=MARCH[0], period_to=MARCH[1])
    # The customer figures, whether the pre-aggregated figures are built, counts, clocks,
    # referrals, improvement actions, and one percentile query per duration on either engine.
    assert len(queries) <= 9


def test_a_reversed_or_overlong_period_is_refused(db):
    manager = _staff("m", Role.COMPLAINTS_MANAGER, None)
    with pytest.raises(InvalidInput) as reversed_:
        kpis(viewer=manager, period_from=dt.date(2025, 3, 2), period_to=dt.date(2025, 3, 1))
    assert reversed_.value.code == "invalid_period"
    with pytest.raises(InvalidInput) as too_long:
        kpis(viewer=manager, period_from=dt.date(2020, 1, 1), period_to=dt.date(2025, 1, 2))
    assert too_long.value.code == "period_too_long"


@pytest.mark.parametrize("days", [[4], [1, 9], [3, 1, 2], [5, 1, 8, 2, 7, 3, 6, 4, 10, 9, 30]])
def test_percentiles_interpolate_between_the_closest_ranks_on_either_engine(submit, days):
    """The same definition as PostgreSQL's percentile_cont (and Python's inclusive quantiles)."""
    import statistics

    from sori.analytics.durations import percentiles, seconds_between
    from sori.complaints.models import Complaint

    base = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    references = []
    for number in days:
        reference = submit(f"지연 {number}일 불만입니다.").reference
        Complaint.objects.filter(reference=reference).update(
            received_at=base, closed_at=base + dt.timedelta(days=number)
        )
        references.append(reference)
    rows = Complaint.objects.filter(reference__in=references)
    found = percentiles(rows, seconds_between("received_at", "closed_at"), (0.5, 0.9))
    expected = sorted(days)
    for fraction in (0.5, 0.9):
        position = fraction * (len(expected) - 1)
        low = int(position)
        high = min(low + 1, len(expected) - 1)
        want = expected[low] + (expected[high] - expected[low]) * (position - low)
        assert found[fraction] == pytest.approx(want * 86400)
    assert found[0.5] == pytest.approx(statistics.median(days) * 86400)
    assert percentiles(rows.none(), seconds_between("received_at", "closed_at"), (0.5,)) == {
        0.5: None
    }
