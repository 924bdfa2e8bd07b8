"""Public pages: how to complain, the complaint form and its confirmation (ISO 10002 7.1, 7.2, 7.4).

Views are thin: a form checks the shape, one service call does the work, a template renders.
A refusal from the service (``DomainError``) is shown on the field it names, in the page's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint
from sori.core import ratelimit
from sori.core.actors import PUBLIC, complainant_actor
from sori.core.errors import DomainError
from sori.messaging.rendering import deadline_date
from sori.portal import uploads
from sori.portal.forms import ComplaintForm
from sori.portal.information import public_information, public_policy
from sori.sla.selectors import expected_by

RECEIPT_KEY = "sori.portal.receipt"


def home(request: HttpRequest) -> HttpResponse:
    info = public_information()
    # ISO 10002 5.2: the policy in force is published on the how-to-complain page.
    context = {"organisation": info.organisation, "info": info, "policy": public_policy()}
    return render(request, "portal/home.html", context)


def policy(request: HttpRequest) -> HttpResponse:
    """The full text of the complaints-handling policy in force (ISO 10002 5.2)."""
    info = public_information()
    current = public_policy()
    context = {"organisation": info.organisation, "info": info, "policy": current}
    return render(request, "portal/policy.html", context, status=200 if current else 404)


def _complaint_input(form: ComplaintForm) -> ComplaintInput:
    data: dict[str, Any] = form.cleaned_data
    texts = {
        name: data.get(name) or ""
        for name in (
            "desired_remedy",
            "occurred_place",
            "product_or_service",
            "order_reference",
            "on_behalf_of",
            "representative_relationship",
            "assistance_needs",
        )
    }
    person = None
    if not data.get("anonymous"):
        person = ComplainantInput(
            name=data.get("name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            postal_address=data.get("postal_address") or "",
            preferred_contact=data.get("preferred_contact") or "email",
            preferred_language=data.get("preferred_language") or None,
        )
    return ComplaintInput(
        description=data["description"],
        channel="web",
        language="en" if get_language() == "en" else "ko",
        occurred_on=data.get("occurred_on"),
        complainant=person,
        **texts,
    )


def _render_form(request: HttpRequest, form: ComplaintForm, *, status: int = 200) -> HttpResponse:
    info = public_information()
    # Browsers cannot refill a file input: say plainly which files to choose again.
    lost_files = [f.name for f in request.FILES.getlist("attachments")] if form.is_bound else []
    context = {
        "form": form,
        "info": info,
        "organisation": info.organisation,
        "lost_files": lost_files,
        "has_errors": bool(form.errors),
    }
    return render(request, "portal/new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(request, ComplaintForm())
    form = ComplaintForm(request.POST, request.FILES)
    verdict = ratelimit.hit("submission", "SORI_SUBMISSION_RATE", ratelimit.client_ip(request))
    if not verdict.allowed:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many complaints were sent from your connection. Please wait %(seconds)d "
                "seconds and send it again; what you typed is kept."
            )
            % {"seconds": verdict.retry_after},
        )
        response = _render_form(request, form, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_bot:
        # Pretend success to whatever filled the hidden field; nothing is stored.
        request.session[RECEIPT_KEY] = {"honeypot": True}
        return redirect("portal:confirmation")
    if not form.is_valid():
        return _render_form(request, form, status=400)
    try:
        receipt = submit_complaint(
            actor=PUBLIC,
            data=_complaint_input(form),
            attachments=uploads.incoming(form.cleaned_data.get("attachments") or []),
        )
    except DomainError as error:
        form.add_domain_error(error.params.get("field"), error.message)
        return _render_form(request, form, status=error.status)
    email = "" if form.cleaned_data.get("anonymous") else form.cleaned_data.get("email") or ""
    request.session[RECEIPT_KEY] = {
        "reference": receipt.reference,
        "access_code": receipt.access_code,
        "received_at": receipt.received_at,
        "email_given": bool(email),
        # ISO 10002 7.3, 7.4: the decision date the SLA policy sets, as told in the receipt.
        "expected_by": _deadline_day(
            expected_by(viewer=complainant_actor(receipt.reference), reference=receipt.reference)
        ),
    }
    return redirect("portal:confirmation")


def _deadline_day(due: dt.datetime | None) -> str | None:
    return deadline_date(due).isoformat() if due is not None else None


def confirmation(request: HttpRequest) -> HttpResponse:
    # ISO 10002 7.4: the reference and access code are shown once, then forgotten by the server.
    receipt = request.session.pop(RECEIPT_KEY, None)
    info = public_information()
    context: dict[str, Any] = {"info": info, "organisation": info.organisation, "receipt": receipt}
    if receipt and receipt.get("expected_by"):
        context["expected_by"] = dt.date.fromisoformat(receipt["expected_by"])
        context["expected_from_policy"] = True
    elif receipt and receipt.get("received_at"):
        # No SLA clock runs (no policy in use): the organisation's published target.
        context["expected_by"] = info.expected_by(dt.datetime.fromisoformat(receipt["received_at"]))
    response = render(request, "portal/confirmation.html", context)
    # The code must not linger in a shared computer's cache or history.
    response["Cache-Control"] = "no-store"
    return response
