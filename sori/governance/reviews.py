"""Reading management reviews (ISO 10002 8.6): the list, one review, and its inputs.

A held review shows the inputs as they were when it was held (``inputs_snapshot``); a review in
preparation shows them compiled now, so the preparer sees what the meeting will see.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.core.actors import Actor
from sori.core.errors import Forbidden, NotFound
from sori.governance import access
from sori.governance.models import ManagementReview, ReviewStatus
from sori.governance.review_inputs import compile_review_inputs, normalised


def can_read_reviews(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in access.REVIEW_READERS


def _require_reader(viewer: Actor) -> None:
    if not can_read_reviews(viewer):
        raise Forbidden(_("Your role does not give access to the management reviews."))


def reviews(*, viewer: Actor) -> QuerySet[ManagementReview]:
    _require_reader(viewer)
    return ManagementReview.objects.select_related("chair").prefetch_related("decisions")


def review_for(*, viewer: Actor, reference: str) -> ManagementReview:
    _require_reader(viewer)
    review = (
        ManagementReview.objects.select_related("chair", "created_by")
        .filter(reference=reference)
        .first()
    )
    if review is None:
        raise NotFound(_("There is no such management review."))
    return review


def previous_review(review: ManagementReview) -> ManagementReview | None:
    """The latest review held before this one (for a held review: before it was held)."""
    held = ManagementReview.objects.filter(status=ReviewStatus.HELD).exclude(pk=review.pk)
    if review.held_at is not None:
        held = held.filter(held_at__lt=review.held_at)
    return held.order_by("-held_at", "-id").first()


def review_inputs(*, viewer: Actor, review: ManagementReview) -> dict[str, Any]:
    """The inputs as reviewed (held) or as they stand now (in preparation)."""
    _require_reader(viewer)
    if review.status == ReviewStatus.HELD and review.inputs_snapshot:
        return normalised(review.inputs_snapshot)
    return compile_review_inputs(
        viewer=viewer,
        period_from=review.period_from,
        period_to=review.period_to,
        previous=previous_review(review),
        changes=review.changes,
        recommendations=review.recommendations,
    )


def chair_choices(*, viewer: Actor) -> list[tuple[int, str]]:
    """Active members of top management, who may chair a review."""
    if not can_read_reviews(viewer):
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__role=Role.TOP_MANAGEMENT.value)
        .order_by("username")
    )
    return [(user.pk, user.get_full_name() or user.get_username()) for user in users]
