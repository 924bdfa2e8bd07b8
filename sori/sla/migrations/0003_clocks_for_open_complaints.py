"""Upgrade: open complaints received before the SLA engine get their decision and closure clocks.

They are counted from receipt against the policy that applies to every complaint (the ISO default
the organisation defines), so the queue orders them by their real deadlines. Clocks already met
are not invented: a complaint whose decision went out gets only a closure clock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations
from django.db.models import OuterRef, Subquery

from sori.sla.calendar import Calendar, Unit, parse_shifts, parse_week

OPEN = (
    "received",
    "acknowledged",
    "assessed",
    "investigating",
    "awaiting_complainant",
    "response_proposed",
    "approved",
    "decision_communicated",
    "escalated",
    "referred",
)
BATCH = 2000


def _calendar(BusinessCalendar, row) -> Calendar:  # noqa: N803
    if row is None:
        return Calendar()
    closures, extra = set(), []
    for day in row.days.all():
        if day.kind == "closed":
            closures.add(day.date)
        else:
            extra.append((day.date, parse_shifts(day.hours, day.date.isoformat())))
    return Calendar(
        time_zone=row.time_zone,
        week=parse_week(row.hours),
        country=row.country or None,
        subdivision=row.subdivision or None,
        closures=frozenset(closures),
        extra_days=tuple(sorted(extra)),
    )


def forwards(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    Timer = apps.get_model("sla", "Timer")
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    policy = (
        SlaPolicy.objects.filter(
            active=True,
            priority="",
            category__isnull=True,
            channel="",
            complaint_type__isnull=True,
        )
        .order_by("position", "pk")
        .first()
    )
    if policy is None:
        return
    targets = {t.stage: t for t in policy.targets.filter(stage__in=("decision", "close"))}
    if not targets:
        return
    row = policy.calendar or BusinessCalendar.objects.order_by("-is_default", "pk").first()
    calendar = _calendar(BusinessCalendar, row)
    complaints = (
        Complaint.objects.filter(status__in=OPEN)
        .exclude(pk__in=Timer.objects.values("complaint_id"))
        .order_by("pk")
    )
    pending = []
    for complaint in complaints.iterator(chunk_size=BATCH):
        paused_at = None
        if complaint.status == "awaiting_complainant":
            asked = (
                ComplaintEvent.objects.filter(complaint_id=complaint.pk, kind="request_information")
                .order_by("-occurred_at")
                .values_list("occurred_at", flat=True)
                .first()
            )
            paused_at = asked or complaint.received_at
        for stage, target in targets.items():
            if stage == "decision" and complaint.decision_issued_at is not None:
                continue
            due = calendar.add(complaint.received_at, Decimal(target.amount), Unit(target.unit))
            pending.append(
                Timer(
                    complaint_id=complaint.pk,
                    stage=stage,
                    round=complaint.reopened_count,
                    policy_id=policy.pk,
                    amount=target.amount,
                    unit=target.unit,
                    state="paused" if paused_at else "running",
                    started_at=complaint.received_at,
                    due_at=due,
                    original_due_at=due,
                    paused_at=paused_at,
                    next_alert_at=None if paused_at else due,
                )
            )
        if len(pending) >= BATCH:
            Timer.objects.bulk_create(pending)
            pending = []
    if pending:
        Timer.objects.bulk_create(pending)
    # The queue's due time: the first deadline of a running clock (one statement).
    first_due = (
        Timer.objects.filter(complaint_id=OuterRef("pk"), state="running")
        .order_by("due_at")
        .values("due_at")[:1]
    )
    Complaint.objects.filter(status__in=OPEN).update(due_at=Subquery(first_due))


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_shipped_templates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
