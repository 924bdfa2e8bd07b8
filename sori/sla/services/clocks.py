"""The clocks on a complaint: started, paused, resumed and stopped by its transitions.

Called by the workflow (``transition_complaint``) and by intake, inside their transaction, so a
status and its clocks always change together. ISO 10002 4.15 (timeliness) and 7.3 (status known
at pre-set deadlines); time spent awaiting the complainant does not count (7.6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sori.complaints.models import Complaint
from sori.complaints.workflow import Event, Status
from sori.sla import alerts
from sori.sla.calendar import Calendar, Unit
from sori.sla.calendars import calendar_for
from sori.sla.choice import Chosen, choose
from sori.sla.models import Stage, Timer, TimerState

LIVE = (TimerState.RUNNING, TimerState.PAUSED)
# Stages whose clock starts when the complaint is received.
AT_RECEIPT = (Stage.ACKNOWLEDGE, Stage.ASSESS, Stage.FIRST_CONTACT, Stage.DECISION, Stage.CLOSE)
# Stages whose clock stops while the complainant is asked for information (ISO 10002 7.6).
PAUSABLE = (Stage.DECISION, Stage.CLOSE, Stage.INTERNAL_REVIEW)


# What each event does to which stage's clock. The workflow table's ``sla`` column names the
# effect on the complaint as a whole; this table refines it per stage (a test keeps them agreed).
STOPS: dict[Event, tuple[Stage, ...]] = {
    Event.ACKNOWLEDGE: (Stage.ACKNOWLEDGE,),
    Event.ASSESS: (Stage.ASSESS,),
    Event.REQUEST_INFORMATION: (Stage.FIRST_CONTACT,),
    Event.COMMUNICATE_DECISION: (Stage.FIRST_CONTACT, Stage.DECISION, Stage.INTERNAL_REVIEW),
    Event.CLOSE: (Stage.CLOSE, Stage.EXTERNAL_REFERRAL),
}
PAUSES: dict[Event, tuple[Stage, ...]] = {Event.REQUEST_INFORMATION: PAUSABLE}
RESUMES: dict[Event, tuple[Stage, ...]] = {Event.RECEIVE_INFORMATION: PAUSABLE}
STARTS: dict[Event, tuple[Stage, ...]] = {
    Event.ESCALATE: (Stage.INTERNAL_REVIEW,),
    Event.REFER_EXTERNALLY: (Stage.EXTERNAL_REFERRAL,),
    Event.REOPEN: (Stage.DECISION, Stage.CLOSE),
}
# Events after which no clock of the complaint runs on.
CANCELS_ALL = (Event.CLOSE, Event.WITHDRAW, Event.MERGE)
# Events that may change what the policy choice depends on (priority, complaint type).
RECHOOSES = (Event.ASSESS, Event.REASSESS)


def _round(complaint: Complaint, stage: str) -> int:
    if stage == Stage.INTERNAL_REVIEW:
        return complaint.review_round
    if stage in (Stage.DECISION, Stage.CLOSE, Stage.EXTERNAL_REFERRAL):
        return complaint.reopened_count
    return 0


def due_for(timer: Timer, calendar: Calendar) -> dt.datetime:
    """The deadline from the start, the time allowed and the time spent paused."""
    unit = Unit(timer.unit)
    base = calendar.add(timer.started_at, timer.amount, unit)
    if unit is Unit.CALENDAR_DAYS:
        return base + dt.timedelta(seconds=timer.paused_seconds)
    return calendar.add_business_seconds(base, timer.paused_business_seconds)


def _start(complaint: Complaint, stages: Iterable[str], now: dt.datetime) -> None:
    chosen = choose(complaint, now)
    wanted = {stage: _round(complaint, stage) for stage in stages if stage in chosen}
    if not wanted:
        return
    # A stage already started in this round keeps its clock (the event may be replayed).
    existing = set(
        Timer.objects.filter(complaint=complaint, stage__in=list(wanted)).values_list(
            "stage", "round"
        )
    )
    timers = []
    for stage, round_ in wanted.items():
        if (stage, round_) in existing:
            continue
        pick = chosen[stage]
        due = pick.due(now)
        timer = Timer(
            complaint=complaint,
            stage=stage,
            round=round_,
            policy=pick.policy,
            amount=pick.target.amount,
            unit=pick.target.unit,
            state=TimerState.RUNNING,
            started_at=now,
            due_at=due,
            original_due_at=due,
        )
        timer.next_alert_at = alerts.next_alert_at(timer, pick.calendar, target=pick.target)
        timers.append(timer)
    Timer.objects.bulk_create(timers)


def _live(complaint: Complaint, stages: Iterable[str] | None = None) -> list[Timer]:
    timers = Timer.objects.select_for_update(of=("self",)).filter(
        complaint=complaint, state__in=LIVE
    )
    if stages is not None:
        timers = timers.filter(stage__in=list(stages))
    return list(timers.select_related("policy__calendar"))


def _stop(timer: Timer, now: dt.datetime, *, cancel: bool = False) -> None:
    if cancel:
        timer.state = TimerState.CANCELLED
    else:
        timer.state = TimerState.MET if now <= timer.due_at else TimerState.MISSED
    timer.stopped_at, timer.next_alert_at = now, None
    timer.save(update_fields=["state", "stopped_at", "next_alert_at"])


def _pause(timer: Timer, now: dt.datetime) -> None:
    if timer.state != TimerState.RUNNING:
        return
    timer.state, timer.paused_at, timer.next_alert_at = TimerState.PAUSED, now, None
    timer.save(update_fields=["state", "paused_at", "next_alert_at"])


def _resume(timer: Timer, now: dt.datetime) -> None:
    if timer.state != TimerState.PAUSED or timer.paused_at is None:
        return
    calendar = calendar_for(timer.policy)
    timer.paused_seconds += max(0, int((now - timer.paused_at).total_seconds()))
    timer.paused_business_seconds += int(calendar.business_seconds_between(timer.paused_at, now))
    # The deadline moves by the time spent waiting; an extension granted meanwhile stays.
    moved = due_for(timer, calendar)
    if timer.extended_at is None or moved > timer.due_at:
        timer.due_at = moved
    timer.state, timer.paused_at = TimerState.RUNNING, None
    timer.next_alert_at = alerts.next_alert_at(timer, calendar)
    timer.save()


def _awaited(complaint: Complaint) -> tuple[str, ...]:
    """Receipt stages the complaint still waits for, in its first round."""
    if complaint.reopened_count or complaint.closed_at is not None:
        return ()
    if complaint.decision_issued_at is None:
        return (Stage.DECISION, Stage.CLOSE)
    return (Stage.CLOSE,)


def _start_missing(complaint: Complaint, chosen: dict[str, Chosen], now: dt.datetime) -> list[str]:
    """A policy chosen only by complaint type may set a stage no policy set at receipt (for
    example 민원처리법's periods per 민원 type): its clock starts, counted from receipt."""
    existing = set(
        Timer.objects.filter(complaint=complaint, round=0).values_list("stage", flat=True)
    )
    started = []
    for stage in _awaited(complaint):
        if stage in chosen and stage not in existing:
            pick = chosen[stage]
            due = pick.due(complaint.received_at)
            timer = Timer.objects.create(
                complaint=complaint,
                stage=stage,
                round=0,
                policy=pick.policy,
                amount=pick.target.amount,
                unit=pick.target.unit,
                state=TimerState.RUNNING,
                started_at=complaint.received_at,
                due_at=due,
                original_due_at=due,
            )
            if complaint.status == Status.AWAITING_COMPLAINANT:
                _pause(timer, now)
            else:
                timer.next_alert_at = alerts.next_alert_at(timer, pick.calendar)
                timer.save(update_fields=["next_alert_at"])
            started.append(stage)
    return started


def _retarget(complaint: Complaint, now: dt.datetime) -> list[tuple[str, str, str]]:
    """Choose the policy again after a (re)assessment; returns (stage, old, new) policy codes."""
    chosen: dict[str, Chosen] = choose(complaint, now)
    changed: list[tuple[str, str, str]] = [
        (stage, "", chosen[stage].policy.code) for stage in _start_missing(complaint, chosen, now)
    ]
    live = _live(complaint)
    for timer in live:
        pick = chosen.get(timer.stage)
        if pick is None or (
            pick.policy.pk == timer.policy_id
            and pick.target.amount == timer.amount
            and pick.target.unit == timer.unit
        ):
            continue
        changed.append((timer.stage, timer.policy.code, pick.policy.code))
        timer.policy, timer.amount, timer.unit = pick.policy, pick.target.amount, pick.target.unit
        due = due_for(timer, pick.calendar)
        timer.original_due_at = due
        if timer.extended_at is None or due > timer.due_at:
            timer.due_at = due
        timer.warned_percent = 0
        if timer.state == TimerState.RUNNING:
            timer.next_alert_at = alerts.next_alert_at(timer, pick.calendar)
        timer.save()
    return changed


def sync_due(complaint: Complaint) -> None:
    """The complaint's due time on the queue: the first deadline of a running clock."""
    due = (
        Timer.objects.filter(complaint=complaint, state=TimerState.RUNNING)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if due != complaint.due_at:
        complaint.due_at = due
        Complaint.objects.filter(pk=complaint.pk).update(due_at=due)


def start_on_receipt(*, complaint: Complaint) -> None:
    """Intake: the clocks of the receipt stages start at the moment of receipt (ISO 10002 7.2)."""
    _start(complaint, AT_RECEIPT, complaint.received_at)
    sync_due(complaint)


def apply_event(
    *, complaint: Complaint, event: Event, now: dt.datetime
) -> list[tuple[str, str, str]]:
    """Move the clocks for ``event``; returns the stages whose policy a reassessment changed."""
    changed: list[tuple[str, str, str]] = []
    for timer in _live(complaint, STOPS.get(event, ())):
        _stop(timer, now)
    for timer in _live(complaint, PAUSES.get(event, ())):
        _pause(timer, now)
    for timer in _live(complaint, RESUMES.get(event, ())):
        _resume(timer, now)
    if event in STARTS:
        _start(complaint, STARTS[event], now)
    if event in CANCELS_ALL:
        for timer in _live(complaint):
            _stop(timer, now, cancel=True)
    if event in RECHOOSES:
        changed = _retarget(complaint, now)
    sync_due(complaint)
    return changed


def stop_first_contact(*, complaint: Complaint, now: dt.datetime) -> None:
    """A recorded contact with the complainant meets the first-contact target."""
    for timer in _live(complaint, (Stage.FIRST_CONTACT,)):
        _stop(timer, now)
    sync_due(complaint)
