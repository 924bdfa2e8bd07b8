"""The response stage's pages: propose a response with remedies, approve it, communicate the
decision letter, record the complainant's answer, start the internal review, refer to an external
body and record its outcome (ISO 10002 7.7, 7.8, 7.9, 4.7, 4.12; ISO 10003).

Each page is a plain form that works without JavaScript: GET draws it, POST calls one service and
goes back to the complaint's workspace with a message; a refusal re-renders the form with what was
typed. ``workspace_panel`` gives the workspace a summary of this stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sori.backoffice.auth import StaffRequest, forbidden, staff_required
from sori.backoffice.context import optional_url
from sori.backoffice.errors import add_form_errors, domain_error_message, http_status_for
from sori.backoffice.forms.response import (
    ApproveForm,
    DeclineForm,
    LetterForm,
    ProposeResponseForm,
    ReactionForm,
    ReferralForm,
    ReferralOutcomeForm,
    RemedyFormSet,
    StartReviewForm,
    TemplateChoiceForm,
)
from sori.complaints import response_selectors
from sori.complaints.response_selectors import ResponseSummary, StepState
from sori.complaints.services import letters, referrals, response
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core.errors import Conflict, DomainError, NotFound

REMEDY_PREFIX = "remedies"
TEMPLATE = "backoffice/response/{}.html"


# ---------------------------------------------------------------- shared plumbing


def workspace_url(reference: str) -> str:
    """The complaint's workspace; this stage's own overview while the workspace is not there."""
    return optional_url("backoffice:complaint", reference) or reverse(
        "backoffice:response", args=[reference]
    )


def _summary(request: StaffRequest, reference: str) -> ResponseSummary:
    try:
        return response_selectors.response_summary(viewer=request.actor, reference=reference)
    except NotFound as error:
        # ISO 10002 4.10: a complaint outside the person's scope looks like one that does not exist.
        raise Http404(str(error)) from None


def _refused_role(request: StaffRequest, step: StepState) -> HttpResponse | None:
    if step.may:
        return None
    return forbidden(request, _("Your role does not let you take this step on this complaint."))


def _page_links(summary: ResponseSummary) -> dict[str, str]:
    reference = summary.reference
    names = {
        "propose": "backoffice:propose_response",
        "approve": "backoffice:approve",
        "communicate": "backoffice:communicate_decision",
        "reaction": "backoffice:record_reaction",
        "start_review": "backoffice:start_review",
        "refer": "backoffice:refer_externally",
        "referral_outcome": "backoffice:referral_outcome",
    }
    return {step: reverse(name, args=[reference]) for step, name in names.items()}


STEP_LABELS = {
    "propose": gettext_lazy("Propose a response"),
    "approve": gettext_lazy("Approve the response"),
    "communicate": gettext_lazy("Communicate the decision"),
    "reaction": gettext_lazy("Record the complainant's answer"),
    "start_review": gettext_lazy("Start the internal review"),
    "refer": gettext_lazy("Record an external referral"),
    "referral_outcome": gettext_lazy("Record the external body's outcome"),
}


def _context(
    request: StaffRequest, summary: ResponseSummary, step_name: str, **extra: Any
) -> dict[str, Any]:
    step = summary.steps[step_name]
    has_errors = any(
        (isinstance(value, forms.BaseForm) and bool(value.errors))
        or (isinstance(value, forms.BaseFormSet) and value.is_bound and value.total_error_count())
        for value in extra.values()
    )
    return {
        "summary": summary,
        "step": step,
        "step_label": _step_label(step_name),
        "workspace_url": workspace_url(summary.reference),
        "links": _page_links(summary),
        "has_errors": has_errors,
        **extra,
    }


def _step_label(name: str) -> str:
    return str(STEP_LABELS[name])


def _with_version(data: QueryDict, version: int) -> QueryDict:
    """The typed data with the complaint's current version, after a conflict was shown."""
    fresh = data.copy()
    for key in list(fresh):
        if key.endswith("expected_version"):
            fresh[key] = str(version)
    return fresh


def _done(request: StaffRequest, reference: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(workspace_url(reference))


def _show_error(
    request: StaffRequest,
    reference: str,
    form: forms.BaseForm,
    error: DomainError,
    fields: dict[str, str] | None = None,
) -> int:
    """Put the refusal on the form, which keeps what was typed; returns the page's status."""
    if isinstance(error, Conflict):
        # Show the refusal, and let a second, deliberate submit go through on the new version.
        form.data = _with_version(form.data, _current_version(request, reference))  # type: ignore[arg-type]
    listed = error.params.get("messages")
    if isinstance(listed, list) and listed:
        # The letter check names every missing element, each on its own line.
        for message in listed:
            form.add_error(None, str(message))
    else:
        add_form_errors(form, error, fields)
    return http_status_for(error)


def _current_version(request: StaffRequest, reference: str) -> int:
    return _summary(request, reference).version


def _post_service(
    request: StaffRequest,
    reference: str,
    form: forms.BaseForm,
    call: Callable[[], object],
    fields: dict[str, str] | None = None,
) -> tuple[bool, int]:
    """Call the service; (succeeded, status of the page to re-render)."""
    try:
        call()
    except DomainError as error:
        return False, _show_error(request, reference, form, error, fields)
    return True, 200


# ---------------------------------------------------------------- overview and workspace panel


@staff_required
@require_GET
def overview(request: StaffRequest, reference: str) -> HttpResponse:
    """The response stage of one complaint: its response, letters, referrals and next steps."""
    summary = _summary(request, reference)
    context = {
        **_panel_context(summary),
        "summary": summary,
        "workspace_url": optional_url("backoffice:complaint", reference),
        "on_overview": True,
    }
    return render(request, TEMPLATE.format("overview"), context)


def _panel_context(summary: ResponseSummary) -> dict[str, Any]:
    links = _page_links(summary)
    actions = [
        {"url": links[step.name], "label": _step_label(step.name), "blocker": step.blocker}
        for step in summary.open_steps
    ]
    return {"summary": summary, "actions": actions}


def workspace_panel(request: HttpRequest, complaint_view: Any) -> dict[str, Any] | None:
    """The workspace's summary of the response stage, or None when there is nothing to show
    (no response yet and no step of this stage open to the viewer)."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return None
    try:
        summary = response_selectors.response_summary(
            viewer=actor, reference=complaint_view.reference
        )
    except NotFound:
        return None
    context = _panel_context(summary)
    if not (summary.has_response or summary.letters or summary.referrals or context["actions"]):
        return None
    return {"template": TEMPLATE.format("_panel"), **context}


# ---------------------------------------------------------------- 7.7 propose a response


def _remedies_from(formset: forms.BaseFormSet) -> list[response.RemedyInput]:
    return [
        response.RemedyInput(
            kind=form.cleaned_data["kind"],
            amount=form.cleaned_data.get("amount"),
            description=form.cleaned_data.get("description", ""),
        )
        for form in formset.forms
        if form.cleaned_data.get("kind")
    ]


def _one_more_row(data: QueryDict) -> QueryDict:
    more = data.copy()
    key = f"{REMEDY_PREFIX}-TOTAL_FORMS"
    try:
        total = int(more.get(key, "1"))
    except ValueError:
        total = 1
    more[key] = str(min(total + 1, response.MAX_REMEDIES))
    return more


@staff_required
@require_http_methods(["GET", "POST"])
def propose_response(request: StaffRequest, reference: str) -> HttpResponse:
    summary = _summary(request, reference)
    step = summary.steps["propose"]
    refused = _refused_role(request, step)
    if refused is not None:
        return refused
    status = 200
    if request.method == "POST":
        data = request.POST
        if "add_remedy" in data:
            # Without JavaScript: the same page again, with everything typed and one more row.
            more = _one_more_row(data)
            form = ProposeResponseForm(more)
            formset = RemedyFormSet(more, prefix=REMEDY_PREFIX)
            return _render_propose(request, summary, form, formset, status=200, fresh=True)
        form = ProposeResponseForm(data)
        formset = RemedyFormSet(data, prefix=REMEDY_PREFIX)
        if form.is_valid() and formset.is_valid():
            try:
                response.propose_response(
                    actor=request.actor,
                    reference=reference,
                    outcome=form.cleaned_data["outcome"],
                    reasons=form.cleaned_data["reasons"],
                    remedies=_remedies_from(formset),
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except DomainError as error:
                status = _remedy_error(request, form, formset, error, reference)
            else:
                complaint = _summary(request, reference)
                message = _("The response was proposed.")
                if complaint.approval_required:
                    message += " " + _(
                        "Its remedies are above your authority limit: the approvers were asked "
                        "to approve it before the decision is communicated."
                    )
                return _done(request, reference, message)
        else:
            status = 400
    else:
        form = ProposeResponseForm(initial={"expected_version": summary.version})
        formset = RemedyFormSet(prefix=REMEDY_PREFIX, initial=[{}, {}])
    return _render_propose(request, summary, form, formset, status=status)


def _remedy_error(
    request: StaffRequest,
    form: forms.Form,
    formset: forms.BaseFormSet,
    error: DomainError,
    reference: str,
) -> int:
    index = error.params.get("index")
    if isinstance(index, int):
        rows = [f for f in formset.forms if f.cleaned_data.get("kind")]
        if 0 <= index < len(rows):
            field = str(error.params.get("field", ""))
            rows[index].add_error(
                field if field in rows[index].fields else None, domain_error_message(error)
            )
            return http_status_for(error)
    return _show_error(
        request, reference, form, error, {"remedy_type": "outcome", "remedy_amount": "outcome"}
    )


def _render_propose(
    request: StaffRequest,
    summary: ResponseSummary,
    form: forms.Form,
    formset: forms.BaseFormSet,
    *,
    status: int,
    fresh: bool = False,
) -> HttpResponse:
    if fresh:
        # A page re-drawn with one more row is not a refusal: what was typed, no messages yet.
        for one in (form, *formset.forms):
            one._errors = ErrorDict()
        formset._errors = [row._errors for row in formset.forms]  # type: ignore[attr-defined]
        formset._non_form_errors = formset.error_class()  # type: ignore[attr-defined]
    context = _context(
        request,
        summary,
        "propose",
        form=form,
        formset=formset,
        max_remedies=response.MAX_REMEDIES,
    )
    return render(request, TEMPLATE.format("propose"), context, status=status)


# ---------------------------------------------------------------- 4.12 approve


@staff_required
@require_http_methods(["GET", "POST"])
def approve(request: StaffRequest, reference: str) -> HttpResponse:
    summary = _summary(request, reference)
    step = summary.steps["approve"]
    refused = _refused_role(request, step)
    if refused is not None:
        return refused
    initial = {"expected_version": summary.version}
    approve_form = ApproveForm(prefix="approve", initial=initial)
    decline_form = DeclineForm(prefix="decline", initial=initial)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "decline":
            decline_form = DeclineForm(request.POST, prefix="decline")
            if decline_form.is_valid():
                declined = decline_form.cleaned_data
                ok, status = _post_service(
                    request,
                    reference,
                    decline_form,
                    lambda: response.decline_approval(
                        actor=request.actor,
                        reference=reference,
                        reason=declined["reason"],
                        expected_version=declined["expected_version"],
                    ),
                )
                if ok:
                    return _done(
                        request,
                        reference,
                        _("The response was not approved; the proposer has been told why."),
                    )
            else:
                status = 400
        else:
            approve_form = ApproveForm(request.POST, prefix="approve")
            if approve_form.is_valid():
                approved = approve_form.cleaned_data
                ok, status = _post_service(
                    request,
                    reference,
                    approve_form,
                    lambda: response.approve_response(
                        actor=request.actor,
                        reference=reference,
                        note=approved["note"],
                        expected_version=approved["expected_version"],
                    ),
                )
                if ok:
                    return _done(
                        request,
                        reference,
                        _("The response was approved. The decision can now be communicated."),
                    )
            else:
                status = 400
    context = _context(
        request, summary, "approve", approve_form=approve_form, decline_form=decline_form
    )
    return render(request, TEMPLATE.format("approve"), context, status=status)


# ---------------------------------------------------------------- 7.8 communicate the decision


def _template_choices(request: StaffRequest, reference: str) -> list[tuple[int, str]]:
    templates = response_selectors.letter_templates(viewer=request.actor, reference=reference)
    return [(t.id, f"{t.name} ({t.language})") for t in templates]


@staff_required
@require_http_methods(["GET", "POST"])
def communicate_decision(request: StaffRequest, reference: str) -> HttpResponse:
    summary = _summary(request, reference)
    step = summary.steps["communicate"]
    refused = _refused_role(request, step)
    if refused is not None:
        return refused
    templates = _template_choices(request, reference)
    kwargs = {"templates": templates}
    status = 200
    if request.method == "POST":
        form = LetterForm(request.POST, **kwargs)
        if form.is_valid():
            letter = form.cleaned_data
            ok, status = _post_service(
                request,
                reference,
                form,
                lambda: letters.communicate_decision(
                    actor=request.actor,
                    reference=reference,
                    template_id=letter.get("template"),
                    subject=letter["subject"],
                    body=letter["body"],
                    method=letter["method"],
                    sent_on=letter.get("sent_on"),
                    expected_version=letter["expected_version"],
                ),
                fields={"template": "template"},
            )
            if ok:
                method = letter["method"]
                return _done(
                    request,
                    reference,
                    _("The decision letter was queued for sending by email.")
                    if method == "email"
                    else _("The decision was recorded as communicated."),
                )
        else:
            status = 400
        chooser = TemplateChoiceForm(
            initial={"template": form.data.get("template")}, templates=templates
        )
    else:
        chooser = TemplateChoiceForm(request.GET or None, templates=templates)
        template_id = None
        if chooser.is_bound and chooser.is_valid():
            template_id = chooser.cleaned_data["template"]
        try:
            draft = response_selectors.letter_draft(
                viewer=request.actor, reference=reference, template_id=template_id
            )
        except NotFound as error:
            raise Http404(str(error)) from None
        if not chooser.is_bound:
            chooser = TemplateChoiceForm(
                initial={"template": draft.template_id}, templates=templates
            )
        form = LetterForm(
            initial={
                "expected_version": summary.version,
                "template": draft.template_id,
                "subject": draft.subject,
                "body": draft.body,
                "method": "email",
            },
            **kwargs,
        )
    context = _context(
        request,
        summary,
        "communicate",
        form=form,
        chooser=chooser,
        has_templates=bool(templates),
    )
    return render(request, TEMPLATE.format("communicate"), context, status=status)


# ---------------------------------------------------------------- one form, one service


def _form_page(
    request: StaffRequest,
    reference: str,
    step_name: str,
    *,
    make_form: Callable[[QueryDict | None, dict[str, Any]], forms.Form],
    call: Callable[[dict[str, Any]], object],
    done: Callable[[dict[str, Any]], str],
    initial: dict[str, Any] | None = None,
    fields: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page of one form whose POST calls one service (``call``) and goes back to the workspace
    with the message ``done`` gives; a refusal re-renders the form as it was typed."""
    summary = _summary(request, reference)
    step = summary.steps[step_name]
    refused = _refused_role(request, step)
    if refused is not None:
        return refused
    status = 200
    if request.method == "POST":
        form = make_form(request.POST, {})
        if form.is_valid():
            data = form.cleaned_data
            ok, status = _post_service(request, reference, form, lambda: call(data), fields)
            if ok:
                return _done(request, reference, done(data))
        else:
            status = 400
    else:
        form = make_form(None, {"expected_version": summary.version, **(initial or {})})
    context = _context(request, summary, step_name, form=form, **(extra or {}))
    return render(request, TEMPLATE.format(step_name), context, status=status)


# ---------------------------------------------------------------- 7.9 the complainant's answer


@staff_required
@require_http_methods(["GET", "POST"])
def record_reaction(request: StaffRequest, reference: str) -> HttpResponse:
    def done(data: dict[str, Any]) -> str:
        if data["reaction"] == "accepted":
            return _("The complainant's acceptance was recorded.")
        return _(
            "The complainant's rejection was recorded. Offer the internal review, or the "
            "external routes if it has been held."
        )

    return _form_page(
        request,
        reference,
        "reaction",
        make_form=lambda data, initial: ReactionForm(data, initial=initial),
        call=lambda data: response.record_reaction(
            actor=request.actor,
            reference=reference,
            reaction=data["reaction"],
            received_via=data["received_via"],
            comment=data["comment"],
            expected_version=data["expected_version"],
        ),
        done=done,
        fields={"note": "comment"},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def start_review(request: StaffRequest, reference: str) -> HttpResponse:
    return _form_page(
        request,
        reference,
        "start_review",
        make_form=lambda data, initial: StartReviewForm(data, initial=initial),
        call=lambda data: response.start_internal_review(
            actor=request.actor,
            reference=reference,
            note=data["note"],
            expected_version=data["expected_version"],
        ),
        done=lambda data: _(
            "The internal review has started; the complaints managers were told. Someone who "
            "did not handle the first decision must propose the new one."
        ),
    )


# ---------------------------------------------------------------- ISO 10003 external referral


@staff_required
@require_http_methods(["GET", "POST"])
def refer_externally(request: StaffRequest, reference: str) -> HttpResponse:
    bodies = response_selectors.external_body_choices(viewer=request.actor)
    return _form_page(
        request,
        reference,
        "refer",
        make_form=lambda data, initial: ReferralForm(data, initial=initial, bodies=bodies),
        call=lambda data: transition_complaint(
            actor=request.actor,
            reference=reference,
            event=Event.REFER_EXTERNALLY,
            data=EventData(
                body_id=data["body"],
                referred_on=data["referred_on"],
                their_reference=data["their_reference"],
                organisation_position=data["organisation_position"],
            ),
            expected_version=data["expected_version"],
        ),
        done=lambda data: _(
            "The referral was recorded. Record the external body's outcome when it arrives."
        ),
        fields={"body_id": "body"},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def referral_outcome(request: StaffRequest, reference: str) -> HttpResponse:
    try:
        referral = response_selectors.latest_referral(viewer=request.actor, reference=reference)
    except NotFound as error:
        raise Http404(str(error)) from None
    initial: dict[str, Any] = {}
    if referral is not None:
        initial = {
            "outcome": referral.outcome,
            "outcome_on": referral.outcome_on,
            "action_required": "yes" if referral.action_required else "no",
            "implementation": referral.implementation,
            "implemented_on": referral.implemented_on,
        }

    def done(data: dict[str, Any]) -> str:
        latest = response_selectors.latest_referral(viewer=request.actor, reference=reference)
        if latest is not None and latest.concluded:
            return _("The external body's outcome was recorded. The complaint can now be closed.")
        return _("The external body's outcome was recorded.")

    return _form_page(
        request,
        reference,
        "referral_outcome",
        make_form=lambda data, initial: ReferralOutcomeForm(data, initial=initial),
        call=lambda data: referrals.record_referral_outcome(
            actor=request.actor,
            reference=reference,
            outcome=data["outcome"],
            outcome_on=data["outcome_on"],
            action_required=data["action_required"],
            implementation=data["implementation"],
            implemented_on=data["implemented_on"],
            their_reference=None,
        ),
        done=done,
        initial=initial,
        extra={"referral": referral},
    )
