"""Training records and competence (ISO 10002 6.4 resources; 2018: 4.14 competence).

Overseers (complaints manager, top management, auditors, administrators) see every staff
member's training hours per year and, per category requirement, who handles complaints there
without the course. Anyone else sees only their own records. Complaints managers and
administrators record training and delete a record made in error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.training import DeleteRecordForm, TrainingRecordForm
from sori.core.errors import DomainError, NotFound
from sori.governance.access import EVERY_STAFF_ROLE, TRAINING_KEEPERS
from sori.governance.models import TrainingRecord
from sori.governance.services.training import (
    correct_training,
    delete_training,
    record_training,
)
from sori.governance.training import (
    course_choices,
    person_training,
    training_overview,
    training_record,
)


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=1990,
        max_value=2100,
        error_messages={
            "invalid": gettext_lazy("Enter a year like 2026."),
            "min_value": gettext_lazy("Enter a year like 2026."),
            "max_value": gettext_lazy("Enter a year like 2026."),
        },
    )


@require_GET
@roles_required(*EVERY_STAFF_ROLE)
def training(request: StaffRequest) -> HttpResponse:
    """Hours per person in a year (``?year=2026``); overseers also see requirement gaps."""
    form = YearForm(request.GET)
    valid = form.is_valid()
    year = form.cleaned_data.get("year") if valid else None
    overview = training_overview(viewer=request.actor, year=year)
    context = {"overview": overview, "year_form": form, "own_id": request.actor.user_id}
    return render(
        request, "backoffice/training/overview.html", context, status=200 if valid else 400
    )


def _person(
    request: StaffRequest, user_id: int, form: TrainingRecordForm | None = None, status: int = 200
) -> HttpResponse:
    try:
        person = person_training(viewer=request.actor, user_id=user_id)
    except NotFound as error:
        raise Http404(error.message) from None
    context: dict[str, Any] = {"person": person, "has_errors": bool(form and form.errors)}
    if person.may_keep:
        context["form"] = form or TrainingRecordForm(courses=course_choices())
        context["delete_form"] = DeleteRecordForm()
    return render(request, "backoffice/training/person.html", context, status=status)


@require_GET
@roles_required(*EVERY_STAFF_ROLE)
def person(request: StaffRequest, user_id: int) -> HttpResponse:
    """One person's records; someone else's only for overseers."""
    return _person(request, user_id)


@require_POST
@roles_required(*TRAINING_KEEPERS)
def add(request: StaffRequest, user_id: int) -> HttpResponse:
    """Record a course the person completed (6.4)."""
    form = TrainingRecordForm(request.POST, courses=course_choices())
    if not form.is_valid():
        return _person(request, user_id, form, status=400)
    try:
        record_training(actor=request.actor, data=form.training_input(user_id))
    except DomainError as error:
        if isinstance(error, NotFound):
            raise Http404(error.message) from None
        add_form_errors(form, error)
        return _person(request, user_id, form, status=http_status_for(error))
    messages.success(request, _("The training is recorded."))
    return redirect("backoffice:training-person", user_id=user_id)


@require_POST
@roles_required(*TRAINING_KEEPERS)
def delete(request: StaffRequest, user_id: int, record_id: int) -> HttpResponse:
    """Delete a record made in error; the audit trail keeps what it said."""
    form = DeleteRecordForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        delete_training(actor=request.actor, record_id=record_id, user_id=user_id, reason=reason)
    except DomainError as error:
        add_message(request, error)
        return redirect("backoffice:training-person", user_id=user_id)
    messages.success(request, _("The training record is deleted."))
    return redirect("backoffice:training-person", user_id=user_id)


def _correct_page(
    request: StaffRequest,
    user_id: int,
    entry: TrainingRecord,
    form: TrainingRecordForm,
    status: int = 200,
) -> HttpResponse:
    context = {"entry": entry, "form": form, "user_id": user_id, "has_errors": bool(form.errors)}
    return render(request, "backoffice/training/correct.html", context, status=status)


def _entry(user_id: int, record_id: int) -> TrainingRecord:
    try:
        return training_record(user_id=user_id, record_id=record_id)
    except NotFound as missing:
        raise Http404(missing.message) from missing


@require_http_methods(["GET", "POST"])
@roles_required(*TRAINING_KEEPERS)
def correct(request: StaffRequest, user_id: int, record_id: int) -> HttpResponse:
    """Correct a record; the audit trail keeps what it said before (6.4)."""
    entry = _entry(user_id, record_id)
    if request.method != "POST":
        initial = {
            "course": entry.course_id,
            "hours": entry.hours,
            "completed_on": entry.completed_on,
            "expires_on": entry.expires_on,
            "note": entry.note,
        }
        form = TrainingRecordForm(courses=course_choices(entry.course_id), initial=initial)
        return _correct_page(request, user_id, entry, form)
    form = TrainingRecordForm(request.POST, courses=course_choices(entry.course_id))
    if not form.is_valid():
        return _correct_page(request, user_id, entry, form, status=400)
    try:
        correct_training(
            actor=request.actor, record_id=record_id, data=form.training_input(user_id)
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise Http404(error.message) from None
        add_form_errors(form, error)
        return _correct_page(request, user_id, entry, form, status=http_status_for(error))
    messages.success(request, _("The training record is corrected."))
    return redirect("backoffice:training-person", user_id=user_id)
