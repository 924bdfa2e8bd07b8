"""Dated milestones of the demo's history (``sori.demo.governance``): each runs through the real
services at its own past moment, between the complaint steps, so the audit trail stays in time
order."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sori.core import clock
from sori.demo.plan import LOCAL, MARGIN

# A milestone never lands closer to "now" than the demo's last complaint step may.
LATEST_BEFORE_NOW = MARGIN


@dataclass(frozen=True)
class Milestone:
    at: dt.datetime
    run: Callable[[], None]


class GovernanceHistory:
    """Milestones waiting for their moment; ``until`` runs those due before a complaint step."""

    def __init__(self, milestones: list[Milestone]) -> None:
        self.pending = deque(milestones)

    def until(self, moment: dt.datetime | None) -> None:
        """Run every milestone at or before ``moment`` (all that are left when None)."""
        while self.pending and (moment is None or self.pending[0].at <= moment):
            milestone = self.pending.popleft()
            with clock.frozen_at(milestone.at):
                milestone.run()


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL).date()


def workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``hour:minute`` in Seoul on the first working day from ``day``, in UTC."""
    local = dt.datetime.combine(workday(day), dt.time(hour, minute), tzinfo=LOCAL)
    return local.astimezone(dt.UTC)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def reviewed_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full quarter that ended at least a week ago: there was time to review it."""
    end = _quarter_start(today) - dt.timedelta(days=1)
    if (today - end).days < 8:
        end = _quarter_start(end) - dt.timedelta(days=1)
    return _quarter_start(end), end


class Plan:
    """Collects milestones; ``done`` orders them and keeps each after the one before."""

    def __init__(self, start: dt.datetime, now: dt.datetime) -> None:
        self.start, self.now = start, now
        self.items: list[tuple[dt.datetime, int, Callable[[], None]]] = []

    def add(self, at: dt.datetime, run: Callable[[], None]) -> None:
        self.items.append((at, len(self.items), run))

    def done(self) -> GovernanceHistory:
        milestones: list[Milestone] = []
        previous = self.start
        for at, _position, run in sorted(self.items, key=lambda item: item[:2]):
            moment = max(at, previous + dt.timedelta(minutes=1))
            milestones.append(Milestone(moment, run))
            previous = moment
        latest = self.now - LATEST_BEFORE_NOW
        # Planned from "now"; a record dated after it would be a record of the future.
        assert all(m.at < latest for m in milestones), "a demo milestone lies in the future"
        return GovernanceHistory(milestones)
