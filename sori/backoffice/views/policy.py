"""The complaints-handling policy in the back office (ISO 10002 5.1 commitment, 5.2 policy).

Every staff member reads the policy in force and acknowledges it; the overseers see who has
not. Complaints managers and top management draft a new version and publish an approved one;
only top management approves. The auditor reads every page and changes nothing (8.5).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.policy import (
    AcknowledgeForm,
    ApproveForm,
    PolicyDraftForm,
    PublishForm,
    WithdrawForm,
)
from sori.core.errors import Conflict, DomainError, NotFound
from sori.governance import access
from sori.governance.policy import (
    ACKNOWLEDGERS,
    VersionState,
    open_version,
    policy_in_force,
    policy_overview,
    today,
    version_detail,
)
from sori.governance.services.policy import (
    acknowledge_policy,
    approve_policy_version,
    draft_policy_version,
    publish_policy_version,
    update_policy_draft,
    withdraw_policy_version,
)


@require_GET
@roles_required(*access.POLICY_READERS)
def overview(request: StaffRequest) -> HttpResponse:
    """The version in force, who acknowledged it, and the version history (5.2)."""
    actor = request.actor
    overview = policy_overview(viewer=actor)
    context: dict[str, Any] = {"overview": overview, "current": overview.current,
                               "may_draft": actor.role in access.POLICY_DRAFTERS}  # fmt: skip
    if overview.may_acknowledge and overview.current is not None:
        context["acknowledge_form"] = AcknowledgeForm(initial={"number": overview.current.number})
    return render(request, "backoffice/policy/overview.html", context)


@require_POST
@roles_required(*ACKNOWLEDGERS)
def acknowledge(request: StaffRequest) -> HttpResponse:
    """The signed-in person has read the version in force (5.2, R-5.3.1)."""
    form = AcknowledgeForm(request.POST)
    number = form.cleaned_data["number"] if form.is_valid() else None
    try:
        acknowledge_policy(actor=request.actor, number=number)
    except DomainError as error:
        add_message(request, error)
        return redirect("backoffice:policy")
    messages.success(request, _("Thank you: your acknowledgement of the policy is recorded."))
    return redirect("backoffice:policy")


@require_http_methods(["GET", "POST"])
@roles_required(*access.POLICY_DRAFTERS)
def new(request: StaffRequest) -> HttpResponse:
    """Start a new version from the text of the current one (GET explains, POST starts it)."""
    if request.method == "POST":
        try:
            version = draft_policy_version(actor=request.actor)
        except DomainError as error:
            add_message(request, error)
            return redirect("backoffice:policy")
        messages.success(
            request, _("Version %(number)d is started as a draft.") % {"number": version.number}
        )
        return redirect("backoffice:policy-version", number=version.number)
    context = {"current": policy_in_force(), "open_version": open_version()}
    return render(request, "backoffice/policy/new.html", context)


def _draft_initial(version: Any) -> dict[str, str]:
    return {name: getattr(version, name)
            for name in ("title_ko", "title_en", "body_ko", "body_en", "change_summary")}  # fmt: skip


def _detail(request: StaffRequest, number: int, bound: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    actor = request.actor
    try:
        detail = version_detail(viewer=actor, number=number)
    except NotFound as error:
        return render(request, "backoffice/policy/missing.html", {"message": error.message},
                      status=404)  # fmt: skip
    bound = bound or {}
    row, version = detail.row, detail.row.version
    context: dict[str, Any] = {"row": row, "version": version, "status": detail.status}
    if row.state == VersionState.DRAFT and actor.role in access.POLICY_DRAFTERS:
        context["edit_form"] = bound.get("edit") or PolicyDraftForm(initial=_draft_initial(version))
    if row.state == VersionState.DRAFT and actor.role in access.POLICY_APPROVERS:
        context["approve_form"] = bound.get("approve") or ApproveForm()
    if row.state == VersionState.APPROVED and actor.role in access.POLICY_PUBLISHERS:
        context["publish_form"] = bound.get("publish") or PublishForm(
            initial={"effective_from": today()}
        )
    if row.state in (VersionState.DRAFT, VersionState.APPROVED) and (
        actor.role in access.POLICY_DRAFTERS
    ):
        context["withdraw_form"] = bound.get("withdraw") or WithdrawForm()
    context["has_errors"] = any(form.errors for form in bound.values())
    return render(request, "backoffice/policy/version.html", context, status=status)


@require_GET
@roles_required(*access.POLICY_READERS)
def version(request: StaffRequest, number: int) -> HttpResponse:
    """One version: its text, its approval record and, by its status, the next step."""
    return _detail(request, number)


def _refused(request: StaffRequest, number: int, name: str, form: forms.Form,
             error: DomainError, fields: dict[str, str] | None = None) -> HttpResponse:  # fmt: skip
    """A refusal shown on the form that asked, keeping what was typed."""
    if isinstance(error, NotFound):
        return _detail(request, number, status=404)
    if isinstance(error, Conflict):
        # The version moved on (approved, published, withdrawn) since the page was drawn: the
        # form may no longer be shown, so the refusal is a page message.
        add_message(request, error)
        return _detail(request, number, status=http_status_for(error))
    add_form_errors(form, error, fields)
    return _detail(request, number, {name: form}, status=http_status_for(error))


@require_POST
@roles_required(*access.POLICY_DRAFTERS)
def edit(request: StaffRequest, number: int) -> HttpResponse:
    form = PolicyDraftForm(request.POST)
    if not form.is_valid():
        return _detail(request, number, {"edit": form}, status=400)
    try:
        update_policy_draft(actor=request.actor, number=number, text=form.policy_text())
    except DomainError as error:
        return _refused(request, number, "edit", form, error)
    messages.success(request, _("The draft is saved."))
    return redirect("backoffice:policy-version", number=number)


@require_POST
@roles_required(*access.POLICY_APPROVERS)
def approve(request: StaffRequest, number: int) -> HttpResponse:
    """Top management approves the version (5.1, R-4.2.1)."""
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _detail(request, number, {"approve": form}, status=400)
    try:
        approve_policy_version(actor=request.actor, number=number, note=form.cleaned_data["note"])
    except DomainError as error:
        return _refused(request, number, "approve", form, error)
    messages.success(request, _("Version %(number)d is approved.") % {"number": number})
    return redirect("backoffice:policy-version", number=number)


@require_POST
@roles_required(*access.POLICY_PUBLISHERS)
def publish(request: StaffRequest, number: int) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _detail(request, number, {"publish": form}, status=400)
    effective_from = form.cleaned_data["effective_from"]
    try:
        publish_policy_version(actor=request.actor, number=number, effective_from=effective_from)
    except DomainError as error:
        return _refused(request, number, "publish", form, error)
    messages.success(
        request,
        _("Version %(number)d is published; it is in force from %(date)s.")
        % {"number": number, "date": effective_from.isoformat()},
    )
    return redirect("backoffice:policy-version", number=number)


@require_POST
@roles_required(*access.POLICY_DRAFTERS)
def withdraw(request: StaffRequest, number: int) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, number, {"withdraw": form}, status=400)
    try:
        withdraw_policy_version(actor=request.actor, number=number,
                                note=form.cleaned_data["note"])  # fmt: skip
    except DomainError as error:
        return _refused(request, number, "withdraw", form, error)
    messages.success(request, _("Version %(number)d is withdrawn.") % {"number": number})
    return redirect("backoffice:policy-version", number=number)
