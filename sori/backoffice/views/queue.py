"""The complaints queue: tabs, filters, keyword search, saved filters (ISO 10002 7.3, 4.15).

A GET form narrows the queue and works without JavaScript; with htmx a change refreshes only the
results (``hx-get`` + ``hx-push-url``, so the address still names the filter). Saving and deleting
a filter are plain POSTs that redirect back to the queue.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sori.backoffice.auth import StaffRequest, staff_required
from sori.backoffice.context import optional_url
from sori.backoffice.errors import add_message
from sori.backoffice.forms.queue import VIEW_LABELS, QueueFilterForm, SaveFilterForm
from sori.complaints import queue as selectors
from sori.complaints.services.saved_filters import delete_filter, save_filter
from sori.core.errors import DomainError

_PLACEHOLDER = "C-0000-000000"
_MORE_FILTERS = (
    "unit",
    "channel",
    "received_from",
    "received_to",
    "closed_from",
    "closed_to",
    "root_cause",
    "product",
    "missed",
    "missed_from",
    "missed_to",
    "open_at",
    "survey",
    "state",
    "status",
)


def _complaint_prefix() -> str:
    """The address of a complaint's workspace, without the reference at the end."""
    url = optional_url("backoffice:complaint", _PLACEHOLDER)
    return url.split(_PLACEHOLDER)[0] if url else "/staff/complaints/"


def _with(query: QueryDict, **changes: str | None) -> str:
    """``?query`` with some keys set (or removed when None)."""
    copy = query.copy()
    for key, value in changes.items():
        if value is None:
            copy.pop(key, None)
        else:
            copy[key] = value
    encoded = copy.urlencode()
    return f"?{encoded}" if encoded else "?"


def _tabs(
    request: StaffRequest, current: str, views: list[selectors.View], counts: Any
) -> list[dict[str, Any]]:
    base = QueryDict(selectors.normalise_query(request.GET.urlencode()), mutable=True)
    tabs = []
    for view in views:
        label = str(VIEW_LABELS[view])
        if view is selectors.View.TEAM and request.actor.unit_id is None:
            label = _("Intake pool")
        tabs.append(
            {
                "label": label,
                "url": reverse("backoffice:queue") + _with(base, view=view.value),
                "current": view.value == current,
                "count": counts.views.get(view.value) if counts is not None else None,
            }
        )
    return tabs


@require_GET
@staff_required
def queue(request: StaffRequest) -> HttpResponse:
    choices = selectors.filter_choices(viewer=request.actor)
    data = request.GET.copy()
    data.setdefault("state", selectors.State.OPEN.value)
    view = data.get("view") or ""
    if view not in {each.value for each in choices.views}:
        # A tab this role does not have (or none): the widest one it has.
        view = data["view"] = choices.views[-1].value
    form = QueueFilterForm(data, choices=choices)
    query = form.to_filter() if form.is_valid() else None
    overview = (
        selectors.queue_overview(viewer=request.actor, query=query, after=request.GET.get("after"))
        if query is not None
        else None
    )
    current_query = selectors.normalise_query(request.GET.urlencode())
    filters = QueryDict(current_query)
    context = {
        "form": form,
        "overview": overview,
        "page": overview.page if overview else None,
        "counts": overview.counts if overview else None,
        "tabs": _tabs(request, view, choices.views, overview.counts if overview else None),
        "current_query": current_query,
        "filtered": bool(set(filters) - {"view", "state"})
        or filters.get("state", "open") != "open",
        # The rarer filters stay folded away unless one of them is in use or in error.
        "more_filters": any(key in filters for key in _MORE_FILTERS)
        or filters.get("state", "open") != "open"
        or any(key in form.errors for key in _MORE_FILTERS),
        "clear_url": reverse("backoffice:queue") + _with(QueryDict(), view=view),
        "complaint_prefix": _complaint_prefix(),
        "save_form": SaveFilterForm(initial={"query": current_query}),
        "has_errors": bool(form.errors),
    }
    if overview is not None:
        base = QueryDict(current_query)
        if overview.page.next_cursor:
            context["next_url"] = _with(base, after=overview.page.next_cursor)
        if not overview.page.first:
            context["first_url"] = _with(base)
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "backoffice/queue/_results.html" if partial else "backoffice/queue/page.html"
    # htmx swaps only 2xx answers; the errors are in the fragment either way.
    status = 400 if form.errors and not partial else 200
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(query: str) -> HttpResponse:
    normalised = selectors.normalise_query(query)
    return redirect(reverse("backoffice:queue") + (f"?{normalised}" if normalised else ""))


@require_POST
@staff_required
def save(request: StaffRequest) -> HttpResponse:
    form = SaveFilterForm(request.POST)
    query = request.POST.get("query", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("The filter was not saved: %(error)s") % {"error": error})
        return _back(query)
    try:
        saved = save_filter(
            actor=request.actor, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
        )
    except DomainError as error:
        add_message(request, error)
        return _back(query)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return _back(saved.query)


@require_POST
@staff_required
def delete(request: StaffRequest, filter_id: int) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        name = delete_filter(actor=request.actor, filter_id=filter_id)
    except DomainError as error:
        add_message(request, error)
        return _back(query)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": name})
    return _back(query)
