"""The periodic sweep of running clocks: warnings, holding replies and breaches (ISO 10002 7.3).

``sori worker`` runs ``sweep_timers`` every ``SORI_SLA_SWEEP_SECONDS``. Each timer is handled in
its own transaction with its row locked (SKIP LOCKED where the database has it, so several workers
share the sweep); the notices and the flags that say they were sent commit together, so a sweep
that dies half-way is simply repeated and nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.audit import services as audit
from sori.complaints.models import Complaint, ComplaintEvent
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.messaging.services import notify, notify_staff
from sori.sla import alerts
from sori.sla.calendars import calendar_for
from sori.sla.models import Stage, Timer, TimerState

logger = logging.getLogger("sori.sla")
BATCH = 200
# Stages the complainant hears about when they run late: the ones they are waiting on.
COMPLAINANT_STAGES = (Stage.DECISION, Stage.INTERNAL_REVIEW)

User = get_user_model()


def _managers() -> list[AbstractBaseUser]:
    return list(
        User.objects.filter(is_active=True, staff_profile__role=Role.COMPLAINTS_MANAGER).order_by(
            "pk"
        )
    )


def _assignee_or_managers(complaint: Complaint) -> list[AbstractBaseUser]:
    assignee = complaint.assignee
    return [assignee] if assignee is not None else _managers()


Cursor = tuple[dt.datetime, int] | None


def due_timers(now: dt.datetime, after: Cursor = None) -> QuerySet[Timer]:
    """Running timers with an alert due, longest-waiting first, after ``after`` (alert, id).

    Ordered and paged by the alert index, so a sweep with nothing due reads nothing else.
    """
    rows = Timer.objects.filter(state=TimerState.RUNNING, next_alert_at__lte=now)
    if after is not None:
        at, pk = after
        rows = rows.filter(Q(next_alert_at__gt=at) | Q(next_alert_at=at, pk__gt=pk))
    return rows.order_by("next_alert_at", "pk")


def sweep_timers(*, batch: int = BATCH) -> int:
    """Send every warning, holding reply and breach notice now due; the number of timers handled."""
    now = clock.now()
    handled: int = 0
    after: Cursor = None
    while True:
        page = list(due_timers(now, after).values_list("next_alert_at", "pk")[:batch])
        for _at, pk in page:
            handled += _handle(pk, now)
        if len(page) < batch:
            return handled
        # The filter on next_alert_at means no row of the page has it empty.
        last_at, last_pk = page[-1]
        assert last_at is not None
        after = (last_at, last_pk)


def _handle(pk: int, now: dt.datetime) -> int:
    with transaction.atomic():
        rows = Timer.objects.filter(pk=pk, state=TimerState.RUNNING, next_alert_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        else:
            rows = rows.select_for_update(of=("self",))
        timer = rows.select_related("policy__calendar", "complaint__assignee").first()
        if timer is None:
            return 0  # another worker has it, or a transition moved it meanwhile
        calendar = calendar_for(timer.policy)
        due = [item for item in alerts.pending(timer, calendar) if item[0] <= now]
        kinds = {kind for _when, kind, _percent in due}
        if "breach" in kinds:
            _breach(timer, now)
        elif "warning" in kinds:
            _warn(timer, max(p for _w, kind, p in due if kind == "warning"))
        if "holding" in kinds:
            _holding(timer, now)
        timer.next_alert_at = alerts.next_alert_at(timer, calendar)
        timer.save()
    return 1


def _timeline(
    complaint: Complaint, kind: str, now: dt.datetime, *, public: bool, note: str = ""
) -> None:
    """A line on the complaint's timeline written by the sweep (the system is its actor)."""
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        public=public,
        actor=SYSTEM.audit_id,
        actor_label=SYSTEM.label,
        note=note,
        occurred_at=now,
    )


def _warn(timer: Timer, percent: int) -> None:
    complaint = timer.complaint
    timer.warned_percent = percent
    notify_staff(
        complaint=complaint,
        recipients=_assignee_or_managers(complaint),
        key="sla_warning",
        actor=SYSTEM,
        context={
            "stage": timer.get_stage_display(),
            "percent": percent,
            "due_at": timer.due_at,
        },
    )


def _breach(timer: Timer, now: dt.datetime) -> None:
    """The target is missed: the complaints manager hears at once (ISO 10002 7.3, 4.15)."""
    complaint = timer.complaint
    timer.breached_at, timer.warned_percent = now, 100
    recipients = _managers()
    assignee = complaint.assignee
    if assignee is not None and assignee not in recipients:
        recipients.append(assignee)
    notify_staff(
        complaint=complaint,
        recipients=recipients,
        key="sla_breached",
        actor=SYSTEM,
        context={"stage": timer.get_stage_display(), "due_at": timer.due_at},
    )
    target = alerts.target_of(timer)
    told_complainant = bool(
        target and target.notify_complainant_on_breach and timer.stage in COMPLAINANT_STAGES
    )
    _timeline(
        complaint,
        "sla_breached",
        now,
        public=False,
        note=_("The target for the %(stage)s was missed (due %(due)s).")
        % {"stage": timer.get_stage_display(), "due": timer.due_at.isoformat()},
    )
    if told_complainant:
        # ISO 10002 7.3: the complainant is told where the complaint stands and what comes next.
        notify(complaint=complaint, key="overdue_notice", actor=SYSTEM)
        _timeline(complaint, "overdue_notice", now, public=True)
    audit.record(
        action="sori.sla.breached",
        actor=SYSTEM,
        object_type="complaint",
        object_id=complaint.reference,
        data={
            "stage": timer.stage,
            "round": timer.round,
            "policy": timer.policy.code,
            "due_at": timer.due_at.isoformat(),
            "managers_told": [user.pk for user in recipients],
            "complainant_told": told_complainant,
        },
        iso_clause="7.3",
    )
    logger.info("SLA breached: %s %s", complaint.reference, timer.stage)


def _holding(timer: Timer, now: dt.datetime) -> None:
    """An interim reply where the policy asks for one (FCA DISP 1.6.2, PSD2 Art. 101)."""
    complaint = timer.complaint
    timer.holding_sent_at = now
    notify(complaint=complaint, key="holding_reply", actor=SYSTEM)
    _timeline(complaint, "holding_reply", now, public=True)
    audit.record(
        action="sori.sla.holding_reply_sent",
        actor=SYSTEM,
        object_type="complaint",
        object_id=complaint.reference,
        data={"stage": timer.stage, "round": timer.round, "policy": timer.policy.code},
        iso_clause="7.3",
    )
