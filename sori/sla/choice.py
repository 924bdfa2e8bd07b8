"""Which policy sets each stage's target for a complaint (ISO 10002 7.5: urgency and kind decide).

A policy applies when each of its selectors (priority, category, channel, complaint type) is empty
or equals the complaint's. Per stage, the most specific applicable policy that has a target for it
wins; when several are equally specific (for example the FCA's general rules and its payment-
services rules), the strictest — the one whose deadline comes first — wins, and the timer records
which policy drove it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from sori.complaints.models import Complaint
from sori.sla.calendar import Calendar, Unit
from sori.sla.calendars import calendar_for
from sori.sla.models import SlaPolicy, SlaTarget


@dataclass(frozen=True)
class Chosen:
    policy: SlaPolicy
    target: SlaTarget
    calendar: Calendar

    def due(self, start: dt.datetime) -> dt.datetime:
        return self.calendar.add(start, self.target.amount, Unit(self.target.unit))


def applicable_policies(complaint: Complaint) -> list[SlaPolicy]:
    return list(
        SlaPolicy.objects.filter(active=True)
        .filter(Q(priority="") | Q(priority=complaint.priority))
        .filter(Q(category__isnull=True) | Q(category_id=complaint.category_id))
        .filter(Q(channel="") | Q(channel=complaint.channel))
        .filter(Q(complaint_type__isnull=True) | Q(complaint_type_id=complaint.complaint_type_id))
        .select_related("calendar")
        .prefetch_related("targets", "calendar__days")
        .order_by("position", "pk")
    )


def specificity(policy: SlaPolicy) -> int:
    return (
        bool(policy.priority)
        + (policy.category_id is not None)
        + bool(policy.channel)
        + (policy.complaint_type_id is not None)
    )


def choose(complaint: Complaint, start: dt.datetime) -> dict[str, Chosen]:
    """Stage → the target that applies, judged by the due time it gives from ``start``."""
    calendars: dict[int, Calendar] = {}
    best: dict[str, tuple[int, dt.datetime, Chosen]] = {}
    for policy in applicable_policies(complaint):
        if policy.pk not in calendars:
            calendars[policy.pk] = calendar_for(policy)
        rank = specificity(policy)
        for target in policy.targets.all():
            chosen = Chosen(policy, target, calendars[policy.pk])
            due = chosen.due(start)
            current = best.get(target.stage)
            if current is None or (rank, -due.timestamp()) > (current[0], -current[1].timestamp()):
                best[target.stage] = (rank, due, chosen)
    return {stage: chosen for stage, (_rank, _due, chosen) in best.items()}
