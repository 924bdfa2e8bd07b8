"""Management review (ISO 10002 8.6; R-8.6.1): prepare, record decisions, hold.

The complaints manager or top management prepares a review for a period (``create_review``),
writes the typed inputs and the minutes (``update_review``) and records decisions with an owner
and a due date (``add_decision``), optionally opening an improvement action (8.7) for one. Top
management holds the review (``hold_review``): the minutes are required, the compiled inputs are
stored as they stand (``inputs_snapshot``) and from then on inputs and minutes do not change.
Decisions can still be marked done (``mark_decision_done``) after the meeting: that is how the
next review sees what became of them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.audit.services import record
from sori.core import clock, references
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sori.governance import access
from sori.governance.models import (
    ActionKind,
    ActionSource,
    DecisionKind,
    ManagementReview,
    ReviewDecision,
    ReviewStatus,
)
from sori.governance.objectives import today
from sori.governance.review_inputs import compile_review_inputs
from sori.governance.reviews import previous_review
from sori.governance.services.action_opening import open_improvement_action

REFERENCE_PREFIX = "MR"
MAX_TEXT = 20000
# One review covers at most a little over a year: 8.6 reviews happen at planned intervals.
MAX_PERIOD_DAYS = 366 + 31
ISO = "8.6"


def can_prepare(actor: Actor) -> bool:
    return actor.is_staff and actor.role in access.REVIEW_PREPARERS


def can_hold(actor: Actor) -> bool:
    return actor.is_staff and actor.role in access.REVIEW_HOLDERS


def _require_preparer(actor: Actor) -> None:
    if not can_prepare(actor):
        raise Forbidden(
            _("Only complaints managers and top management prepare management reviews.")
        )


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput(_("Keep it under %(limit)d characters.") % {"limit": MAX_TEXT},
                           code=f"{field}_too_long", field=field)  # fmt: skip
    return value


def _check_period(period_from: dt.date, period_to: dt.date) -> None:
    if period_to < period_from:
        raise InvalidInput(_("The end of the period is before its start."),
                           code="period_reversed", field="period_to")  # fmt: skip
    if (period_to - period_from).days > MAX_PERIOD_DAYS:
        raise InvalidInput(_("A review covers at most about a year."),
                           code="period_too_long", field="period_to")  # fmt: skip


def _check_chair(chair_id: int | None) -> None:
    if chair_id is None:
        return
    if (
        not get_user_model()
        .objects.filter(pk=chair_id, is_active=True, staff_profile__role=Role.TOP_MANAGEMENT.value)
        .exists()
    ):
        raise InvalidInput(_("The chair must be an active member of top management."),
                           code="invalid_chair", field="chair")  # fmt: skip


def _locked(reference: str) -> ManagementReview:
    review = ManagementReview.objects.select_for_update().filter(reference=reference).first()
    if review is None:
        raise NotFound(_("There is no such management review."))
    return review


def _require_draft(review: ManagementReview) -> None:
    if review.status != ReviewStatus.DRAFT:
        raise Conflict(
            _("Management review %(reference)s has been held; its inputs and minutes no longer "
              "change.") % {"reference": review.reference},
            code="review_held",
        )  # fmt: skip


def create_review(
    *,
    actor: Actor,
    period_from: dt.date,
    period_to: dt.date,
    planned_on: dt.date,
    chair_id: int | None = None,
    attendees: str = "",
) -> ManagementReview:
    """A management review in preparation for [period_from, period_to] (8.6)."""
    _require_preparer(actor)
    _check_period(period_from, period_to)
    _check_chair(chair_id)
    attendees = _text(attendees, "attendees")
    now = clock.now()
    with transaction.atomic():
        same = ManagementReview.objects.filter(period_from=period_from, period_to=period_to)
        existing = same.values_list("reference", flat=True).first()
        if existing is not None:
            # One review per period; a second submit of the same form lands here too.
            raise Conflict(
                _("Management review %(reference)s already covers this period.")
                % {"reference": existing},
                code="review_exists",
                field="period_from",
            )
        review = ManagementReview.objects.create(
            reference=references.allocate(REFERENCE_PREFIX, now.year),
            period_from=period_from,
            period_to=period_to,
            planned_on=planned_on,
            chair_id=chair_id,
            attendees=attendees,
            created_by_id=actor.user_id,
            created_at=now,
        )
        record(
            action="sori.review.created",
            actor=actor,
            object_type="management_review",
            object_id=review.reference,
            data={
                "period_from": period_from.isoformat(),
                "period_to": period_to.isoformat(),
                "planned_on": planned_on.isoformat(),
                "chair": chair_id,
            },
            iso_clause=ISO,
        )
    return review


def update_review(
    *,
    actor: Actor,
    reference: str,
    changes: str,
    recommendations: str,
    minutes: str,
    attendees: str,
    chair_id: int | None,
    planned_on: dt.date,
) -> ManagementReview:
    """The typed inputs, attendees and minutes of a review in preparation."""
    _require_preparer(actor)
    _check_chair(chair_id)
    values = {
        "changes": _text(changes, "changes"),
        "recommendations": _text(recommendations, "recommendations"),
        "minutes": _text(minutes, "minutes"),
        "attendees": _text(attendees, "attendees"),
    }
    with transaction.atomic():
        review = _locked(reference)
        _require_draft(review)
        changed = [name for name, value in values.items() if getattr(review, name) != value]
        for name, value in values.items():
            setattr(review, name, value)
        if review.chair_id != chair_id:
            changed.append("chair")
        if review.planned_on != planned_on:
            changed.append("planned_on")
        review.chair_id = chair_id
        review.planned_on = planned_on
        review.save()
        record(
            action="sori.review.updated",
            actor=actor,
            object_type="management_review",
            object_id=review.reference,
            data={"changed": changed},
            iso_clause=ISO,
        )
    return review


def add_decision(
    *,
    actor: Actor,
    reference: str,
    kind: str,
    text: str,
    owner_id: int | None,
    due_on: dt.date | None,
    open_action: bool = False,
    action_kind: str = ActionKind.IMPROVEMENT,
) -> ReviewDecision:
    """A decision of the review with its owner and due date (8.6 outputs), and maybe its action."""
    _require_preparer(actor)
    if kind not in DecisionKind.values:
        raise InvalidInput(_("Choose the kind of decision."), code="invalid_kind", field="kind")
    text = _text(text, "text")
    if not text:
        raise InvalidInput(_("Write down the decision."), code="text_required", field="text")
    if owner_id is None:
        raise InvalidInput(_("Name who carries the decision out."), code="owner_required",
                           field="owner")  # fmt: skip
    if not (
        get_user_model()
        .objects.filter(pk=owner_id, is_active=True, staff_profile__isnull=False)
        .exists()
    ):
        raise InvalidInput(_("Choose an active staff member as the owner."),
                           code="invalid_owner", field="owner")  # fmt: skip
    if due_on is None:
        raise InvalidInput(_("Give the date by which it is done."), code="due_required",
                           field="due_on")  # fmt: skip
    if due_on < today():
        raise InvalidInput(_("The due date is in the past."), code="due_in_past", field="due_on")
    with transaction.atomic():
        review = _locked(reference)
        if review.decisions.filter(text=text, owner_id=owner_id, due_on=due_on).exists():
            # The same form sent twice records the decision once.
            raise Conflict(_("This decision is already recorded."), code="decision_exists")
        decision = ReviewDecision.objects.create(
            review=review,
            kind=kind,
            text=text,
            owner_id=owner_id,
            due_on=due_on,
            recorded_by_id=actor.user_id,
            recorded_at=clock.now(),
        )
        if open_action:
            # ISO 10002 8.7: the decision is followed as an improvement action, found by its key.
            action = open_improvement_action(
                actor=actor,
                title=text.splitlines()[0][:200],
                description=text,
                source=ActionSource.MANAGEMENT_REVIEW,
                kind=action_kind,
                source_key=f"review:{review.reference}:decision:{decision.pk}",
                owner_id=owner_id,
                due_on=due_on,
            )
            decision.improvement_action = action
            decision.save(update_fields=["improvement_action"])
        record(
            action="sori.review.decision_added",
            actor=actor,
            object_type="management_review",
            object_id=review.reference,
            data={
                "decision": decision.pk,
                "kind": kind,
                "owner": owner_id,
                "due_on": due_on.isoformat(),
                "improvement_action": decision.improvement_action.reference
                if decision.improvement_action
                else None,
            },
            iso_clause=ISO,
        )
    return decision


def mark_decision_done(*, actor: Actor, reference: str, decision_id: int) -> ReviewDecision:
    """Record that a decision has been carried out (also after the review was held)."""
    _require_preparer(actor)
    with transaction.atomic():
        review = _locked(reference)
        decision = ReviewDecision.objects.filter(review=review, pk=decision_id).first()
        if decision is None:
            raise NotFound(_("This review has no such decision."))
        if decision.done_at is not None:
            raise Conflict(_("The decision is already marked done."), code="decision_done")
        decision.done_at = clock.now()
        decision.save(update_fields=["done_at"])
        record(
            action="sori.review.decision_done",
            actor=actor,
            object_type="management_review",
            object_id=review.reference,
            data={"decision": decision.pk},
            iso_clause=ISO,
        )
    return decision


def hold_review(*, actor: Actor, reference: str) -> ManagementReview:
    """Top management holds the review: minutes required, the compiled inputs frozen (8.6)."""
    if not can_hold(actor):
        raise Forbidden(_("Only top management holds the management review."))
    with transaction.atomic():
        review = _locked(reference)
        _require_draft(review)
        if not review.minutes.strip():
            raise InvalidInput(_("Record the minutes and conclusions before holding the review."),
                               code="minutes_required", field="minutes")  # fmt: skip
        review.inputs_snapshot = compile_review_inputs(
            viewer=actor,
            period_from=review.period_from,
            period_to=review.period_to,
            previous=previous_review(review),
            changes=review.changes,
            recommendations=review.recommendations,
        )
        review.status = ReviewStatus.HELD
        review.held_at = clock.now()
        if review.chair_id is None and actor.user_id is not None:
            review.chair_id = actor.user_id
        review.save()
        record(
            action="sori.review.held",
            actor=actor,
            object_type="management_review",
            object_id=review.reference,
            data={"held_at": review.held_at.isoformat(), "chair": review.chair_id},
            iso_clause=ISO,
        )
    return review
