"""Deadlines in the workspace: the stage clocks, one extension per stage, and the reassessment.

ISO 10002 4.15 (timeliness), 7.3 (the complainant is kept informed of the progress and of a new
date), 7.5 (the assessment decides the priority and so the SLA policy). The panel lists every
stage clock of the complaint from ``sori.sla.selectors.clocks_for``; a handler or manager who may
assign the complaint gets, on a live stage whose policy allows it, a form to extend it once. The
reassessment form sits in the assessment panel. Both post through the workspace's ``_post``:
shape checked, one service called, errors on the form with what was typed, htmx or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sori.backoffice.auth import StaffRequest, staff_required
from sori.backoffice.forms.deadlines import ExtensionForm
from sori.backoffice.forms.workspace import ReassessmentForm
from sori.backoffice.views import workspace
from sori.complaints import selectors
from sori.complaints.models import Complaint
from sori.complaints.services.escalation import reassess_complaint
from sori.complaints.workflow import Event
from sori.complaints.workspace_selectors import WorkspaceView
from sori.sla.models import Stage
from sori.sla.selectors import StageClock, clocks_for
from sori.sla.services.extension import extend_deadline

REASSESS_IDS = "id_reassess_%s"


@dataclass(frozen=True)
class DeadlineRow:
    clock: StageClock
    paused: str  # the time spent waiting for the complainant, in words; "" when none
    form: ExtensionForm | None


@dataclass(frozen=True)
class DeadlinesPanel:
    rows: list[DeadlineRow]
    # The forms this feature puts on the page, under the keys the workspace's posts use
    # (``extend:<stage>``, ``reassessment``), so that an error on one is shown where it belongs.
    forms: dict[str, forms.Form] = field(default_factory=dict)


def duration(seconds: int) -> str:
    """``seconds`` in words, to the minute, at most two units (for example "2 days 3 hours")."""
    minutes = seconds // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    if not parts and seconds > 0:
        return _("less than a minute")
    return " ".join(parts[:2])


def _carriers(clocks: list[StageClock]) -> dict[str, int]:
    """Per stage, the row that carries its extension form: its latest live round, else its last."""
    carriers: dict[str, int] = {}
    for index, item in enumerate(clocks):
        current = carriers.get(item.stage)
        if current is None or item.live or not clocks[current].live:
            carriers[item.stage] = index
    return carriers


def _reassessment_initial(complaint: Complaint, version: int) -> dict[str, Any]:
    def yes_no(value: bool | None) -> str | None:
        return None if value is None else ("yes" if value else "no")

    return {
        "expected_version": version,
        "severity": complaint.severity,
        "safety_risk": yes_no(complaint.safety_risk),
        "complexity": complaint.complexity,
        "impact": complaint.impact,
        "immediate_action_needed": yes_no(complaint.immediate_action_needed),
        "immediate_action": complaint.immediate_action or "",
        "complaint_type": complaint.complaint_type.code if complaint.complaint_type else "",
    }


def panel(request: StaffRequest, ws: WorkspaceView, bound: dict[str, forms.Form]) -> DeadlinesPanel:
    """The deadlines panel and this feature's forms, for the workspace's context."""
    complaint = selectors.complaint_for(viewer=request.actor, reference=ws.header.reference)
    clocks = clocks_for(viewer=request.actor, complaint=complaint)
    made: dict[str, forms.Form] = {}
    carriers = _carriers(clocks)
    rows = []
    for index, item in enumerate(clocks):
        key = f"extend:{item.stage}"
        form = None
        if carriers.get(item.stage) == index:
            given = bound.get(key)
            if isinstance(given, ExtensionForm):
                # A refused extension comes back here with what was typed, even when the stage
                # can no longer be extended (someone else extended it first).
                form = given
            elif ws.permissions.may_assign and item.live and item.extension_allowed:
                form = ExtensionForm(stage=item.stage)
        if form is not None:
            made[key] = form
        paused = duration(item.paused_seconds) if item.paused_seconds else ""
        rows.append(DeadlineRow(clock=item, paused=paused, form=form))
    # ISO 10002 7.5: a new assessment when the facts change; offered when the workflow allows it.
    if "reassessment" in bound:
        made["reassessment"] = bound["reassessment"]
    elif any(option.event == Event.REASSESS.value for option in ws.options.events):
        made["reassessment"] = ReassessmentForm(
            auto_id=REASSESS_IDS, initial=_reassessment_initial(complaint, ws.header.version)
        )
    return DeadlinesPanel(rows=rows, forms=made)


@require_POST
@staff_required
def extend(request: StaffRequest, reference: str) -> HttpResponse:
    """One extension of a stage's deadline, with the new date and the reason (7.3)."""
    actor = request.actor
    permissions = workspace._permissions(request, reference)  # 404 outside the scope
    posted = request.POST.get("stage", "")
    stage = posted if posted in Stage.values else ""

    def make(data: QueryDict) -> forms.Form:
        return ExtensionForm(data, stage=stage or "unknown")

    def act(form: forms.Form) -> object:
        data = form.cleaned_data
        return extend_deadline(
            actor=actor,
            reference=reference,
            stage=data["stage"],
            new_date=data["new_date"],
            reason=data["reason"],
        )

    return workspace._post(
        request,
        reference,
        panel="deadlines",
        key=f"extend:{stage}" if stage else "extend",
        make=make,
        act=act,
        success=_("The deadline is extended; the complainant is told the new date and the reason."),
        allowed=permissions.may_assign,
    )


@require_POST
@staff_required
def reassess(request: StaffRequest, reference: str) -> HttpResponse:
    """A new assessment (7.5); the SLA policy is chosen again and the deadlines follow."""
    actor = request.actor
    permissions = workspace._permissions(request, reference)  # 404 outside the scope

    def make(data: QueryDict) -> forms.Form:
        return ReassessmentForm(data, auto_id=REASSESS_IDS)

    def act(form: ReassessmentForm) -> object:
        return reassess_complaint(
            actor=actor,
            reference=reference,
            data=form.event_data(),
            expected_version=form.cleaned_data["expected_version"],
        )

    return workspace._post(
        request,
        reference,
        panel="assessment",
        key="reassessment",
        make=make,
        act=act,
        success=_("The complaint is reassessed; its deadlines follow the new assessment."),
        allowed=Event.REASSESS.value in permissions.may_fire,
    )
