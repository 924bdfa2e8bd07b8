"""The control-chart page: monthly complaint numbers per category and unit with their special-cause
signals, and a manager's answer to each signal (ISO 10002 8.2, 8.7).

Complaints managers, top management, auditors and administrators read it; complaints managers
and top management answer signals (acknowledge with a note, or open an improvement action). The
auditor reads and changes nothing: a post from their role is refused (403) before it is read.
Each answer posts to its own view: shape checked, one service called; success goes back to the
page (PRG) with a message; a refusal shows the page again with the form as it was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sori.accounts.models import Role
from sori.analytics.charts import render_png, render_svg
from sori.analytics.control_chart_counts import Dimension
from sori.analytics.control_chart_spec import control_chart_spec
from sori.analytics.control_charts import (
    DEFAULT_MONTHS,
    Series,
    SignalView,
    chart_series,
    control_charts,
    signal_source_key,
)
from sori.analytics.services.signals import acknowledge_signal, open_action_for_signal
from sori.backoffice.auth import StaffRequest, roles_required
from sori.backoffice.errors import add_form_errors, http_status_for
from sori.backoffice.forms.control_charts import (
    AcknowledgeForm,
    ChartFilterForm,
    SignalActionForm,
)
from sori.core.errors import DomainError
from sori.governance.selectors import owner_choices
from sori.governance.services.actions import ACTION_OPENERS, can_open_actions

READERS = frozenset(
    {
        Role.COMPLAINTS_MANAGER.value,
        Role.TOP_MANAGEMENT.value,
        Role.AUDITOR.value,
        Role.ADMINISTRATOR.value,
    }
)
IMAGE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass
class SignalPanel:
    signal: SignalView
    slot: str
    acknowledge: AcknowledgeForm | None = None
    action: SignalActionForm | None = None


@dataclass
class SeriesPanel:
    series: Series
    chart: dict[str, Any]
    open_signals: list[SignalPanel] = field(default_factory=list)


def _slot(chart: str, rule: str, period_start: str) -> str:
    """A fragment of element id naming one signal (letters, digits, hyphens)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", f"{chart}-{rule}-{period_start}").strip("-")


def _page_url(dimension: str, months: int) -> str:
    query = urlencode({"dimension": dimension, "months": months})
    return f"{reverse('backoffice:control-charts')}?{query}"


def _chart(series: Series, months: int, index: int) -> dict[str, Any]:
    query = urlencode({"series": series.key, "months": months})
    return {
        "id": f"control-chart-{index}",
        "spec_id": f"control-chart-spec-{index}",
        "spec": control_chart_spec(series),
        "caption": f"{series.label} — {series.kind_label}",
        "svg_url": f"{reverse('backoffice:control-charts-chart', args=['svg'])}?{query}",
        "png_url": f"{reverse('backoffice:control-charts-chart', args=['png'])}?{query}",
    }


def _initial(signal: SignalView, dimension: str, months: int) -> dict[str, Any]:
    return {
        "chart": signal.chart,
        "rule": signal.rule,
        "period_start": signal.period_start,
        "dimension": dimension,
        "months": months,
    }


def _default_title(series: Series, signal: SignalView) -> str:
    return _("%(chart)s: %(rule)s in %(month)s") % {
        "chart": series.label,
        "rule": signal.rule_label,
        "month": f"{signal.period_start:%Y-%m}",
    }


def _panels(
    request: StaffRequest,
    dimension: str,
    months: int,
    bound: dict[tuple[str, str], forms.Form],
) -> list[SeriesPanel]:
    found = control_charts(viewer=request.actor, dimension=dimension, months=months)
    answering = can_open_actions(request.actor)
    owners = owner_choices() if answering else []
    panels = []
    for index, series in enumerate(found.series):
        panel = SeriesPanel(series=series, chart=_chart(series, months, index))
        for signal in series.signals:
            if not signal.is_open:
                continue  # listed with the answered signals (``series.reviews``)
            slot = _slot(signal.chart, signal.rule, signal.period_start.isoformat())
            item = SignalPanel(signal=signal, slot=slot)
            if answering:
                initial = _initial(signal, dimension, months)
                ack = bound.get(("ack", signal.source_key))
                act = bound.get(("act", signal.source_key))
                item.acknowledge = (
                    ack
                    if isinstance(ack, AcknowledgeForm)
                    else AcknowledgeForm(initial=initial, slot=slot)
                )
                item.action = (
                    act
                    if isinstance(act, SignalActionForm)
                    else SignalActionForm(
                        initial={**initial, "title": _default_title(series, signal)},
                        slot=slot,
                        owners=owners,
                    )
                )
            panel.open_signals.append(item)
        panels.append(panel)
    return panels


def _render(
    request: StaffRequest,
    *,
    filters: ChartFilterForm,
    dimension: str,
    months: int,
    bound: dict[tuple[str, str], forms.Form] | None = None,
    posted_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    panels = [] if filters.errors else _panels(request, dimension, months, bound or {})
    context = {
        "filters": filters,
        "panels": panels,
        "dimension": dimension,
        "months": months,
        "posted_errors": posted_errors or [],
        "has_errors": bool(filters.errors or posted_errors),
        "open_signals": sum(len(panel.open_signals) for panel in panels),
    }
    return render(request, "backoffice/control_charts/page.html", context, status=status)


@require_GET
@roles_required(*READERS)
def page(request: StaffRequest) -> HttpResponse:
    fields = set(ChartFilterForm.base_fields)
    filters = ChartFilterForm(request.GET if fields & set(request.GET) else None)
    dimension, months = Dimension.ALL.value, DEFAULT_MONTHS
    if filters.is_bound:
        if not filters.is_valid():
            return _render(request, filters=filters, dimension=dimension, months=months, status=400)
        dimension, months = filters.cleaned_data["dimension"], filters.cleaned_data["months"]
    return _render(request, filters=filters, dimension=dimension, months=months)


def _errors(form: forms.Form) -> list[str]:
    found = [str(error) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label if name in form.fields else name
        found += [f"{label}: {error}" if label else str(error) for error in errors]
    return found


def _answer(
    request: StaffRequest,
    form: forms.Form,
    kind: str,
    act: Any,
    success: Any,
) -> HttpResponse:
    """Validate, call the service, and go back to the page or show it again with the form."""
    post = request.POST
    dimension = post.get("dimension", "")
    dimension = dimension if dimension in {d.value for d in Dimension} else Dimension.ALL.value
    months_text = post.get("months", "")
    months = int(months_text) if months_text.isdigit() else DEFAULT_MONTHS
    status = 400
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
            status = http_status_for(error)
        else:
            messages.success(request, success(result))
            return HttpResponseRedirect(_page_url(dimension, months))
    key = signal_source_key(
        post.get("chart", ""), post.get("rule", ""), post.get("period_start", "")
    )
    filters = ChartFilterForm({"dimension": dimension, "months": str(months)})
    if not filters.is_valid():
        filters = ChartFilterForm()
        dimension, months = Dimension.ALL.value, DEFAULT_MONTHS
    return _render(
        request,
        filters=filters,
        dimension=dimension,
        months=months,
        bound={(kind, key): form},
        posted_errors=_errors(form),
        status=status,
    )


def _slot_of(post: QueryDict) -> str:
    return _slot(post.get("chart", ""), post.get("rule", ""), post.get("period_start", ""))


@require_POST
@roles_required(*ACTION_OPENERS)
def acknowledge(request: StaffRequest) -> HttpResponse:
    form = AcknowledgeForm(request.POST, slot=_slot_of(request.POST))

    def act(data: dict[str, Any]) -> object:
        return acknowledge_signal(
            actor=request.actor,
            chart=data["chart"],
            rule=data["rule"],
            period_start=data["period_start"],
            note=data["note"],
            months=data["months"],
        )

    return _answer(
        request, form, "ack", act, lambda _review: _("The signal is acknowledged; no action.")
    )


@require_POST
@roles_required(*ACTION_OPENERS)
def open_action(request: StaffRequest) -> HttpResponse:
    form = SignalActionForm(request.POST, slot=_slot_of(request.POST), owners=owner_choices())

    def act(data: dict[str, Any]) -> object:
        return open_action_for_signal(
            actor=request.actor,
            chart=data["chart"],
            rule=data["rule"],
            period_start=data["period_start"],
            title=data["title"],
            description=data["description"],
            owner_id=data["owner"],
            due_on=data["due_on"],
            months=data["months"],
        )

    return _answer(
        request,
        form,
        "act",
        act,
        lambda action: (
            _("Improvement action %(reference)s is opened for the signal.")
            % {"reference": action.reference}
        ),
    )


@require_GET
@roles_required(*READERS)
def chart_image(request: StaffRequest, fmt: str) -> HttpResponse:
    """One control chart as SVG or PNG, drawn from the same definition as the page (8.2)."""
    if fmt not in IMAGE_TYPES:
        raise Http404(_("There is no such image format."))
    months_text = request.GET.get("months", "")
    months = int(months_text) if months_text.isdigit() else DEFAULT_MONTHS
    try:
        series = chart_series(
            viewer=request.actor, key=request.GET.get("series", ""), months=months
        )
    except DomainError:
        raise Http404(_("There is no control chart with this name.")) from None
    spec = control_chart_spec(series)
    body = render_svg(spec) if fmt == "svg" else render_png(spec)
    response = HttpResponse(body, content_type=IMAGE_TYPES[fmt])
    name = re.sub(r"[^A-Za-z0-9-]+", "-", series.key)
    response["Content-Disposition"] = f'inline; filename="control-chart-{name}.{fmt}"'
    return response
