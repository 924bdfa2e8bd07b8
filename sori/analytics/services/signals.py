"""A manager's answer to a special-cause signal of a control chart (ISO 10002 8.2, 8.7).

ISO 10002 8.2 asks that the analysis lead somewhere: each signal the control charts find is
either acknowledged (looked at, no action needed, with the reason) or turned into an improvement
action. Either answer is a ``SignalReview``, one per signal (chart, rule, month), written with
its audit entry in one transaction.

The signal is never taken on trust from the page: the chart is recomputed from today's figures
and the signal must be on it, so a forged or stale post is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sori.analytics.control_chart_counts import months_filter
from sori.analytics.control_charts import (
    DEFAULT_MONTHS,
    SignalView,
    chart_series,
    series_complaints,
    signal_source_key,
)
from sori.analytics.models import SignalDecision, SignalReview
from sori.audit.services import record
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.models import ActionSource, ImprovementAction
from sori.governance.services.action_opening import open_improvement_action
from sori.governance.services.actions import MAX_LINKED_COMPLAINTS, can_open_actions

MAX_NOTE = 2000


def _reviewer(actor: Actor) -> int:
    """The reviewing manager's user id; anyone else is refused."""
    if not can_open_actions(actor) or actor.user_id is None:
        raise Forbidden(
            _("Only complaints managers and top management answer control-chart signals.")
        )
    return actor.user_id


def _already_reviewed() -> Conflict:
    return Conflict(
        _("Someone has already answered this signal; reload the page to see their answer."),
        code="already_reviewed",
    )


def _raise_if_answered(chart: str, rule: str, period_start: dt.date, error: Exception) -> None:
    """Two managers answered at the same moment: the unique constraint kept the first answer."""
    if SignalReview.objects.filter(chart=chart, rule=rule, period_start=period_start).exists():
        raise _already_reviewed() from error


def _current_signal(
    actor: Actor, chart: str, rule: str, period_start: dt.date, months: int
) -> SignalView:
    """The signal as today's figures show it, or a refusal when it is not on the chart."""
    series = chart_series(viewer=actor, key=chart, months=months)
    for signal in series.signals:
        if signal.rule == rule and signal.period_start == period_start:
            if signal.review is not None:
                raise _already_reviewed()
            return signal
    raise Conflict(
        _(
            "This signal is not on the control chart any more: the figures or the months shown "
            "have changed. Reload the page and look at the chart again."
        ),
        code="signal_not_on_chart",
    )


def _record(actor: Actor, review: SignalReview, signal: SignalView) -> None:
    record(
        action=f"sori.analytics.signal_{review.decision}",
        actor=actor,
        object_type="spc_signal",
        # The trail keeps 64 characters of an object id; the data holds the whole key.
        object_id=signal.source_key[:64],
        data={
            "chart": review.chart,
            "rule": review.rule,
            "direction": review.direction,
            "period_start": review.period_start.isoformat(),
            "months": [month.isoformat() for month in signal.months],
            "decision": review.decision,
            "note": review.note,
            "improvement_action": (
                review.improvement_action.reference if review.improvement_action else None
            ),
        },
        iso_clause="8.2",
    )


def acknowledge_signal(
    *,
    actor: Actor,
    chart: str,
    rule: str,
    period_start: dt.date,
    note: str,
    months: int = DEFAULT_MONTHS,
) -> SignalReview:
    """Record that a manager looked at the signal and needs no action, and why (8.2)."""
    reviewer = _reviewer(actor)
    note = note.strip()
    if not note:
        raise InvalidInput(_("Say why the signal needs no action."), code="note_required",
                           field="note")  # fmt: skip
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE},
                           code="note_too_long", field="note")  # fmt: skip
    try:
        with transaction.atomic():
            signal = _current_signal(actor, chart, rule, period_start, months)
            review = SignalReview.objects.create(
                chart=chart,
                rule=rule,
                period_start=period_start,
                direction=signal.direction,
                decision=SignalDecision.ACKNOWLEDGED,
                note=note,
                reviewed_by_id=reviewer,
                reviewed_at=clock.now(),
            )
            _record(actor, review, signal)
    except IntegrityError as error:
        _raise_if_answered(chart, rule, period_start, error)
        raise
    return review


def open_action_for_signal(
    *,
    actor: Actor,
    chart: str,
    rule: str,
    period_start: dt.date,
    title: str,
    description: str = "",
    owner_id: int | None = None,
    due_on: dt.date | None = None,
    months: int = DEFAULT_MONTHS,
) -> ImprovementAction:
    """Open an improvement action for the signal (8.7), linking the complaints of the chart in
    the signal's months (at most ``MAX_LINKED_COMPLAINTS``, earliest first), and record it as
    the signal's review."""
    reviewer = _reviewer(actor)
    try:
        with transaction.atomic():
            signal = _current_signal(actor, chart, rule, period_start, months)
            complaint_ids = list(
                series_complaints(actor, chart)
                .filter(months_filter(signal.months))
                .order_by("received_at", "pk")
                .values_list("pk", flat=True)[:MAX_LINKED_COMPLAINTS]
            )
            action = open_improvement_action(
                actor=actor,
                title=title,
                description=description,
                source=ActionSource.SPC_SIGNAL,
                source_key=signal_source_key(chart, rule, period_start),
                complaint_ids=complaint_ids,
                owner_id=owner_id,
                due_on=due_on,
            )
            review = SignalReview.objects.create(
                chart=chart,
                rule=rule,
                period_start=period_start,
                direction=signal.direction,
                decision=SignalDecision.ACTION,
                note=description.strip(),
                improvement_action=action,
                reviewed_by_id=reviewer,
                reviewed_at=clock.now(),
            )
            _record(actor, review, signal)
    except IntegrityError as error:
        _raise_if_answered(chart, rule, period_start, error)
        raise
    return action
