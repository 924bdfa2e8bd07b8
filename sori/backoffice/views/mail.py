"""The outbox's failing messages (with Retry) and the inbound mail log.

The complaints manager and the administrator see and retry failing mail; the auditor reads
both pages and changes nothing (ISO 10002 7.4: no complainant is left untold because mail
failed; 7.2: every received email is accounted for).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.errors import add_message
from sori.core.errors import DomainError
from sori.messaging.models import Classification
from sori.messaging.rules import READERS, RETRIERS
from sori.messaging.selectors import failed_messages, recent_inbound
from sori.messaging.services import retry_message


def complaint_url(reference: str | None) -> str | None:
    """The complaint's workspace in the back office (``/staff/complaints/<reference>/``)."""
    if not reference:
        return None
    return f"{reverse('backoffice:home')}complaints/{reference}/"


@require_GET
@roles_required(*READERS)
def outbox(request: StaffRequest) -> HttpResponse:
    rows = failed_messages(request.actor)
    return render(
        request,
        "backoffice/mail/outbox.html",
        {"rows": [(row, complaint_url(row.reference)) for row in rows]},
    )


@require_POST
@roles_required(*RETRIERS)
def retry(request: StaffRequest, message_id: int) -> HttpResponse:
    try:
        message = retry_message(actor=request.actor, message_id=message_id)
    except DomainError as error:
        add_message(request, error)
    else:
        messages.success(
            request,
            _("Message %(id)d is being sent again. It leaves this list once the server takes it.")
            % {"id": message.pk},
        )
    return HttpResponseRedirect(reverse("backoffice:outbox"))


class InboundFilterForm(forms.Form):
    classification = forms.ChoiceField(
        label=gettext_lazy("Classification"),
        required=False,
        choices=[("", gettext_lazy("All"))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["classification"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *Classification.choices]


@require_GET
@roles_required(*READERS)
def inbound_mail(request: StaffRequest) -> HttpResponse:
    form = InboundFilterForm(request.GET if "classification" in request.GET else None)
    classification = None
    if form.is_bound and form.is_valid():
        classification = form.cleaned_data["classification"] or None
    rows = recent_inbound(request.actor, classification=classification)
    return render(
        request,
        "backoffice/mail/inbound.html",
        {
            "form": form,
            "rows": [(row, complaint_url(row.reference)) for row in rows],
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
