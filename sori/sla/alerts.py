"""When a running clock next needs attention: a warning, a holding reply, or the breach.

Warnings go to the assignee at the policy's percentages of the time allowed; a holding (interim)
reply goes to the complainant where the target asks for one; the breach goes to the complaints
manager (ISO 10002 7.3, 4.15). Shares of time are counted the way the target counts: in business
time for business units, by the clock for calendar days; time spent paused is left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sori.sla.calendar import Calendar, Unit
from sori.sla.models import SlaTarget, Timer, TimerState


def warn_percentages(text: str) -> list[int]:
    """``"75, 90"`` → [75, 90]; anything that is not a whole number from 1 to 99 is ignored."""
    found = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) < 100:
            found.add(int(part))
    return sorted(found)


def instant_at(timer: Timer, calendar: Calendar, percent: int) -> dt.datetime:
    """The moment ``percent`` of the timer's allowed time has been used."""
    share = Decimal(percent) / 100
    if Unit(timer.unit) is Unit.CALENDAR_DAYS:
        span = (timer.due_at - timer.started_at).total_seconds() - timer.paused_seconds
        offset = float(share) * max(span, 0) + timer.paused_seconds
        return timer.started_at + dt.timedelta(seconds=offset)
    total = calendar.business_seconds_between(timer.started_at, timer.due_at)
    allowed = max(total - timer.paused_business_seconds, 0)
    return calendar.add_business_seconds(
        timer.started_at, float(share) * allowed + timer.paused_business_seconds
    )


def target_of(timer: Timer) -> SlaTarget | None:
    return SlaTarget.objects.filter(policy_id=timer.policy_id, stage=timer.stage).first()


def pending(
    timer: Timer, calendar: Calendar, *, target: SlaTarget | None = None
) -> list[tuple[dt.datetime, str, int]]:
    """Every alert still to come: (when, kind, percent) with kind warning, holding or breach.

    ``target`` is the timer's stage target when the caller has it at hand (read otherwise).
    """
    if timer.state != TimerState.RUNNING:
        return []
    items: list[tuple[dt.datetime, str, int]] = []
    for percent in warn_percentages(timer.policy.warn_percentages):
        if percent > timer.warned_percent:
            items.append((instant_at(timer, calendar, percent), "warning", percent))
    if target is None:
        target = target_of(timer)
    if target is not None and target.holding_notice_percent and timer.holding_sent_at is None:
        percent = target.holding_notice_percent
        items.append((instant_at(timer, calendar, percent), "holding", percent))
    if timer.breached_at is None:
        items.append((timer.due_at, "breach", 100))
    return sorted(items)


def next_alert_at(
    timer: Timer, calendar: Calendar, *, target: SlaTarget | None = None
) -> dt.datetime | None:
    items = pending(timer, calendar, target=target)
    return items[0][0] if items else None
