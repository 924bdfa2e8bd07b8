"""The status page: follow a complaint and answer it (ISO 10002 7.3, 7.6, 7.8, 7.9, 8.3).

The complainant proves access once — reference and access code, or a signed link from an email —
and the verified reference is kept in their session, never in an address. Every answer goes
through the same services as the API, acting as ``complainant_actor(reference)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sori.complaints import links, selectors
from sori.complaints.models import Complaint
from sori.complaints.services.replies import reply_to_request
from sori.complaints.services.survey import answer_survey, opt_out_of_survey
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Reaction, Status
from sori.core import ratelimit
from sori.core.actors import complainant_actor
from sori.core.errors import DomainError, NotFound
from sori.messaging.rendering import deadline_date, format_date
from sori.portal import uploads
from sori.portal.forms import LookupForm, NoteForm, ReplyForm, SurveyForm
from sori.portal.information import public_information
from sori.portal.timeline import public_label
from sori.sla.selectors import expected_dates

STATUS_KEY = "sori.portal.status_reference"


def _lookup_page(
    request: HttpRequest, form: LookupForm, *, status: int = 200, problem: str = ""
) -> HttpResponse:
    info = public_information()
    context = {
        "form": form,
        "info": info,
        "organisation": info.organisation,
        "has_errors": bool(form.errors or problem),
        "problem": problem,
    }
    response = render(request, "portal/lookup.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _enter(request: HttpRequest, reference: str) -> HttpResponse:
    # A new session key once access is proven, so a planted session id gains nothing.
    request.session.cycle_key()
    request.session[STATUS_KEY] = reference
    return redirect("portal:status")


def _lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST)
    client = ratelimit.client_ip(request)
    verdict = ratelimit.hit("lookup", "SORI_LOOKUP_RATE", client)
    if not verdict.allowed:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many look-ups from your connection. Please wait %(seconds)d "
                "seconds and try again."
            )
            % {"seconds": verdict.retry_after},
        )
        return _lookup_page(request, form, status=429)
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    reference = form.cleaned_data["reference"]
    try:
        selectors.complainant_viewer(
            reference=reference, access_code=form.cleaned_data["access_code"], client=client
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _lookup_page(request, form, status=error.status)
    return _enter(request, reference)


def status_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link in the emails: it proves the reference without the access code (7.3)."""
    reference = links.reference_for_token(token)
    if reference is None:
        problem = _(
            "This link is not valid any more. Enter your reference and access code instead."
        )
        return _lookup_page(request, LookupForm(), status=400, problem=problem)
    return _enter(request, reference)


@dataclass(frozen=True)
class ExpectedRow:
    """One expected date as the status page shows it (ISO 10002 7.3)."""

    label: str
    date: str  # in the reader's language; empty while we wait for their information
    iso: str
    waiting: bool
    extended: bool
    reason: str


def _expected(complaint: Complaint) -> list[ExpectedRow]:
    language = get_language() or "ko"
    rows = []
    for item in expected_dates(complaint=complaint):
        day = deadline_date(item.due_at) if item.due_at is not None else None
        label = (
            _("Review decision expected by")
            if item.stage == "internal_review"
            else _("Decision expected by")
        )
        rows.append(
            ExpectedRow(
                label=label,
                date=format_date(day, language) if day else "",
                iso=day.isoformat() if day else "",
                waiting=item.waiting_for_you,
                extended=item.extended,
                reason=item.extension_reason,
            )
        )
    return rows


def _render_status(
    request: HttpRequest, reference: str, *, status: int = 200, **forms: Any
) -> HttpResponse:
    viewer = complainant_actor(reference)
    detail = selectors.complaint_detail(viewer=viewer, reference=reference)
    info = public_information()
    events = {option.event: option for option in detail.available_events}

    def can(event: Event) -> bool:
        option = events.get(event.value)
        return option is not None and option.allowed

    decision = detail.decision
    rejected = decision is not None and decision.reaction == Reaction.REJECTED
    survey = selectors.survey_state(viewer, reference) if detail.status == Status.CLOSED else None
    context = {
        "info": info,
        "organisation": info.organisation,
        "complaint": detail,
        "timeline": [(item, public_label(item)) for item in detail.timeline],
        "requests": [item for item in detail.timeline if item.event == Event.REQUEST_INFORMATION],
        # ISO 10002 7.3: the dates the SLA clocks promise; without a policy, the public target.
        "expected": _expected(selectors.complaint_for(viewer=viewer, reference=reference)),
        "expected_by": info.expected_by(detail.received_at),
        "open": detail.status not in (Status.CLOSED, Status.WITHDRAWN, Status.MERGED),
        "can_reply": can(Event.RECEIVE_INFORMATION),
        "can_accept": can(Event.ACCEPT),
        "can_reject": can(Event.REJECT),
        "can_review": can(Event.ESCALATE),
        "can_withdraw": can(Event.WITHDRAW),
        "rejected": rejected,
        # ISO 10002 7.9: after a rejection the complainant is shown the remaining routes.
        "show_recourse": rejected
        or detail.status == Status.ESCALATED
        or (decision is not None and decision.external_routes_given),
        "survey": survey,
        "attachments": selectors.attachments_for(viewer, reference),
        "reply_form": forms.get("reply_form") or ReplyForm(initial={"version": detail.version}),
        "reject_form": forms.get("reject_form") or NoteForm(initial={"version": detail.version}),
        "survey_form": forms.get("survey_form") or SurveyForm(),
        "confirm_withdraw": forms.get("confirm_withdraw", False),
        "has_errors": any(
            isinstance(form, NoteForm | SurveyForm) and form.errors for form in forms.values()
        ),
        "error": forms.get("error"),
    }
    response = render(request, "portal/status.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _fire(request: HttpRequest, reference: str, event: Event, note: str = "") -> None:
    transition_complaint(
        actor=complainant_actor(reference),
        reference=reference,
        event=event,
        data=EventData(note=note),
        expected_version=_version(request),
    )


def _accept(request: HttpRequest, reference: str) -> HttpResponse:
    _fire(request, reference, Event.ACCEPT)
    messages.success(request, _("Thank you: you accepted the decision."))
    return redirect("portal:status")


def _reject(request: HttpRequest, reference: str) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_status(request, reference, status=400, reject_form=form)
    _fire(request, reference, Event.REJECT, form.cleaned_data["note"])
    messages.success(request, _("We have recorded that you do not accept the decision."))
    return redirect("portal:status")


def _review(request: HttpRequest, reference: str) -> HttpResponse:
    _fire(request, reference, Event.ESCALATE)
    messages.success(
        request,
        _(
            "You asked for an internal review. Someone who was not involved "
            "will look at your complaint again."
        ),
    )
    return redirect("portal:status")


def _withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        return _render_status(request, reference, confirm_withdraw=True)
    _fire(request, reference, Event.WITHDRAW)
    messages.success(request, _("Your complaint is withdrawn. You can make a new one at any time."))
    return redirect("portal:status")


def _reply(request: HttpRequest, reference: str) -> HttpResponse:
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_status(request, reference, status=400, reply_form=form)
    try:
        reply_to_request(
            actor=complainant_actor(reference),
            reference=reference,
            note=form.cleaned_data["note"],
            attachments=uploads.incoming(form.cleaned_data.get("attachments") or []),
        )
    except DomainError as error:
        field = error.params.get("field")
        form.add_error(field if field in form.fields else None, error.message)
        return _render_status(request, reference, status=error.status, reply_form=form)
    messages.success(request, _("Thank you: we have received your answer."))
    return redirect("portal:status")


def _survey(request: HttpRequest, reference: str) -> HttpResponse:
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return _render_status(request, reference, status=400, survey_form=form)
    answer_survey(actor=complainant_actor(reference), reference=reference, **form.cleaned_data)
    messages.success(request, _("Thank you for answering the survey."))
    return redirect("portal:status")


def _survey_opt_out(request: HttpRequest, reference: str) -> HttpResponse:
    opt_out_of_survey(actor=complainant_actor(reference), reference=reference)
    messages.success(request, _("We will not ask you about this complaint again."))
    return redirect("portal:status")


def _leave(request: HttpRequest, reference: str) -> HttpResponse:
    request.session.pop(STATUS_KEY, None)
    return redirect("portal:status")


ACTIONS: dict[str, Callable[[HttpRequest, str], HttpResponse]] = {
    "accept": _accept,
    "reject": _reject,
    "review": _review,
    "withdraw": _withdraw,
    "reply": _reply,
    "survey": _survey,
    "survey_opt_out": _survey_opt_out,
    "leave": _leave,
}


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(STATUS_KEY)
    action = request.POST.get("action", "lookup") if request.method == "POST" else None
    if action == "lookup":
        return _lookup(request)
    if reference is None:
        if action is not None:
            messages.info(request, _("Please enter your reference and access code again."))
            return redirect("portal:status")
        return _lookup_page(request, LookupForm())
    try:
        if action is None:
            return _render_status(request, reference)
        handler = ACTIONS.get(action)
        if handler is None:
            return redirect("portal:status")
        return handler(request, reference)
    except NotFound:
        request.session.pop(STATUS_KEY, None)
        return redirect("portal:status")
    except DomainError as error:
        # A refusal (the decision changed meanwhile, a step no longer possible): say why.
        return _render_status(request, reference, status=error.status, error=error.message)


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of the complainant's own complaint, served only after access was proven (4.10)."""
    reference = request.session.get(STATUS_KEY)
    if reference is None:
        raise Http404()
    try:
        name, content_type, file = selectors.attachment_file(
            complainant_actor(reference), reference, pk
        )
    except NotFound:
        raise Http404() from None
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
