"""Recurring and systemic issues: the groups the scan found, and a manager's decision on each.

ISO 10002 8.2: complaints are analysed to find recurring and systemic problems; 8.7: what is
found leads to an improvement action. Readers (complaints managers, top management, auditors,
administrators) see the groups by kind with their members; complaints managers and top management
open an improvement action for a group in one step, dismiss it with a reason, or scan now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sori.analytics.models import GroupKind
from sori.analytics.recurring import (
    RECURRING_READERS,
    STATE_LABELS,
    GroupRow,
    GroupState,
    group_detail,
    recurring_groups,
)
from sori.analytics.services.recurring_groups import dismiss_group, open_action_for_group
from sori.analytics.services.recurring_scan import request_scan
from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.context import optional_url
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.recurring import DismissForm, GroupActionForm, GroupFilterForm
from sori.core.errors import DomainError, NotFound
from sori.governance.objectives import owner_choices
from sori.governance.services.actions import ACTION_OPENERS, can_open_actions

_ACTION_FIELDS = {"owner": "owner", "due_on": "due_on", "title": "title"}


def _action_url(reference: str) -> str | None:
    return optional_url("backoffice:improvement-action", reference) if reference else None


def _decision_forms(
    request: StaffRequest,
    row: GroupRow,
    owners: list[tuple[int, str]],
    bound: dict[str, forms.Form],
) -> dict[str, Any]:
    """The group's two forms (a bound one when it comes back with errors), for managers."""
    if not can_open_actions(request.actor):
        return {}
    found: dict[str, Any] = {}
    if "action" in bound:
        found["action_form"] = bound["action"]
    elif row.action_reference == "":
        found["action_form"] = GroupActionForm(
            slot=str(row.id),
            owners=owners,
            initial={"title": row.title[:200], "owner": request.actor.user_id},
        )
    if "dismiss" in bound:
        found["dismiss_form"] = bound["dismiss"]
    elif row.open:
        found["dismiss_form"] = DismissForm(slot=str(row.id))
    return found


def _item(request: StaffRequest, row: GroupRow, owners: list[tuple[int, str]],
          bound: dict[str, forms.Form] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "group": row,
        "action_url": _action_url(row.action_reference),
        **_decision_forms(request, row, owners, bound or {}),
    }


def _page_url(request: StaffRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"


@require_GET
@roles_required(*RECURRING_READERS)
def groups(request: StaffRequest) -> HttpResponse:
    """The groups of one kind and state, most recently active first (8.2)."""
    form = GroupFilterForm(request.GET or None)
    data: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    kind = data.get("kind") or ""
    state = data.get("state") or GroupState.OPEN.value
    page = recurring_groups(
        viewer=request.actor, kind=kind, state=state, page=data.get("page") or 1
    )
    owners = owner_choices(viewer=request.actor) if page.may_decide else []
    tabs = [
        {
            "kind": value,
            "label": label,
            "count": page.counts.get(value, 0),
            "url": f"{reverse('backoffice:recurring')}?kind={value}&state={state}",
            "current": value == kind,
        }
        for value, label in GroupKind.choices
    ]
    context = {
        "form": form,
        "page": page,
        "items": [_item(request, row, owners) for row in page.rows],
        "tabs": tabs,
        "all_url": f"{reverse('backoffice:recurring')}?state={state}",
        "state_label": STATE_LABELS[GroupState(state)],
        "next_url": _page_url(request, page.page + 1) if page.has_next else None,
        "previous_url": _page_url(request, page.page - 1) if page.page > 1 else None,
        "has_errors": bool(form.errors),
    }
    return render(request, "backoffice/recurring/list.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


def _detail(request: StaffRequest, group_id: int, bound: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    try:
        row = group_detail(viewer=request.actor, group_id=group_id)
    except NotFound as error:
        return render(request, "backoffice/recurring/missing.html", {"message": error.message},
                      status=404)  # fmt: skip
    owners = owner_choices(viewer=request.actor) if can_open_actions(request.actor) else []
    context = {
        **_item(request, row, owners, bound),
        "detail": True,
        "has_errors": bool(bound) and any(form.errors for form in (bound or {}).values()),
    }
    return render(request, "backoffice/recurring/group.html", context, status=status)


@require_GET
@roles_required(*RECURRING_READERS)
def group(request: StaffRequest, group_id: int) -> HttpResponse:
    """One group with all its members the reader may see."""
    return _detail(request, group_id)


@require_POST
@roles_required(*ACTION_OPENERS)
def open_action(request: StaffRequest, group_id: int) -> HttpResponse:
    """One step from a group to an improvement action with its complaints linked (8.2, 8.7)."""
    owners = owner_choices(viewer=request.actor)
    form = GroupActionForm(request.POST, slot=str(group_id), owners=owners)
    if not form.is_valid():
        return _detail(request, group_id, {"action": form}, status=400)
    data = form.cleaned_data
    try:
        action = open_action_for_group(
            actor=request.actor,
            group_id=group_id,
            title=data["title"],
            description=data["description"],
            owner_id=data["owner"],
            due_on=data["due_on"],
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            return _detail(request, group_id)
        add_form_errors(form, error, _ACTION_FIELDS)
        return _detail(request, group_id, {"action": form}, status=http_status_for(error))
    messages.success(
        request,
        _("Improvement action %(reference)s is open; the group's complaints are linked to it.")
        % {"reference": action.reference},
    )
    return redirect("backoffice:recurring-group", group_id=group_id)


@require_POST
@roles_required(*ACTION_OPENERS)
def dismiss(request: StaffRequest, group_id: int) -> HttpResponse:
    """The group needs no action; the reason stays on record for auditors (8.2)."""
    form = DismissForm(request.POST, slot=str(group_id))
    if not form.is_valid():
        return _detail(request, group_id, {"dismiss": form}, status=400)
    try:
        dismiss_group(actor=request.actor, group_id=group_id, note=form.cleaned_data["note"])
    except DomainError as error:
        if isinstance(error, NotFound):
            return _detail(request, group_id)
        add_form_errors(form, error)
        return _detail(request, group_id, {"dismiss": form}, status=http_status_for(error))
    messages.success(request, _("The group is dismissed; the scan keeps it dismissed."))
    return redirect("backoffice:recurring-group", group_id=group_id)


@require_POST
@roles_required(*ACTION_OPENERS)
def scan(request: StaffRequest) -> HttpResponse:
    """Run the scan now rather than wait for the worker's next run (8.2)."""
    try:
        request_scan(actor=request.actor)
    except DomainError as error:
        add_message(request, error)
    else:
        messages.success(
            request,
            _("The scan has started in the background. Reload this page in a minute to see "
              "what it found."),
        )  # fmt: skip
    return redirect("backoffice:recurring")
