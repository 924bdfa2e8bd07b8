"""Roles and responsibilities (ISO 10002 5.3 responsibility and authority; 2018: 5.4).

Every staff member reads who holds each duty, the RACI table and the duties nobody holds; top
management and administrators appoint the complaints-management representative and deputies
and end appointments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.roles import AppointForm, EndAppointmentForm
from sori.core.errors import DomainError
from sori.governance.access import APPOINTERS, ROLE_MATRIX_READERS
from sori.governance.roles import appointable_staff, can_appoint, role_matrix
from sori.governance.services.appointments import appoint as appoint_service
from sori.governance.services.appointments import end_appointment


def _page(
    request: StaffRequest, appoint_form: AppointForm | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "matrix": role_matrix(viewer=request.actor),
        "may_appoint": can_appoint(request.actor),
    }
    if context["may_appoint"]:
        context["appoint_form"] = appoint_form or AppointForm(staff=appointable_staff())
        context["end_form"] = EndAppointmentForm()
    context["has_errors"] = bool(appoint_form is not None and appoint_form.errors)
    return render(request, "backoffice/roles/page.html", context, status=status)


@require_GET
@roles_required(*ROLE_MATRIX_READERS)
def roles(request: StaffRequest) -> HttpResponse:
    """Holders, the RACI table and the empty duties."""
    return _page(request)


@require_POST
@roles_required(*APPOINTERS)
def appoint(request: StaffRequest) -> HttpResponse:
    """Appoint the representative or a deputy (5.3; 2018: 5.4)."""
    form = AppointForm(request.POST, staff=appointable_staff())
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        appoint_service(
            actor=request.actor,
            duty=data["duty"],
            user_id=data["user"],
            starts_on=data["starts_on"],
            note=data["note"],
        )
    except DomainError as error:
        add_form_errors(form, error)
        return _page(request, form, status=http_status_for(error))
    messages.success(request, _("The appointment is recorded."))
    return redirect("backoffice:roles")


@require_POST
@roles_required(*APPOINTERS)
def end(request: StaffRequest, appointment_id: int) -> HttpResponse:
    """End an appointment; it stays as history."""
    form = EndAppointmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the last day as a date like 2026-12-31."))
        return redirect("backoffice:roles")
    try:
        end_appointment(
            actor=request.actor,
            appointment_id=appointment_id,
            ended_on=form.cleaned_data["ended_on"],
        )
    except DomainError as error:
        add_message(request, error)
        return redirect("backoffice:roles")
    messages.success(request, _("The appointment is ended."))
    return redirect("backoffice:roles")
