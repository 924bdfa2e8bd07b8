"""The KPI catalogue as data: what each indicator measures, how, against which target, and who owns it.

ISO 10002 6.2 (measurable objectives) and 8.4 (monitoring against defined criteria) ask that every
indicator have a documented formula and a target (R-6.2.1, R-8.4.1). The targets and owners here
are defaults in code; they become editable when objectives are built. ``sori.analytics.kpis``
computes the values, in the order of ``CATALOGUE``.

Periods are whole days in the organisation's time zone (``SORI_TIME_ZONE``, Asia/Seoul by
default); a period runs from 00:00 of its first day to 00:00 after its last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    # Counts that describe the workload rather than good or bad handling: no target.
    NEITHER = "neither"


class Measure(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    SCORE = "score"
    MONEY = "money"
    PER_1000 = "per_1000_customers"


@dataclass(frozen=True)
class Kpi:
    code: str
    name: Promise
    formula: Promise
    unit: Measure
    direction: Direction
    iso_clause: str
    owner_role: str
    target: Decimal | None = None


MANAGER = "complaints_manager"
TOP = "top_management"

CATALOGUE: tuple[Kpi, ...] = (
    # ISO 10002 8.4: volume, with the backlog at both ends of the period (FCA return).
    Kpi("received", _("Complaints received"),
        _("Complaints received in the period (merged duplicates not counted)."),
        Measure.COUNT, Direction.NEITHER, "8.4", MANAGER),
    Kpi("closed", _("Complaints closed"),
        _("Complaints whose current closure falls in the period."),
        Measure.COUNT, Direction.NEITHER, "8.4", MANAGER),
    Kpi("open_at_start", _("Open at the start of the period"),
        _("Complaints received before the period that were neither closed, withdrawn nor "
          "merged before it began."),
        Measure.COUNT, Direction.NEITHER, "8.4", MANAGER),
    Kpi("open_at_end", _("Open at the end of the period"),
        _("Complaints received before the period ended that were neither closed, withdrawn nor "
          "merged by then."),
        Measure.COUNT, Direction.NEITHER, "8.4", MANAGER),
    Kpi("received_per_1000_customers", _("Complaints per 1,000 customers"),
        _("Complaints received × 1,000 ÷ the number of customers entered for the period."),
        Measure.PER_1000, Direction.NEITHER, "8.4", TOP),
    # ISO 10002 4.15, 7.3, 7.4: timeliness per stage, from the SLA clocks.
    Kpi("acknowledged_on_time", _("Acknowledged on time"),
        _("Acknowledgement clocks stopped in the period within their deadline ÷ all "
          "acknowledgement clocks stopped in the period."),
        Measure.PERCENT, Direction.HIGHER, "7.4", MANAGER, Decimal("95")),
    Kpi("decided_on_time", _("Decided on time (stage 1)"),
        _("First-decision clocks stopped in the period within their deadline (extensions "
          "included) ÷ all first-decision clocks stopped in the period."),
        Measure.PERCENT, Direction.HIGHER, "7.3", MANAGER, Decimal("90")),
    Kpi("review_decided_on_time", _("Decided on time (internal review)"),
        _("Internal-review clocks stopped in the period within their deadline ÷ all "
          "internal-review clocks stopped in the period."),
        Measure.PERCENT, Direction.HIGHER, "7.9", MANAGER, Decimal("90")),
    Kpi("closed_on_time", _("Closed on time"),
        _("Closure clocks stopped in the period within their deadline ÷ all closure clocks "
          "stopped in the period."),
        Measure.PERCENT, Direction.HIGHER, "7.9", MANAGER, Decimal("90")),
    # Durations are calendar days (elapsed time), not business time: see the formula text.
    Kpi("median_days_to_acknowledge", _("Median time to acknowledge"),
        _("Median of (acknowledged − received), in calendar days, over complaints "
          "acknowledged in the period."),
        Measure.DAYS, Direction.LOWER, "7.4", MANAGER, Decimal("1")),
    Kpi("p90_days_to_acknowledge", _("90th percentile time to acknowledge"),
        _("90th percentile (interpolated) of (acknowledged − received), in calendar days, "
          "over complaints acknowledged in the period."),
        Measure.DAYS, Direction.LOWER, "7.4", MANAGER, Decimal("1")),
    Kpi("median_days_to_decide", _("Median time to decide"),
        _("Median of (latest decision communicated − received), in calendar days, over "
          "complaints whose decision was communicated in the period."),
        Measure.DAYS, Direction.LOWER, "7.8", MANAGER, Decimal("14")),
    Kpi("p90_days_to_decide", _("90th percentile time to decide"),
        _("90th percentile (interpolated) of (latest decision communicated − received), in "
          "calendar days, over complaints whose decision was communicated in the period."),
        Measure.DAYS, Direction.LOWER, "7.8", MANAGER, Decimal("28")),
    Kpi("median_days_to_close", _("Median time to close"),
        _("Median of (closed − received), in calendar days, over complaints closed in the "
          "period."),
        Measure.DAYS, Direction.LOWER, "7.9", MANAGER, Decimal("30")),
    Kpi("p90_days_to_close", _("90th percentile time to close"),
        _("90th percentile (interpolated) of (closed − received), in calendar days, over "
          "complaints closed in the period."),
        Measure.DAYS, Direction.LOWER, "7.9", MANAGER, Decimal("56")),
    # ISO 10002 7.3: extensions and holding replies (SPSO "extension authorised", FCA 8 weeks).
    Kpi("extensions", _("Deadlines extended"),
        _("Stage clocks whose deadline was extended in the period."),
        Measure.COUNT, Direction.NEITHER, "7.3", MANAGER),
    Kpi("extended_decisions", _("Decisions with an extended deadline"),
        _("Complaints whose decision was communicated in the period and which had a deadline "
          "extended ÷ complaints whose decision was communicated in the period."),
        Measure.PERCENT, Direction.LOWER, "7.3", MANAGER, Decimal("10")),
    # ISO 10002 7.7, 8.2: outcome mix of the decisions communicated in the period.
    Kpi("upheld", _("Upheld"),
        _("Decisions communicated in the period with the outcome upheld ÷ decisions "
          "communicated in the period with an outcome."),
        Measure.PERCENT, Direction.NEITHER, "7.7", MANAGER),
    Kpi("partly_upheld", _("Partly upheld"),
        _("Decisions communicated in the period with the outcome partly upheld ÷ decisions "
          "communicated in the period with an outcome."),
        Measure.PERCENT, Direction.NEITHER, "7.7", MANAGER),
    Kpi("not_upheld", _("Not upheld"),
        _("Decisions communicated in the period with the outcome not upheld ÷ decisions "
          "communicated in the period with an outcome."),
        Measure.PERCENT, Direction.NEITHER, "7.7", MANAGER),
    # ISO 10002 7.7: redress (FCA DISP 1.10), in the organisation's currency.
    Kpi("redress_total", _("Redress total"),
        _("Sum of the remedy amounts of the decisions communicated in the period."),
        Measure.MONEY, Direction.NEITHER, "7.7", MANAGER),
    Kpi("redress_average", _("Average redress"),
        _("Redress total ÷ decisions communicated in the period with a remedy amount above "
          "zero."),
        Measure.MONEY, Direction.NEITHER, "7.7", MANAGER),
    # ISO 10002 7.9, ISO 10003: where complaints end (SPSO 2a, FOS/AFCA).
    Kpi("first_contact_resolution", _("Resolved at stage 1"),
        _("Complaints closed in the period with no internal review and no external referral "
          "÷ complaints closed in the period."),
        Measure.PERCENT, Direction.HIGHER, "7.9", MANAGER, Decimal("80")),
    Kpi("escalation_rate", _("Escalated to internal review"),
        _("Complaints closed in the period that had an internal review ÷ complaints closed "
          "in the period."),
        Measure.PERCENT, Direction.LOWER, "7.9", MANAGER, Decimal("15")),
    Kpi("external_referral_rate", _("Referred to external dispute resolution"),
        _("Complaints closed in the period that were referred to an external body ÷ "
          "complaints closed in the period."),
        Measure.PERCENT, Direction.LOWER, "7.9", MANAGER, Decimal("5")),
    Kpi("external_changed_rate", _("External outcomes in the complainant's favour"),
        _("External referrals whose outcome, received in the period, was wholly or partly in "
          "the complainant's favour ÷ referrals with an outcome (other than pending or "
          "withdrawn) received in the period."),
        Measure.PERCENT, Direction.LOWER, "7.9", TOP, Decimal("20")),
    # ISO 10002 8.2: recurring complaints.
    Kpi("reopened_rate", _("Reopened"),
        _("Complaints reopened in the period ÷ complaints closed in the period."),
        Measure.PERCENT, Direction.LOWER, "8.2", MANAGER, Decimal("5")),
    Kpi("repeat_rate", _("Repeat complainants"),
        _("Complaints received in the period from a person (same e-mail address or phone "
          "number) who had made another complaint in the 90 days before ÷ complaints "
          "received in the period."),
        Measure.PERCENT, Direction.LOWER, "8.2", MANAGER, Decimal("10")),
    # ISO 10002 8.3: satisfaction with the handling (closed cohort).
    Kpi("satisfaction_score", _("Satisfaction with the process"),
        _("Average process score (1–5) of the survey answers of complaints closed in the "
          "period."),
        Measure.SCORE, Direction.HIGHER, "8.3", MANAGER, Decimal("4")),
    Kpi("survey_response_rate", _("Survey response rate"),
        _("Complaints closed in the period with a survey answer ÷ complaints closed in the "
          "period."),
        Measure.PERCENT, Direction.HIGHER, "8.3", MANAGER, Decimal("30")),
    # ISO 10002 8.7: improvement actions. Actions belong to the organisation, not to a unit:
    # with a unit, category, channel or product filter, or for a reader who sees only some
    # complaints, an action counts when at least one complaint linked to it is in that scope.
    Kpi("improvement_actions_opened", _("Improvement actions opened"),
        _("Improvement actions opened in the period (narrowed by a filter: those linked to at "
          "least one complaint in it)."),
        Measure.COUNT, Direction.NEITHER, "8.7", TOP),
    Kpi("improvement_actions_closed", _("Improvement actions closed"),
        _("Improvement actions whose implementation was recorded in the period (narrowed by a "
          "filter: those linked to at least one complaint in it)."),
        Measure.COUNT, Direction.NEITHER, "8.7", TOP),
    Kpi("improvement_actions_effective", _("Improvement actions effective"),
        _("Improvement actions whose effectiveness check in the period found them effective ÷ "
          "actions whose effectiveness was checked in the period (narrowed by a filter: those "
          "linked to at least one complaint in it)."),
        Measure.PERCENT, Direction.HIGHER, "8.7", TOP, Decimal("80")),
    # ISO 10002 4.9, 7.2: the record holds what its stage needs.
    Kpi("data_quality", _("Records complete for their stage"),
        _("Complaints received in the period whose record is complete for its stage (a "
          "category; the assessment once assessed; outcome, remedy type, reasons and method "
          "once decided; a closure code once closed) ÷ complaints received in the period."),
        Measure.PERCENT, Direction.HIGHER, "4.9", MANAGER, Decimal("95")),
)  # fmt: skip

BY_CODE: dict[str, Kpi] = {kpi.code: kpi for kpi in CATALOGUE}
assert len(BY_CODE) == len(CATALOGUE), "one definition per code"

# Codes listed in the catalogue whose values cannot be computed yet (none since the improvement
# actions of ISO 10002 8.7 exist); kept so a future indicator can be listed before it is built.
UNAVAILABLE: frozenset[str] = frozenset()
