"""The auditor's pages: the audit trail with its chain check, and the personal-data access log.

Auditors, complaints managers and administrators read them; nothing here changes anything
(ISO 10002 4.9 and 8.1 records, 4.10 confidentiality, 8.5 audit).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sori.accounts.models import Role
from sori.audit.chain import Break
from sori.audit.selectors import (
    TRAIL_READERS,
    TrailFilter,
    TrailPage,
    check_trail,
    personal_data_views,
    trail_page,
)
from sori.backoffice.auth import StaffRequest, roles_required

# Common beginnings of action names, offered as suggestions in the filter.
ACTION_PREFIXES = (
    "sori.complaint.",
    "sori.personal_data.",
    "sori.attachment.",
    "sori.staff.",
    "sori.message.",
    "sori.survey.",
    "sori.privacy.",
)


class _DateRangeForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-03-01.")},
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-03-31.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


class TrailFilterForm(_DateRangeForm):
    action = forms.CharField(
        label=gettext_lazy("Action starts with"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For example sori.staff. for every sign-in and sign-out."),
        widget=forms.TextInput(attrs={"list": "action-prefixes", "spellcheck": "false"}),
    )
    object = forms.CharField(
        label=gettext_lazy("Object"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("A complaint reference such as C-2026-000123, or a user number."),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    actor = forms.CharField(
        label=gettext_lazy("Actor"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A username, or an actor id such as staff:12."),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    field_order = ["action", "object", "actor", "since", "until"]


class PersonalDataFilterForm(_DateRangeForm):
    staff = forms.CharField(
        label=gettext_lazy("Staff member"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A username, or an actor id such as staff:12."),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    complaint = forms.CharField(
        label=gettext_lazy("Complaint reference"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    field_order = ["staff", "complaint", "since", "until"]


def _before(query: QueryDict) -> int | None:
    value = query.get("before", "")
    return int(value) if value.isdigit() else None


def _page_links(request: StaffRequest, page: TrailPage | None) -> dict[str, str]:
    """Addresses of the next (older) page and of the newest, keeping the filters."""
    links = {}
    if page is not None and page.next_before is not None:
        older = request.GET.copy()
        older["before"] = str(page.next_before)
        links["next_url"] = f"{request.path}?{older.urlencode()}"
    if "before" in request.GET:
        newest = request.GET.copy()
        del newest["before"]
        links["first_url"] = request.path + (f"?{newest.urlencode()}" if newest else "")
    return links


def _bound(form_class: type[forms.Form], query: QueryDict) -> forms.Form:
    fields = set(form_class.base_fields)
    return form_class(query if fields & set(query) else None)


@require_GET
@roles_required(*TRAIL_READERS)
def audit_trail(request: StaffRequest) -> HttpResponse:
    form = _bound(TrailFilterForm, request.GET)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        page = trail_page(
            viewer=request.actor,
            filters=TrailFilter(
                action=data.get("action") or "",
                object_id=data.get("object") or "",
                actor=data.get("actor") or "",
                since=data.get("since"),
                until=data.get("until"),
            ),
            before=_before(request.GET),
        )
    context = {
        "form": form,
        "page": page,
        "action_prefixes": ACTION_PREFIXES,
        "has_errors": bool(form.errors),
        **_page_links(request, page),
    }
    return render(
        request, "backoffice/oversight/trail.html", context, status=400 if form.errors else 200
    )


def _describe(item: Break) -> str:
    sentences = {
        "deleted": _("Entry #%(seq)s is missing."),
        "altered": _("Entry #%(seq)s was changed after it was written."),
        "reordered": _("Entry #%(seq)s is out of order."),
        "broken link": _("Entry #%(seq)s does not follow the entry before it."),
    }
    return sentences.get(item.kind, _("Entry #%(seq)s is not as it was written.")) % {
        "seq": item.seq
    }


@require_POST
@roles_required(*TRAIL_READERS)
def audit_verify(request: StaffRequest) -> HttpResponse:
    # A POST because it is an explicit, costly check; it reads every entry and changes nothing.
    breaks = check_trail(viewer=request.actor)
    context = {
        "intact": not breaks,
        "first_broken": breaks[0].seq if breaks else None,
        "problems": [(item, _describe(item)) for item in breaks[:50]],
        "more_problems": max(0, len(breaks) - 50),
    }
    if request.headers.get("HX-Request"):
        return render(request, "backoffice/oversight/_verify_result.html", context)
    return render(request, "backoffice/oversight/verify.html", context)


@require_GET
@roles_required(*TRAIL_READERS)
def personal_data_log(request: StaffRequest) -> HttpResponse:
    form = _bound(PersonalDataFilterForm, request.GET)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        page = personal_data_views(
            viewer=request.actor,
            staff=data.get("staff") or "",
            complaint=data.get("complaint") or "",
            since=data.get("since"),
            until=data.get("until"),
            before=_before(request.GET),
        )
    roles = dict(Role.choices)
    context = {
        "form": form,
        "page": page,
        # The role the reader had then, in the page's language.
        "rows": [(entry, roles.get(entry.data.get("role"), "")) for entry in page.entries]
        if page
        else [],
        "has_errors": bool(form.errors),
        **_page_links(request, page),
    }
    return render(
        request,
        "backoffice/oversight/personal_data.html",
        context,
        status=400 if form.errors else 200,
    )
