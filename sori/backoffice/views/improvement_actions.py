"""Improvement-action pages: the list, a new action, and one action with its steps (ISO 10002 8.7).

Complaints managers, top management, auditors and administrators read every action; other staff
read the actions they own (the list shows them only theirs). Complaints managers and top
management open actions (from a complaint with ``?complaint=<reference>``), choose owners,
cancel and check effectiveness; the owner also edits the action, starts or resumes the work and
records its implementation. Every post checks its shape, calls one service and goes back to the
action (PRG) with a message; a refusal shows the action again with the form as it was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sori.backoffice.auth import StaffRequest, roles_required, staff_required
from sori.backoffice.errors import add_form_errors, http_status_for
from sori.backoffice.forms.improvement_actions import (
    ActionFilterForm,
    CancelForm,
    EditActionForm,
    EffectivenessForm,
    ImplementationForm,
    NewActionForm,
    StartForm,
)
from sori.core.errors import DomainError, NotFound
from sori.governance import selectors
from sori.governance.models import ActionKind, ActionSource, ActionStatus, ImprovementAction
from sori.governance.services import actions as services
from sori.governance.services.action_opening import open_improvement_action

FORM_KEYS = ("edit", "start", "implement", "check", "cancel")


def _detail_url(reference: str) -> str:
    return reverse("backoffice:improvement-action", args=[reference])


@require_GET
@staff_required
def action_list(request: StaffRequest) -> HttpResponse:
    owners = selectors.owner_choices()
    fields = set(ActionFilterForm.base_fields)
    form = ActionFilterForm(request.GET if fields & set(request.GET) else None, owners=owners)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        number = request.GET.get("page", "1")
        page = selectors.action_page(
            viewer=request.actor,
            status=data.get("status") or "",
            source=data.get("source") or "",
            owner_id=data.get("owner"),
            overdue=bool(data.get("overdue")),
            check_due=bool(data.get("check_due")),
            kind=data.get("kind") or "",
            complaint=data.get("complaint") or "",
            from_complaints=bool(data.get("from_complaints")),
            page=int(number) if number.isdigit() else 1,
        )
    links = {}
    if page is not None:
        query = request.GET.copy()
        if page.has_next:
            query["page"] = str(page.number + 1)
            links["next_url"] = f"{request.path}?{query.urlencode()}"
        if page.number > 1:
            query.pop("page", None)
            links["first_url"] = request.path + (f"?{query.urlencode()}" if query else "")
    context = {
        "form": form,
        "page": page,
        "may_open": services.can_open_actions(request.actor),
        "reads_all": request.actor.role in services.ACTION_READERS,
        "has_errors": bool(form.errors),
        **links,
    }
    status = 400 if form.errors else 200
    return render(request, "backoffice/improvement_actions/list.html", context, status=status)


def _from_complaint(request: StaffRequest) -> dict[str, Any]:
    """The new form's first values when it is opened from a complaint (``?complaint=``)."""
    reference = request.GET.get("complaint", "").strip()
    if not reference:
        return {}
    complaint = selectors.visible_complaint(request.actor, reference)
    if complaint is None:
        messages.warning(request, _("There is no complaint with this reference."))
        return {}
    about = complaint.subject or complaint.description[:120]
    return {
        "source": ActionSource.COMPLAINT.value,
        "complaints": complaint.reference,
        "title": f"{complaint.reference}: {about}"[:200],
    }


@require_http_methods(["GET", "POST"])
@roles_required(*services.ACTION_OPENERS)
def new_action(request: StaffRequest) -> HttpResponse:
    owners = selectors.owner_choices()
    if request.method != "POST":
        form = NewActionForm(initial=_from_complaint(request), owners=owners)
        return render(request, "backoffice/improvement_actions/new.html", {"form": form})
    form = NewActionForm(request.POST, owners=owners)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        ids, missing = selectors.complaint_ids(request.actor, data["complaints"])
        if missing:
            form.add_error(
                "complaints",
                _("There is no complaint you may see with the reference %(references)s.")
                % {"references": ", ".join(missing)},
            )
        else:
            try:
                action = open_improvement_action(
                    actor=request.actor,
                    title=data["title"],
                    description=data["description"],
                    cause=data["cause"],
                    source=data["source"],
                    kind=data["kind"] or ActionKind.CORRECTIVE,
                    source_key=(
                        f"complaint:{data['complaints'][0].upper()}"
                        if data["source"] == ActionSource.COMPLAINT and data["complaints"]
                        else ""
                    ),
                    complaint_ids=ids,
                    owner_id=data["owner"],
                    due_on=data["due_on"],
                )
            except DomainError as error:
                add_form_errors(form, error)
                status = http_status_for(error)
            else:
                messages.success(
                    request,
                    _("Improvement action %(reference)s is opened.")
                    % {"reference": action.reference},
                )
                return HttpResponseRedirect(_detail_url(action.reference))
    context = {"form": form, "has_errors": True}
    return render(request, "backoffice/improvement_actions/new.html", context, status=status)


def _detail(request: StaffRequest, reference: str) -> selectors.ActionDetail:
    try:
        return selectors.action_detail(viewer=request.actor, reference=reference)
    except NotFound:
        raise Http404(_("There is no improvement action with this reference.")) from None


def _forms(
    detail: selectors.ActionDetail, bound: dict[str, forms.Form]
) -> dict[str, forms.Form | None]:
    """The forms this reader may use on this action now (a bound one kept as it was typed)."""
    action = detail.action
    made: dict[str, forms.Form | None] = dict.fromkeys(FORM_KEYS)
    if detail.may_edit:
        made["edit"] = EditActionForm(
            initial={
                "description": action.description,
                "cause": action.cause,
                "kind": action.kind,
                "owner": action.owner_id,
                "due_on": action.due_on,
            },
            owners=selectors.owner_choices() if detail.may_assign else [],
            may_assign=detail.may_assign,
        )
    if detail.can(services.Step.UPDATE):
        made["start"] = StartForm(initial={"status": ActionStatus.IN_PROGRESS.value})
    if detail.can(services.Step.IMPLEMENT):
        made["implement"] = ImplementationForm()
    if detail.can(services.Step.CHECK):
        made["check"] = EffectivenessForm()
    if detail.can(services.Step.CANCEL):
        made["cancel"] = CancelForm()
    made.update(bound)
    return made


def _render_detail(
    request: StaffRequest,
    reference: str,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = _detail(request, reference)
    context = {
        "detail": detail,
        "action": detail.action,
        "forms": _forms(detail, bound or {}),
        "has_errors": bool(bound),
    }
    return render(request, "backoffice/improvement_actions/detail.html", context, status=status)


@require_GET
@staff_required
def action_detail(request: StaffRequest, reference: str) -> HttpResponse:
    return _render_detail(request, reference)


def _post(
    request: StaffRequest,
    reference: str,
    *,
    key: str,
    form: forms.Form,
    act: Callable[[dict[str, Any]], ImprovementAction],
    success: str,
) -> HttpResponse:
    """Check the form's shape, call the service, go back to the action or show it again."""
    detail = _detail(request, reference)  # 404 for an action the reader may not see
    action = detail.action
    if not (services.can_open_actions(request.actor) or services.is_owner(request.actor, action)):
        # The auditor and others who only read: refused before anything posted is read.
        messages.error(request, _("Your role does not allow changing improvement actions."))
        return _render_detail(request, reference, status=403)
    status = 400
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except NotFound:
            raise Http404(_("There is no improvement action with this reference.")) from None
        except DomainError as error:
            add_form_errors(form, error)
            status = http_status_for(error)
        else:
            messages.success(request, success)
            return HttpResponseRedirect(_detail_url(reference))
    return _render_detail(request, reference, bound={key: form}, status=status)


@require_POST
@staff_required
def update(request: StaffRequest, reference: str) -> HttpResponse:
    may_assign = services.can_open_actions(request.actor)
    owners = selectors.owner_choices() if may_assign else []
    form = EditActionForm(request.POST, owners=owners, may_assign=may_assign)

    def act(data: dict[str, Any]) -> ImprovementAction:
        owner: Any = data.get("owner", services.UNCHANGED)
        return services.update_action(
            actor=request.actor,
            reference=reference,
            description=data["description"],
            cause=data["cause"],
            kind=data["kind"] or services.UNCHANGED,
            due_on=data["due_on"],
            owner_id=owner,
        )

    return _post(
        request, reference, key="edit", form=form, act=act, success=_("The action is updated.")
    )


@require_POST
@staff_required
def start(request: StaffRequest, reference: str) -> HttpResponse:
    def act(data: dict[str, Any]) -> ImprovementAction:
        return services.update_action(
            actor=request.actor, reference=reference, status=data["status"]
        )

    return _post(
        request,
        reference,
        key="start",
        form=StartForm(request.POST),
        act=act,
        success=_("The action is in progress."),
    )


@require_POST
@staff_required
def implement(request: StaffRequest, reference: str) -> HttpResponse:
    def act(data: dict[str, Any]) -> ImprovementAction:
        return services.record_implementation(
            actor=request.actor, reference=reference, note=data["note"]
        )

    return _post(
        request,
        reference,
        key="implement",
        form=ImplementationForm(request.POST),
        act=act,
        success=_("The implementation is recorded; its effectiveness is to be checked."),
    )


@require_POST
@staff_required
def check(request: StaffRequest, reference: str) -> HttpResponse:
    def act(data: dict[str, Any]) -> ImprovementAction:
        return services.check_effectiveness(
            actor=request.actor,
            reference=reference,
            effective=data["effective"],
            note=data["note"],
        )

    return _post(
        request,
        reference,
        key="check",
        form=EffectivenessForm(request.POST),
        act=act,
        success=_("The effectiveness check is recorded."),
    )


@require_POST
@staff_required
def cancel(request: StaffRequest, reference: str) -> HttpResponse:
    def act(data: dict[str, Any]) -> ImprovementAction:
        return services.cancel_action(
            actor=request.actor, reference=reference, reason=data["reason"]
        )

    return _post(
        request,
        reference,
        key="cancel",
        form=CancelForm(request.POST),
        act=act,
        success=_("The action is cancelled."),
    )
