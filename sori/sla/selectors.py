"""Reading a complaint's clocks: for staff (every stage) and the complainant (expected dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sori.complaints import policies
from sori.complaints.models import Complaint
from sori.core import clock
from sori.core.actors import Actor
from sori.sla.models import Stage, Timer, TimerState

STATE_LABELS = {
    "running": _("running"),
    "paused": _("paused"),
    "overdue": _("overdue"),
    "met": _("met"),
    "missed": _("missed"),
    "cancelled": _("cancelled"),
}


@dataclass(frozen=True)
class StageClock:
    stage: str
    stage_label: str
    round: int
    due_at: dt.datetime
    original_due_at: dt.datetime
    started_at: dt.datetime
    stopped_at: dt.datetime | None
    state: str  # running, paused, overdue, met, missed, cancelled
    state_label: str
    paused_seconds: int
    extended: bool
    extension_reason: str
    extension_allowed: bool
    policy_code: str
    policy_name: str
    policy_source: str

    @property
    def live(self) -> bool:
        return self.state in ("running", "paused", "overdue")


def _state(timer: Timer, now: dt.datetime) -> str:
    if timer.state == TimerState.RUNNING and timer.due_at < now:
        return "overdue"
    return str(timer.state)


def _paused(timer: Timer, now: dt.datetime) -> int:
    ongoing = (now - timer.paused_at).total_seconds() if timer.paused_at is not None else 0
    return timer.paused_seconds + max(int(ongoing), 0)


def clocks_for(*, viewer: Actor, complaint: Complaint) -> list[StageClock]:
    """Every stage clock of the complaint, oldest first; empty for a viewer who may not read it."""
    if not policies.can_read_complaint.test(viewer, complaint):
        return []
    now = clock.now()
    timers = (
        Timer.objects.filter(complaint=complaint)
        .select_related("policy")
        .prefetch_related("policy__targets")
        .order_by("started_at", "id")
    )
    rows = []
    for timer in timers:
        target = next((t for t in timer.policy.targets.all() if t.stage == timer.stage), None)
        state = _state(timer, now)
        rows.append(
            StageClock(
                stage=timer.stage,
                stage_label=str(Stage(timer.stage).label),
                round=timer.round,
                due_at=timer.due_at,
                original_due_at=timer.original_due_at,
                started_at=timer.started_at,
                stopped_at=timer.stopped_at,
                state=state,
                state_label=str(STATE_LABELS[state]),
                paused_seconds=_paused(timer, now),
                extended=timer.extended_at is not None,
                extension_reason=timer.extension_reason,
                extension_allowed=bool(
                    target and target.extension_allowed and timer.extended_at is None
                ),
                policy_code=timer.policy.code,
                policy_name=timer.policy.name,
                policy_source=timer.policy.source,
            )
        )
    return rows


@dataclass(frozen=True)
class ExpectedDate:
    """What the complainant is told to expect (ISO 10002 7.3): the next date they wait for."""

    stage: str
    stage_label: str
    due_at: dt.datetime | None  # None while the clock waits for the complainant
    extended: bool
    extension_reason: str
    waiting_for_you: bool


# The stages a complainant waits on, in the order they come.
PUBLIC_STAGES = (Stage.DECISION, Stage.INTERNAL_REVIEW)


def expected_dates(*, complaint: Complaint) -> list[ExpectedDate]:
    """The complainant's expected dates: the live decision or review deadline, if any."""
    timers = Timer.objects.filter(
        complaint=complaint,
        stage__in=PUBLIC_STAGES,
        state__in=(TimerState.RUNNING, TimerState.PAUSED),
    ).order_by("-round", "started_at")
    return [
        ExpectedDate(
            stage=timer.stage,
            stage_label=str(Stage(timer.stage).label),
            due_at=None if timer.state == TimerState.PAUSED else timer.due_at,
            extended=timer.extended_at is not None,
            extension_reason=timer.extension_reason,
            waiting_for_you=timer.state == TimerState.PAUSED,
        )
        for timer in timers
    ]


def expected_by(*, viewer: Actor, reference: str) -> dt.datetime | None:
    """The first date the complainant waits for on the complaint ``reference``, if a clock runs.

    For the page shown right after submission, to the person who has just received the reference.
    """
    # Imported here: the complaints selectors import the workflow services, whose clocks and
    # emails read this module.
    from sori.complaints import selectors

    dates = expected_dates(complaint=selectors.complaint_for(viewer=viewer, reference=reference))
    return dates[0].due_at if dates else None
