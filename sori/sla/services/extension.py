"""Extending a stage's deadline: once, with a reason and a new date, the complainant told.

ISO 10002 7.3 (the complainant is kept informed); 민원처리법 and Korean financial practice allow one
extension, no longer than the original period, with the reason and the expected date notified
without delay. The policy's target says whether an extension is allowed and how long it may be.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import Complaint, ComplaintEvent
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, GuardFailed, InvalidInput, NotFound
from sori.messaging.services import notify
from sori.sla import alerts
from sori.sla.calendar import Unit
from sori.sla.calendars import calendar_for
from sori.sla.models import Stage, Timer, TimerState
from sori.sla.services.clocks import LIVE, sync_due

MAX_REASON = 2000


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Give the reason for the extension; the complainant is told it."),
            code="required",
            field="reason",
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": "reason", "max": MAX_REASON},
            code="too_long",
            field="reason",
        )
    return reason


def extend_deadline(
    *, actor: Actor, reference: str, stage: str, new_date: dt.date, reason: str
) -> Timer:
    """Move the deadline of ``stage`` to the close of business on ``new_date``."""
    reason = _clean_reason(reason)
    if stage not in Stage.values:
        raise InvalidInput(_("Unknown stage."), code="invalid_choice", field="stage")
    now = clock.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        if not policies.can_assign.test(actor, complaint):
            raise Forbidden(_("Only a complaint handler or manager may extend a deadline."))
        timer = (
            Timer.objects.select_for_update(of=("self",))
            .filter(complaint=complaint, stage=stage, state__in=LIVE)
            .select_related("policy__calendar")
            .order_by("-round")
            .first()
        )
        if timer is None:
            raise GuardFailed(
                _("This stage has no running deadline to extend."), code="no_running_deadline"
            )
        target = alerts.target_of(timer)
        if target is None or not target.extension_allowed:
            raise GuardFailed(
                _("The SLA policy “%(policy)s” allows no extension of this stage.")
                % {"policy": timer.policy.name},
                code="extension_not_allowed",
            )
        if timer.extended_at is not None:
            raise GuardFailed(
                _("This deadline has already been extended once; it cannot be extended again."),
                code="extension_used",
            )
        calendar = calendar_for(timer.policy)
        shifts = calendar.shifts_on(new_date)
        if not shifts:
            raise InvalidInput(
                _("%(date)s is not a working day; choose a working day.")
                % {"date": new_date.isoformat()},
                code="not_a_working_day",
                field="new_date",
            )
        zone = ZoneInfo(calendar.time_zone)
        new_due = dt.datetime.combine(new_date, shifts[-1].end, tzinfo=zone).astimezone(dt.UTC)
        if new_due <= timer.due_at:
            raise InvalidInput(
                _("The new deadline must be later than the current one (%(due)s).")
                % {"due": timer.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")},
                code="not_later",
                field="new_date",
            )
        longest = target.max_extension if target.max_extension is not None else timer.amount
        limit = calendar.add(timer.due_at, Decimal(longest), Unit(timer.unit))
        if new_due > limit:
            raise InvalidInput(
                _("The extension may be at most %(amount)s %(unit)s: the latest date is %(date)s.")
                % {
                    "amount": f"{Decimal(longest).normalize():f}",
                    "unit": target.get_unit_display(),
                    "date": limit.astimezone(zone).date().isoformat(),
                },
                code="extension_too_long",
                field="new_date",
            )
        previous = timer.due_at
        timer.due_at, timer.extended_at, timer.extended_by_id = new_due, now, actor.user_id
        timer.extension_reason = reason
        timer.breached_at = None if new_due > now else timer.breached_at
        timer.warned_percent = 0
        if timer.state == TimerState.RUNNING:
            timer.next_alert_at = alerts.next_alert_at(timer, calendar)
        timer.save()
        sync_due(complaint)
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind="deadline_extended",
            public=True,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=reason,
            occurred_at=now,
        )
        audit.record(
            action="sori.sla.extended",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={
                "stage": stage,
                "round": timer.round,
                "from": previous.isoformat(),
                "to": new_due.isoformat(),
                "reason": reason,
            },
            iso_clause="7.3",
        )
        # ISO 10002 7.3: the complainant learns the reason and the new date without delay.
        notify(complaint=complaint, key="deadline_extended", actor=actor)
    return timer
