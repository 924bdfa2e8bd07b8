"""The conformance map: every clause of ISO 10002 (4.1–8.7) with the evidence Sori holds for a
period and a gap flag, and the evidence pack to download (4.1; R-4.1.1; requirements §6).

Those who oversee the process read it (``access.CONFORMANCE_READERS``; the auditor reads and
changes nothing). Both pages are GETs that only read: the pack is built in memory and sent.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.errors import add_form_errors
from sori.backoffice.forms.conformance import ConformancePeriodForm
from sori.core.errors import InvalidInput
from sori.governance import access
from sori.governance.conformance import ConformanceMap, Evidence, conformance_map
from sori.governance.conformance_base import Link
from sori.governance.evidence_pack import write_evidence_pack


def _href(link: Link) -> str | None:
    """The link's address, or None while no page has that name (features arrive one by one)."""
    try:
        url = reverse(f"backoffice:{link.name}", args=link.args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(link.query)}" if link.query else url


def _row(evidence: Evidence) -> dict[str, Any]:
    links = [(link.label, _href(link)) for link in evidence.links]
    return {"evidence": evidence, "links": [(label, href) for label, href in links if href]}


def _period(request: StaffRequest) -> tuple[ConformancePeriodForm, dt.date | None, dt.date | None]:
    form = ConformancePeriodForm(request.GET or None)
    if not request.GET or not form.is_valid():
        return form, None, None
    return form, form.cleaned_data.get("from"), form.cleaned_data.get("to")


def _render(request: StaffRequest, form: ConformancePeriodForm, found: ConformanceMap | None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    context: dict[str, Any] = {"form": form, "has_errors": bool(form.errors), "map": found}
    if found is not None:
        context["rows"] = [_row(row) for row in found.rows]
        context["counts"] = found.counts()
        context["pack_query"] = urlencode(
            {"from": found.period_from.isoformat(), "to": found.period_to.isoformat()}
        )
    return render(request, "backoffice/conformance/page.html", context, status=status)


@require_GET
@roles_required(*access.CONFORMANCE_READERS)
def page(request: StaffRequest) -> HttpResponse:
    """The map for the period asked for (default: the last twelve months)."""
    form, start, end = _period(request)
    if form.is_bound and form.errors:
        return _render(request, form, None, status=400)
    try:
        found = conformance_map(viewer=request.actor, period_from=start, period_to=end)
    except InvalidInput as error:
        if not form.is_bound:
            raise
        add_form_errors(form, error)
        # A period the map refuses is bad input in the form, like an unreadable date.
        return _render(request, form, None, status=400)
    return _render(request, form, found)


@require_GET
@roles_required(*access.CONFORMANCE_READERS)
def pack(request: StaffRequest) -> HttpResponse:
    """The evidence pack for the period, as a zip download."""
    form, start, end = _period(request)
    if form.is_bound and form.errors:
        return _render(request, form, None, status=400)
    buffer = io.BytesIO()
    try:
        found = write_evidence_pack(viewer=request.actor, period_from=start, period_to=end,
                                    path_or_file=buffer)  # fmt: skip
    except InvalidInput as error:
        if not form.is_bound:
            raise
        add_form_errors(form, error)
        # A period the map refuses is bad input in the form, like an unreadable date.
        return _render(request, form, None, status=400)
    name = f"sori-evidence-{found.period_from.isoformat()}-{found.period_to.isoformat()}.zip"
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
