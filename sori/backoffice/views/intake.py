"""Recording a complaint received by phone, letter, in person or email (ISO 10002 7.2, 7.4).

The handler types what the complainant said; ``submit_complaint`` records and acknowledges it.
The reference and access code are then shown once, for the handler to tell the complainant,
and forgotten by the server.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.forms.intake import IntakeForm
from sori.complaints.attachments import IncomingFile
from sori.complaints.policies import HANDLING_ROLES
from sori.complaints.services.intake import submit_complaint
from sori.complaints.workspace_selectors import category_choices
from sori.core.errors import DomainError

RECEIPT_KEY = "sori.backoffice.intake_receipt"


def _render(request: StaffRequest, form: IntakeForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "backoffice/intake/new.html",
        {"form": form, "has_errors": bool(form.errors)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@roles_required(*HANDLING_ROLES)
def new(request: StaffRequest) -> HttpResponse:
    categories = category_choices(viewer=request.actor)
    if request.method != "POST":
        return _render(request, IntakeForm(categories=categories))
    form = IntakeForm(request.POST, request.FILES, categories=categories)
    if not form.is_valid():
        return _render(request, form, status=400)
    uploads = form.cleaned_data.get("attachments") or []
    try:
        receipt = submit_complaint(
            actor=request.actor,
            data=form.complaint_input(),
            attachments=[IncomingFile(f.name or "file", f.size or 0, f) for f in uploads],
        )
    except DomainError as error:
        form.add_domain_error(error.params.get("field"), error.message)
        return _render(request, form, status=error.status)
    request.session[RECEIPT_KEY] = {
        "reference": receipt.reference,
        "access_code": receipt.access_code,
        "channel": form.cleaned_data["channel"],
    }
    return redirect("backoffice:intake_done")


@require_GET
@roles_required(*HANDLING_ROLES)
def done(request: StaffRequest) -> HttpResponse:
    # ISO 10002 7.4: the access code is shown this once; the server keeps only its hash.
    receipt: dict[str, Any] | None = request.session.pop(RECEIPT_KEY, None)
    context: dict[str, Any] = {"receipt": receipt}
    if receipt:
        context["workspace_url"] = reverse(
            "backoffice:complaint", kwargs={"reference": receipt["reference"]}
        )
    else:
        context["gone"] = _(
            "The reference and access code were shown once and are not shown again: Sori keeps "
            "only a fingerprint of the access code."
        )
    response = render(request, "backoffice/intake/done.html", context)
    # The code must not linger in a shared computer's cache or history.
    response["Cache-Control"] = "no-store"
    return response
