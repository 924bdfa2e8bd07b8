"""Management reviews (ISO 10002 8.6; R-8.6.1).

The complaints manager or top management plans a review for a period and prepares it: Sori
compiles the inputs (``sori.governance.review_inputs``), the preparer writes the changes,
recommendations and minutes and records the decisions with owners and due dates. Top management
holds the review, which freezes the inputs. The pack prints as HTML and PDF. Auditors and
administrators read everything and change nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.context import optional_url
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.reviews import DecisionForm, ReviewForm, ReviewInputsForm
from sori.core.errors import Conflict, DomainError, NotFound
from sori.governance import access
from sori.governance.models import ManagementReview, ReviewStatus
from sori.governance.objectives import owner_choices
from sori.governance.review_pack import pack_context, review_pack_html, review_pdf
from sori.governance.reviews import chair_choices, review_for, reviews
from sori.governance.services.reviews import (
    add_decision,
    can_hold,
    can_prepare,
    create_review,
    hold_review,
    mark_decision_done,
    update_review,
)

_FIELDS = {"chair": "chair", "owner": "owner", "due_on": "due_on", "text": "text"}


def _missing(request: StaffRequest, error: NotFound) -> HttpResponse:
    return render(request, "backoffice/reviews/missing.html", {"message": error.message},
                  status=404)  # fmt: skip


def _render_list(request: StaffRequest, form: ReviewForm | None = None,
                 status: int = 200) -> HttpResponse:  # fmt: skip
    may_prepare = can_prepare(request.actor)
    if may_prepare and form is None:
        form = ReviewForm(chairs=chair_choices(viewer=request.actor))
    context = {
        "reviews": reviews(viewer=request.actor),
        "form": form if may_prepare else None,
        "has_errors": bool(form is not None and form.errors),
    }
    return render(request, "backoffice/reviews/list.html", context, status=status)


@require_GET
@roles_required(*access.REVIEW_READERS)
def review_list(request: StaffRequest) -> HttpResponse:
    """Every management review, and for preparers the form to plan one (8.6)."""
    return _render_list(request)


@require_POST
@roles_required(*access.REVIEW_PREPARERS)
def new(request: StaffRequest) -> HttpResponse:
    form = ReviewForm(request.POST, chairs=chair_choices(viewer=request.actor))
    if not form.is_valid():
        return _render_list(request, form, status=400)
    data = form.cleaned_data
    try:
        review = create_review(
            actor=request.actor,
            period_from=data["period_from"],
            period_to=data["period_to"],
            planned_on=data["planned_on"],
            chair_id=data["chair"],
            attendees=data["attendees"],
        )
    except DomainError as error:
        add_form_errors(form, error, _FIELDS)
        return _render_list(request, form, status=http_status_for(error))
    messages.success(request, _("Management review %(reference)s is planned.")
                     % {"reference": review.reference})  # fmt: skip
    return redirect("backoffice:review", reference=review.reference)


def _inputs_initial(review: ManagementReview) -> dict[str, Any]:
    return {
        "planned_on": review.planned_on,
        "chair": review.chair_id,
        "attendees": review.attendees,
        "changes": review.changes,
        "recommendations": review.recommendations,
        "minutes": review.minutes,
    }


def _detail(request: StaffRequest, reference: str, bound: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    try:
        review = review_for(viewer=request.actor, reference=reference)
    except NotFound as error:
        return _missing(request, error)
    bound = bound or {}
    context = pack_context(viewer=request.actor, review=review)
    for decision in context["decisions"]:
        decision["action_url"] = (
            optional_url("backoffice:improvement-action", decision["action_reference"])
            if decision["action_reference"]
            else None
        )
    draft = review.status == ReviewStatus.DRAFT
    may_prepare = can_prepare(request.actor)
    context.update({
        "draft": draft,
        "may_prepare": may_prepare,
        "may_hold": draft and can_hold(request.actor),
        "has_errors": any(form.errors for form in bound.values()),
    })  # fmt: skip
    if may_prepare and draft:
        context["inputs_form"] = bound.get("inputs") or ReviewInputsForm(
            chairs=chair_choices(viewer=request.actor), initial=_inputs_initial(review)
        )
    if may_prepare:
        context["decision_form"] = bound.get("decision") or DecisionForm(
            owners=owner_choices(viewer=request.actor), auto_id="id_decision_%s"
        )
    return render(request, "backoffice/reviews/detail.html", context, status=status)


@require_GET
@roles_required(*access.REVIEW_READERS)
def review(request: StaffRequest, reference: str) -> HttpResponse:
    """One review: its compiled inputs, typed inputs, minutes and decisions."""
    return _detail(request, reference)


@require_POST
@roles_required(*access.REVIEW_PREPARERS)
def edit(request: StaffRequest, reference: str) -> HttpResponse:
    form = ReviewInputsForm(request.POST, chairs=chair_choices(viewer=request.actor))
    if not form.is_valid():
        return _detail(request, reference, {"inputs": form}, status=400)
    data = form.cleaned_data
    try:
        update_review(
            actor=request.actor,
            reference=reference,
            changes=data["changes"],
            recommendations=data["recommendations"],
            minutes=data["minutes"],
            attendees=data["attendees"],
            chair_id=data["chair"],
            planned_on=data["planned_on"],
        )
    except NotFound as error:
        return _missing(request, error)
    except Conflict as error:
        # A stale form: the review was held meanwhile, so there is no form to show it on.
        add_message(request, error)
        return redirect("backoffice:review", reference=reference)
    except DomainError as error:
        add_form_errors(form, error, _FIELDS)
        return _detail(request, reference, {"inputs": form}, status=http_status_for(error))
    messages.success(request, _("The review is saved."))
    return redirect("backoffice:review", reference=reference)


@require_POST
@roles_required(*access.REVIEW_PREPARERS)
def decide(request: StaffRequest, reference: str) -> HttpResponse:
    """A decision with its owner and due date, maybe followed as an improvement action (8.6, 8.7)."""
    form = DecisionForm(request.POST, owners=owner_choices(viewer=request.actor),
                        auto_id="id_decision_%s")  # fmt: skip
    if not form.is_valid():
        return _detail(request, reference, {"decision": form}, status=400)
    data = form.cleaned_data
    try:
        decision = add_decision(
            actor=request.actor,
            reference=reference,
            kind=data["kind"],
            text=data["text"],
            owner_id=data["owner"],
            due_on=data["due_on"],
            open_action=data["open_action"],
            action_kind=data["action_kind"] or "improvement",
        )
    except NotFound as error:
        return _missing(request, error)
    except DomainError as error:
        add_form_errors(form, error, _FIELDS)
        return _detail(request, reference, {"decision": form}, status=http_status_for(error))
    if decision.improvement_action is not None:
        messages.success(request, _("The decision is recorded; improvement action %(action)s is "
                                    "open.") % {"action": decision.improvement_action.reference})  # fmt: skip
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("backoffice:review", reference=reference)


@require_POST
@roles_required(*access.REVIEW_PREPARERS)
def decision_done(request: StaffRequest, reference: str, decision_id: int) -> HttpResponse:
    try:
        mark_decision_done(actor=request.actor, reference=reference, decision_id=decision_id)
    except DomainError as error:
        add_message(request, error)
        return redirect("backoffice:review", reference=reference)
    messages.success(request, _("The decision is marked done."))
    return redirect("backoffice:review", reference=reference)


@require_POST
@roles_required(*access.REVIEW_HOLDERS)
def hold(request: StaffRequest, reference: str) -> HttpResponse:
    """Top management holds the review; the inputs are kept as they stand (8.6)."""
    try:
        hold_review(actor=request.actor, reference=reference)
    except DomainError as error:
        add_message(request, error)
        return redirect("backoffice:review", reference=reference)
    messages.success(request, _("The review is held; its inputs are kept as they stand now."))
    return redirect("backoffice:review", reference=reference)


@require_GET
@roles_required(*access.REVIEW_READERS)
def pack_html(request: StaffRequest, reference: str) -> HttpResponse:
    """The review pack as a page to read or print (8.6)."""
    try:
        found = review_for(viewer=request.actor, reference=reference)
    except NotFound as error:
        return _missing(request, error)
    return HttpResponse(review_pack_html(viewer=request.actor, review=found))


@require_GET
@roles_required(*access.REVIEW_READERS)
def pack_pdf(request: StaffRequest, reference: str) -> HttpResponse:
    """The review pack as PDF, with the bundled Korean font (8.6)."""
    try:
        found = review_for(viewer=request.actor, reference=reference)
    except NotFound as error:
        return _missing(request, error)
    response = HttpResponse(review_pdf(viewer=request.actor, review=found),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.pdf"'
    return response
