"""The aggregate queries behind the KPIs (ISO 10002 8.4): one per source table, plus percentiles.

Each function takes the viewer's complaints (already scoped and filtered) and the period's bounds
and answers a dict of counts, sums and averages computed by the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum

from sori.analytics.durations import SECONDS_PER_DAY, percentiles, seconds_between
from sori.complaints.models import (
    Complaint,
    ComplaintEvent,
    ExternalReferral,
    Outcome,
    ReferralOutcome,
)
from sori.complaints.workflow import Event, Status
from sori.governance.models import ActionStatus, ImprovementAction
from sori.sla.models import Stage, Timer, TimerState

# ISO 10002 8.2: a complaint from the same person within this many days counts as a repeat.
REPEAT_WINDOW_DAYS = 90
FAVOURABLE = (ReferralOutcome.FOR_COMPLAINANT, ReferralOutcome.PARTLY)
NO_EXTERNAL_VERDICT = (ReferralOutcome.PENDING, ReferralOutcome.WITHDRAWN)
DECIDED_STATUSES = (Status.DECISION_COMMUNICATED, Status.REFERRED, Status.CLOSED)


def _between(name: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{name}__gte": start, f"{name}__lt": end})


def _ended_before(cut: dt.datetime) -> Exists:
    # Withdrawal and merging leave no timestamp on the complaint; the timeline has them.
    return Exists(
        ComplaintEvent.objects.filter(
            complaint=OuterRef("pk"),
            kind__in=[Event.WITHDRAW.value, Event.MERGE.value],
            occurred_at__lt=cut,
        )
    )


def _open_at(cut: dt.datetime) -> Q:
    # The status test first: the timeline is read only for withdrawn and merged complaints.
    ended = Q(status__in=[Status.WITHDRAWN, Status.MERGED]) & Q(_ended_before(cut))
    return Q(received_at__lt=cut) & ~Q(closed_at__lt=cut) & ~ended


def _complete_for_stage() -> Q:
    """ISO 10002 4.9, 7.2: what each stage's record must hold (see the data-quality formula)."""
    assessment = (
        ~Q(severity="")
        & ~Q(complexity="")
        & ~Q(impact="")
        & Q(safety_risk__isnull=False)
        & Q(immediate_action_needed__isnull=False)
    )
    response = (
        ~Q(outcome="") & ~Q(remedy_type="") & ~Q(response_reasons="") & ~Q(decision_method="")
    )
    return (
        Q(category__isnull=False)
        & (Q(assessed_at__isnull=True) | assessment)
        & (~Q(status__in=DECIDED_STATUSES) | response)
        & (~Q(status=Status.CLOSED) | ~Q(closure_code=""))
    )


def referred_exists() -> Exists:
    return Exists(ExternalReferral.objects.filter(complaint=OuterRef("pk")))


def extended_exists() -> Exists:
    return Exists(Timer.objects.filter(complaint=OuterRef("pk"), extended_at__isnull=False))


def repeat_exists() -> Exists:
    """ISO 10002 8.2: an earlier complaint (not merged) of the same person within the window."""
    # Each complaint has its own complainant row; the same person is found by the blind
    # indexes of their e-mail address or phone number (never by decrypting anything).
    same_person = Q(
        complainant__email_index=OuterRef("complainant__email_index"),
        complainant__email_index__gt="",
    ) | Q(
        complainant__phone_index=OuterRef("complainant__phone_index"),
        complainant__phone_index__gt="",
    )
    earlier = OuterRef("received_at")
    return Exists(
        Complaint.objects.filter(
            same_person,
            received_at__lt=earlier,
            received_at__gte=earlier - dt.timedelta(days=REPEAT_WINDOW_DAYS),
        ).exclude(status=Status.MERGED)
    )


def complete_for_stage() -> Q:
    return _complete_for_stage()


def complaint_counts(
    rows: QuerySet[Complaint], start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    received = _between("received_at", start, end) & ~Q(status=Status.MERGED)
    closed = Q(status=Status.CLOSED) & _between("closed_at", start, end)
    decided = _between("decision_issued_at", start, end)
    referred = referred_exists()
    extended = extended_exists()
    reopened = Exists(
        ComplaintEvent.objects.filter(
            complaint=OuterRef("pk"),
            kind=Event.REOPEN.value,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
    )
    repeat = repeat_exists()
    with_outcome = decided & ~Q(outcome="")
    count = {
        "received": received,
        "closed": closed,
        "open_at_start": _open_at(start),
        "open_at_end": _open_at(end),
        "decided": decided,
        "decided_extended": decided & Q(extended),
        "with_outcome": with_outcome,
        "upheld": with_outcome & Q(outcome=Outcome.UPHELD),
        "partly_upheld": with_outcome & Q(outcome=Outcome.PARTLY_UPHELD),
        "not_upheld": with_outcome & Q(outcome=Outcome.NOT_UPHELD),
        "redressed": decided & Q(remedy_amount__gt=0),
        "stage_one": closed & Q(review_round=0) & ~Q(referred),
        "reviewed": closed & Q(review_round__gt=0),
        "referred": closed & Q(referred),
        # Only a complaint that was ever reopened can have been reopened in the period.
        "reopened": Q(reopened_count__gt=0) & Q(reopened),
        "repeat": received & Q(complainant__isnull=False) & Q(repeat),
        "surveyed": closed & Q(survey_response__isnull=False),
        "complete": received & _complete_for_stage(),
    }
    aggregates: dict[str, Any] = {name: Count("pk", filter=q) for name, q in count.items()}
    aggregates["redress_total"] = Sum("remedy_amount", filter=decided)
    aggregates["satisfaction"] = Avg("survey_response__process", filter=closed)
    # Every cohort above was received before the period ended: the index on received_at
    # leaves later complaints unread.
    return rows.filter(received_at__lt=end).aggregate(**aggregates)


def timer_counts(rows: QuerySet[Complaint], start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """ISO 10002 4.15, 7.3: the stage clocks that ended in the period, met or missed."""
    ended = _between("stopped_at", start, end) & Q(state__in=[TimerState.MET, TimerState.MISSED])
    # Driven by the clocks' own period indexes (stopped_at, extended_at), each checked against the
    # viewer's complaints; an IN (…) list would walk every complaint in scope instead.
    timers = Timer.objects.filter(ended | _between("extended_at", start, end))
    if rows.query.where:  # a viewer who sees every complaint needs no check per clock
        timers = timers.filter(Exists(rows.filter(pk=OuterRef("complaint_id"))))
    aggregates: dict[str, Any] = {
        "extensions": Count("pk", filter=_between("extended_at", start, end))
    }
    for stage in (Stage.ACKNOWLEDGE, Stage.DECISION, Stage.INTERNAL_REVIEW, Stage.CLOSE):
        aggregates[f"{stage}_ended"] = Count("pk", filter=ended & Q(stage=stage))
        aggregates[f"{stage}_met"] = Count(
            "pk", filter=ended & Q(stage=stage, state=TimerState.MET)
        )
    return timers.aggregate(**aggregates)


def referral_counts(
    rows: QuerySet[Complaint], period_from: dt.date, period_to: dt.date
) -> dict[str, Any]:
    """ISO 10003: how often the external body decided differently (outcome dates are days)."""
    verdicts = ExternalReferral.objects.filter(
        outcome_on__gte=period_from, outcome_on__lte=period_to
    ).exclude(outcome__in=NO_EXTERNAL_VERDICT)
    if rows.query.where:  # a viewer who sees every complaint, unfiltered, needs no check
        # Each verdict of the period checks its own complaint (few), rather than listing every
        # complaint the viewer may see first.
        verdicts = verdicts.filter(Exists(rows.filter(pk=OuterRef("complaint_id"))))
    return verdicts.aggregate(
        verdicts=Count("pk"), favourable=Count("pk", filter=Q(outcome__in=FAVOURABLE))
    )


def improvement_counts(
    rows: QuerySet[Complaint], start: dt.datetime, end: dt.datetime, *, narrowed: bool
) -> dict[str, Any]:
    """ISO 10002 8.7: actions opened, implemented and checked in the period, in one aggregate.

    Actions are the organisation's, not a unit's: when the complaints are narrowed (a filter,
    or a reader who sees only some), an action counts if one of its complaints is among them.
    """
    actions = ImprovementAction.objects.all()
    if narrowed:
        actions = actions.filter(Exists(rows.filter(improvement_actions=OuterRef("pk"))))
    checked = _between("effectiveness_checked_at", start, end)
    return actions.aggregate(
        opened=Count("pk", filter=_between("opened_at", start, end)),
        implemented=Count("pk", filter=_between("implemented_at", start, end)),
        checked=Count("pk", filter=checked),
        effective=Count("pk", filter=checked & Q(status=ActionStatus.EFFECTIVE)),
    )


def durations(
    rows: QuerySet[Complaint], start: dt.datetime, end: dt.datetime
) -> dict[str, float | None]:
    """Median and 90th percentile in calendar days (elapsed time, not business time)."""
    answer: dict[str, float | None] = {}
    for name, column, cohort in (
        ("acknowledge", "acknowledged_at", _between("acknowledged_at", start, end)),
        ("decide", "decision_issued_at", _between("decision_issued_at", start, end)),
        (
            "close",
            "closed_at",
            Q(status=Status.CLOSED) & _between("closed_at", start, end),
        ),
    ):
        found = percentiles(rows.filter(cohort), seconds_between("received_at", column), (0.5, 0.9))
        for fraction, label in ((0.5, "median"), (0.9, "p90")):
            seconds = found[fraction]
            answer[f"{label}_days_to_{name}"] = (
                None if seconds is None else round(seconds / SECONDS_PER_DAY, 2)
            )
    return answer
