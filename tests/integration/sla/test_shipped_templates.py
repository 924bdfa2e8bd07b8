"""Every shipped SLA template against due dates worked out by hand (ISO 10002 4.15, 7.3).

Each test switches on one template (the ISO default off), submits a complaint through the real
intake service at a frozen instant, classifies it through the real assessment where the template
depends on the complaint type, and compares every clock with the date counted on a calendar.
Public holidays are those of `holidays` 0.109 (Korea includes the temporary holiday of
27 January 2025 and the substitute holiday of 12 February 2024).
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as global_apps

from sori.complaints.models import ComplaintType
from sori.complaints.workflow import Event
from sori.core.actors import complainant_actor
from sori.core.clock import frozen_at
from sori.core.errors import InvalidInput
from sori.core.models import Organisation
from sori.sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Timer, TimerState
from sori.sla.services.extension import extend_deadline
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, fire, response

from .conftest import clocks, use_only

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
NEW_YORK = ZoneInfo("America/New_York")
BRUSSELS = ZoneInfo("Europe/Brussels")
MINUTES = dt.timedelta(minutes=10)

# Friday 24 January 2025, 17:30 in Seoul: the last half hour of work before 설날 2025 — the
# temporary holiday Mon 27 Jan, then 28–30 Jan. The next working day is Friday 31 January.
BEFORE_SEOLLAL_2025 = dt.datetime(2025, 1, 24, 17, 30, tzinfo=SEOUL)


def submitted_at(submit, moment: dt.datetime) -> str:
    with frozen_at(moment):
        return submit().reference


def assessed(handler, reference: str, moment: dt.datetime, complaint_type: str) -> None:
    with frozen_at(moment):
        fire(handler, reference, Event.ASSESS, complaint_type=complaint_type, **COMPLETE_ASSESSMENT)


def escalated(handler, reference: str, moment: dt.datetime) -> None:
    """First decision communicated and rejected, then the complainant escalates at ``moment``."""
    with frozen_at(moment - 3 * MINUTES):
        fire(handler, reference, Event.START_INVESTIGATION)
        fire(handler, reference, Event.PROPOSE_RESPONSE, **response())
    with frozen_at(moment - 2 * MINUTES):
        fire(handler, reference, Event.COMMUNICATE_DECISION, method="email")
    complainant = complainant_actor(reference)
    with frozen_at(moment - MINUTES):
        fire(complainant, reference, Event.REJECT, note="동의하지 않습니다.")
    with frozen_at(moment):
        fire(complainant, reference, Event.ESCALATE)


def test_the_iso_default_is_in_use_from_the_start_and_counts_around_seollal(submit):
    assert list(SlaPolicy.objects.filter(active=True).values_list("code", flat=True)) == [
        "iso-default"
    ]
    ref = submitted_at(submit, BEFORE_SEOLLAL_2025)
    # Business days are counted after the day of receipt: Fri 31 Jan is the 1st, Mon 3 Feb the
    # 2nd; each is due at close of business (18:00). Calendar days end at midnight: 14 days
    # after 24 Jan is 7 Feb, so the decision is due as 8 Feb begins; 30 days after is 23 Feb.
    assert clocks(ref) == {
        ("acknowledge", 0): (dt.datetime(2025, 1, 31, 18, tzinfo=SEOUL), "iso-default"),
        ("assess", 0): (dt.datetime(2025, 2, 3, 18, tzinfo=SEOUL), "iso-default"),
        ("first_contact", 0): (dt.datetime(2025, 2, 3, 18, tzinfo=SEOUL), "iso-default"),
        ("decision", 0): (dt.datetime(2025, 2, 8, tzinfo=SEOUL), "iso-default"),
        ("close", 0): (dt.datetime(2025, 2, 24, tzinfo=SEOUL), "iso-default"),
    }
    # Sori acknowledges at once, so the acknowledgement target is met at receipt (ISO 7.4).
    assert Timer.objects.get(complaint__reference=ref, stage="acknowledge").state == "met"


def test_the_iso_default_decision_follows_the_organisations_response_target():
    # The migration seeds the decision target from Organisation.response_target_days when an
    # organisation exists; re-running it leaves rows that exist as they are.
    migration = importlib.import_module("sori.sla.migrations.0002_shipped_templates")
    SlaPolicy.objects.filter(code="iso-default").delete()
    kept = SlaTarget.objects.get(policy__code="uk-fca-disp", stage="decision")
    kept.amount = Decimal("50")
    kept.save()
    Organisation.objects.create(name_ko="소리", name_en="Sori", response_target_days=10)

    migration.forwards(global_apps, None)

    decision = SlaTarget.objects.get(policy__code="iso-default", stage="decision")
    assert (decision.amount, decision.unit, decision.notify_complainant_on_breach) == (
        Decimal("10"),
        "calendar_days",
        True,
    )
    assert SlaTarget.objects.get(pk=kept.pk).amount == Decimal("50")
    assert SlaPolicy.objects.filter(code="uk-spso").count() == 1
    assert BusinessCalendar.objects.filter(is_default=True).count() == 1


def test_reversing_the_templates_keeps_a_policy_that_set_a_clock(submit):
    # A timer is evidence: the policy it names is kept (PROTECT); the rest goes, by code.
    migration = importlib.import_module("sori.sla.migrations.0002_shipped_templates")
    submitted_at(submit, BEFORE_SEOLLAL_2025)

    migration.backwards(global_apps, None)

    assert list(SlaPolicy.objects.values_list("code", flat=True)) == ["iso-default"]
    assert not ComplaintType.objects.exists()
    # The default calendar goes; iso-default counts against "the default calendar" (none set).
    assert not BusinessCalendar.objects.exists()


def test_korea_minwon_other_and_unclassified_complaints_are_due_within_three_working_hours(submit):
    use_only(*KR_MINWON)
    ref = submitted_at(submit, BEFORE_SEOLLAL_2025)
    # 즉시 = 3 working hours: 17:30–18:00 on Friday (half an hour), nothing from Saturday to
    # Thursday 30 January (weekend, temporary holiday, 설날), then 09:00–11:30 on Fri 31 Jan.
    assert clocks(ref) == {
        ("decision", 0): (dt.datetime(2025, 1, 31, 11, 30, tzinfo=SEOUL), "kr-minwon")
    }


def test_korean_working_hours_leave_out_the_lunch_hour(submit):
    # 민원처리법 counts a day as 8 working hours: 09:00–12:00 and 13:00–18:00. Received Monday
    # 3 February 2025 at 10:30: 10:30–12:00 (1.5 h) and 13:00–14:30 (1.5 h) → 14:30.
    use_only(*KR_MINWON)
    ref = submitted_at(submit, dt.datetime(2025, 2, 3, 10, 30, tzinfo=SEOUL))
    assert clocks(ref) == {
        ("decision", 0): (dt.datetime(2025, 2, 3, 14, 30, tzinfo=SEOUL), "kr-minwon")
    }


KR_MINWON = (
    "kr-minwon",
    "kr-minwon-inquiry-law",
    "kr-minwon-inquiry-procedure",
    "kr-minwon-proposal",
    "kr-minwon-grievance",
    "kr-minwon-other",
)


@pytest.mark.parametrize(
    ("complaint_type", "policy", "due"),
    [
        # 14 days, the day of receipt counted (법 제19조): working days are Fri 24 Jan (1), Fri 31
        # Jan (2), 3–7 Feb (3–7), 10–14 Feb (8–12), 17 Feb (13), Tue 18 Feb (14), until 18:00.
        ("minwon-inquiry-law", "kr-minwon-inquiry-law", dt.datetime(2025, 2, 18, 18)),
        ("minwon-proposal", "kr-minwon-proposal", dt.datetime(2025, 2, 18, 18)),
        # 7 days, the day of receipt counted: Fri 24 Jan (1), Fri 31 Jan (2), Mon 3 Feb (3) …
        # Fri 7 Feb (7).
        ("minwon-inquiry-procedure", "kr-minwon-inquiry-procedure", dt.datetime(2025, 2, 7, 18)),
        ("minwon-grievance", "kr-minwon-grievance", dt.datetime(2025, 2, 7, 18)),
        # 즉시: 3 working hours, as for an unclassified complaint, now under its own policy.
        ("minwon-other", "kr-minwon-other", dt.datetime(2025, 1, 31, 11, 30)),
    ],
)
def test_korea_minwon_deadlines_follow_the_complaint_type_from_receipt(
    submit, handler, complaint_type, policy, due
):
    use_only(*KR_MINWON)
    ref = submitted_at(submit, BEFORE_SEOLLAL_2025)
    # Classified ten minutes later: the period is counted again from receipt, not assessment.
    assessed(handler, ref, BEFORE_SEOLLAL_2025 + MINUTES, complaint_type)
    assert clocks(ref) == {("decision", 0): (due.replace(tzinfo=SEOUL), policy)}


def test_korean_financial_practice_counts_fourteen_business_days_after_receipt(submit):
    use_only("kr-financial")
    # Thursday 8 February 2024, 16:00, before 설날 2024: Fri 9 Feb (eve), Sat 10 (설날),
    # Sun 11, and the substitute holiday Mon 12 Feb are not working days.
    ref = submitted_at(submit, dt.datetime(2024, 2, 8, 16, tzinfo=SEOUL))
    # Acknowledgement "at once" = 3 working hours: 16:00–18:00 on Thursday, then 09:00–10:00 on
    # Tue 13 Feb. Decision: 14 business days after the day of receipt (민법 제157조, the first
    # day not counted): 13–16 Feb (1–4), 19–23 (5–9), 26–29 (10–13), Fri 1 March is 삼일절, so
    # Mon 4 March is the 14th, until 18:00.
    assert clocks(ref) == {
        ("acknowledge", 0): (dt.datetime(2024, 2, 13, 10, tzinfo=SEOUL), "kr-financial"),
        ("decision", 0): (dt.datetime(2024, 3, 4, 18, tzinfo=SEOUL), "kr-financial"),
    }


# Tuesday 23 December 2025, 15:00 in London (GMT = UTC): Christmas Day and Boxing Day (Thu 25,
# Fri 26 Dec) and New Year's Day are bank holidays in England; Fri 2 January is a working day.
BEFORE_CHRISTMAS_2025 = dt.datetime(2025, 12, 23, 15, tzinfo=LONDON)


def test_fca_disp_counts_business_days_around_christmas_in_england(submit):
    use_only("uk-fca-disp")
    ref = submitted_at(submit, BEFORE_CHRISTMAS_2025)
    # Acknowledgement: close of business (17:00) on Wed 24 Dec, the 1st business day after.
    # Summary resolution (DISP 1.5): the 3rd business day after receipt is Tue 30 Dec (Wed 24,
    # Mon 29, Tue 30). Final response: the end of 8 weeks = 56 days after Tue 23 Dec is Tue
    # 17 Feb 2026, over as 18 Feb begins.
    assert clocks(ref) == {
        ("acknowledge", 0): (dt.datetime(2025, 12, 24, 17, tzinfo=LONDON), "uk-fca-disp"),
        ("first_contact", 0): (dt.datetime(2025, 12, 30, 17, tzinfo=LONDON), "uk-fca-disp"),
        ("decision", 0): (dt.datetime(2026, 2, 18, tzinfo=LONDON), "uk-fca-disp"),
    }
    decision = SlaTarget.objects.get(policy__code="uk-fca-disp", stage="decision")
    # The 8-week letter (DISP 1.6.2(2)) is the holding reply when the 8 weeks are up.
    assert (decision.holding_notice_percent, decision.extension_allowed) == (100, False)


def test_a_payment_services_complaint_gets_fifteen_business_days_under_the_fca(submit, handler):
    use_only("uk-fca-disp", "uk-fca-psd")
    ref = submitted_at(submit, BEFORE_CHRISTMAS_2025)
    assessed(handler, ref, BEFORE_CHRISTMAS_2025 + MINUTES, "payment-services")
    # 15 business days after Tue 23 Dec: Wed 24 (1), Mon 29–Wed 31 (2–4), Fri 2 Jan (5),
    # 5–9 Jan (6–10), 12–16 Jan (11–15): Friday 16 January 2026 at 17:00. The general DISP
    # clocks of the other stages stay.
    assert clocks(ref) == {
        ("acknowledge", 0): (dt.datetime(2025, 12, 24, 17, tzinfo=LONDON), "uk-fca-disp"),
        ("first_contact", 0): (dt.datetime(2025, 12, 30, 17, tzinfo=LONDON), "uk-fca-disp"),
        ("decision", 0): (dt.datetime(2026, 1, 16, 17, tzinfo=LONDON), "uk-fca-psd"),
    }


def test_psd2_counts_business_days_on_target_closing_days_and_allows_up_to_35(submit, make_staff):
    use_only("eu-psd2-101")
    # Wednesday 16 April 2025, 10:00 in Brussels. TARGET is closed on Good Friday 18 April,
    # Easter Monday 21 April and 1 May.
    ref = submitted_at(submit, dt.datetime(2025, 4, 16, 10, tzinfo=BRUSSELS))
    # 15 business days after receipt: Thu 17 Apr (1), 22–25 Apr (2–5), 28–30 Apr (6–8),
    # Fri 2 May (9), 5–9 May (10–14), Mon 12 May (15), at 17:00.
    assert clocks(ref) == {
        ("decision", 0): (dt.datetime(2025, 5, 12, 17, tzinfo=BRUSSELS), "eu-psd2-101")
    }
    # At most 35 business days in all: 20 more after 12 May is Mon 9 June (13–16 May, 19–23,
    # 26–30, 2–6 June, 9 June).
    manager = make_staff("complaints_manager", username="psd-manager")
    reason = "Information from the card scheme is outstanding."
    with frozen_at(dt.datetime(2025, 5, 8, 9, tzinfo=BRUSSELS)):
        with pytest.raises(InvalidInput) as too_long:
            extend_deadline(
                actor=manager, reference=ref, stage="decision", new_date=dt.date(2025, 6, 10),
                reason=reason,
            )  # fmt: skip
        assert too_long.value.code == "extension_too_long"
        timer = extend_deadline(
            actor=manager, reference=ref, stage="decision", new_date=dt.date(2025, 6, 9),
            reason=reason,
        )  # fmt: skip
    assert timer.due_at == dt.datetime(2025, 6, 9, 17, tzinfo=BRUSSELS)


AU_RECEIVED = dt.datetime(2025, 12, 23, 14, tzinfo=SYDNEY)  # Tuesday, AEDT (UTC+11)
AU_ACK = dt.datetime(2025, 12, 24, 17, tzinfo=SYDNEY)  # close of business, next business day


def test_asic_rg271_acknowledges_in_one_business_day_and_responds_in_30_days(submit):
    use_only("au-asic-rg271", "au-asic-rg271-super", "au-asic-rg271-hardship")
    ref = submitted_at(submit, AU_RECEIVED)
    # 30 calendar days after Tue 23 Dec 2025 is Thu 22 Jan 2026 (Christmas, Boxing Day and
    # Australia Day do not matter for calendar days): due as 23 January begins in Sydney.
    assert clocks(ref) == {
        ("acknowledge", 0): (AU_ACK, "au-asic-rg271"),
        ("decision", 0): (dt.datetime(2026, 1, 23, tzinfo=SYDNEY), "au-asic-rg271"),
    }


@pytest.mark.parametrize(
    ("complaint_type", "policy", "due"),
    [
        # 45 days after 23 Dec: 8 to 31 Dec, 31 to 31 Jan, 6 more: Fri 6 Feb 2026, ending at
        # midnight.
        ("au-superannuation", "au-asic-rg271-super", dt.datetime(2026, 2, 7)),
        # 21 days after 23 Dec: Tue 13 Jan 2026.
        ("au-credit-hardship", "au-asic-rg271-hardship", dt.datetime(2026, 1, 14)),
    ],
)
def test_asic_rg271_variants_follow_the_complaint_type(
    submit, handler, complaint_type, policy, due
):
    use_only("au-asic-rg271", "au-asic-rg271-super", "au-asic-rg271-hardship")
    ref = submitted_at(submit, AU_RECEIVED)
    assessed(handler, ref, AU_RECEIVED + MINUTES, complaint_type)
    assert clocks(ref) == {
        ("acknowledge", 0): (AU_ACK, "au-asic-rg271"),
        ("decision", 0): (due.replace(tzinfo=SYDNEY), policy),
    }


def test_cfpb_counts_calendar_days_across_the_change_to_summer_time(submit):
    use_only("us-cfpb")
    # Friday 7 March 2025, 16:00 EST (21:00 UTC); clocks go forward on Sunday 9 March.
    ref = submitted_at(submit, dt.datetime(2025, 3, 7, 16, tzinfo=NEW_YORK))
    # 15 days after 7 March is 22 March: due as 23 March begins, 04:00 UTC (EDT). 60 days after
    # is 6 May (24 days to 31 March, 30 in April, 6 in May): due as 7 May begins.
    assert clocks(ref) == {
        ("first_contact", 0): (dt.datetime(2025, 3, 23, 4, tzinfo=dt.UTC), "us-cfpb"),
        ("decision", 0): (dt.datetime(2025, 5, 7, 4, tzinfo=dt.UTC), "us-cfpb"),
    }


def test_the_housing_ombudsman_code_counts_working_days_in_england_for_both_stages(submit, handler):
    use_only("uk-hos")
    received = dt.datetime(2025, 12, 22, 11, tzinfo=LONDON)  # Monday
    ref = submitted_at(submit, received)
    # Stage 1: acknowledged and defined within 5 working days — 23, 24, 29, 30, 31 Dec (Christmas
    # and Boxing Day out): Wed 31 Dec 17:00; answered within 10 — then Fri 2 Jan (6), 5–8 Jan
    # (7–10): Thu 8 Jan 17:00.
    stage_1 = {
        ("acknowledge", 0): (dt.datetime(2025, 12, 31, 17, tzinfo=LONDON), "uk-hos"),
        ("assess", 0): (dt.datetime(2025, 12, 31, 17, tzinfo=LONDON), "uk-hos"),
        ("decision", 0): (dt.datetime(2026, 1, 8, 17, tzinfo=LONDON), "uk-hos"),
    }
    assert clocks(ref) == stage_1
    assessed(handler, ref, dt.datetime(2025, 12, 29, 10, tzinfo=LONDON), "")
    # Stage 2 (internal review), escalated on Mon 12 Jan 2026: 20 working days after — 13–16 Jan
    # (1–4), 19–23 (5–9), 26–30 (10–14), 2–6 Feb (15–19), Mon 9 Feb (20), 17:00.
    escalated(handler, ref, dt.datetime(2026, 1, 12, 10, tzinfo=LONDON))
    assert clocks(ref) == {
        **stage_1,
        ("internal_review", 1): (dt.datetime(2026, 2, 9, 17, tzinfo=LONDON), "uk-hos"),
    }


def test_the_spso_procedure_counts_working_days_with_the_scottish_new_year(submit, handler):
    use_only("uk-spso")
    received = dt.datetime(2025, 12, 31, 10, tzinfo=LONDON)  # Wednesday
    ref = submitted_at(submit, received)
    # In Scotland 1 and 2 January are both holidays: the 1st working day after receipt is
    # Mon 5 Jan. Acknowledgement in 3 working days: Wed 7 Jan; frontline response in 5: Fri 9 Jan.
    stage_1 = {
        ("acknowledge", 0): (dt.datetime(2026, 1, 7, 17, tzinfo=LONDON), "uk-spso"),
        ("decision", 0): (dt.datetime(2026, 1, 9, 17, tzinfo=LONDON), "uk-spso"),
    }
    assert clocks(ref) == stage_1
    assessed(handler, ref, dt.datetime(2026, 1, 5, 10, tzinfo=LONDON), "")
    # Stage 2 escalated on Mon 19 Jan: 20–23 Jan (1–4), 26–30 (5–9), 2–6 Feb (10–14), 9–13 Feb
    # (15–19), Mon 16 Feb (20), 17:00.
    escalated(handler, ref, dt.datetime(2026, 1, 19, 10, tzinfo=LONDON))
    assert clocks(ref) == {
        **stage_1,
        ("internal_review", 1): (dt.datetime(2026, 2, 16, 17, tzinfo=LONDON), "uk-spso"),
    }
    review = Timer.objects.get(complaint__reference=ref, stage="internal_review")
    assert review.state == TimerState.RUNNING
