"""Internal audits of the complaints-handling process (ISO 10002 8.5) and the end-to-end case
file of a complaint (R-AX.3).

Planners (complaints manager, top management) create programmes and plan audits; the named
auditor carries an audit out (start, checklist, sample, notes, findings, completion); the
auditor role and the administrator read. Each view validates a form, calls one service or
selector and renders.
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

from sori.backoffice.auth import StaffRequest, forbidden, roles_required, staff_required
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.audits import (
    AddSampleForm,
    AuditForm,
    ChecklistForm,
    CompleteForm,
    DrawForm,
    FindingForm,
    ProgrammeForm,
)
from sori.core.errors import DomainError, Forbidden, NotFound
from sori.governance import audits as selectors
from sori.governance.services import audit_findings, audit_samples
from sori.governance.services import audits as services

CARRIERS = tuple(sorted(selectors.NOT_AUDITOR_ROLES))


def refusal(request: StaffRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, Forbidden):
        return forbidden(request, error.message)
    return render(
        request,
        "backoffice/audits/missing.html",
        {"message": error.message},
        status=http_status_for(error),
    )


# --- the list and the planners' forms -------------------------------------------------------


def _audit_form(*args: Any, **kwargs: Any) -> AuditForm:
    units, categories = selectors.scope_choices()
    return AuditForm(
        *args,
        auditors=selectors.auditor_choices(),
        programmes=selectors.programme_choices(),
        units=units,
        categories=categories,
        **kwargs,
    )


def _list(
    request: StaffRequest, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    try:
        overview = selectors.audits_overview(viewer=request.actor)
    except Forbidden as error:
        return forbidden(request, error.message)
    bound = bound or {}
    context: dict[str, Any] = {"overview": overview, "may_plan": False}
    if selectors.can_plan_audits(request.actor):
        context["may_plan"] = True
        context["programme_form"] = bound.get("programme") or ProgrammeForm()
        context["audit_form"] = bound.get("audit") or _audit_form()
    context["has_errors"] = any(form.errors for form in bound.values())
    return render(request, "backoffice/audits/list.html", context, status=status)


@require_GET
@staff_required
def audits(request: StaffRequest) -> HttpResponse:
    """Programmes and audits with their status and open findings (8.5)."""
    return _list(request)


@require_POST
@roles_required(*sorted(selectors.access.AUDIT_PLANNERS))
def new_programme(request: StaffRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST)
    if not form.is_valid():
        return _list(request, {"programme": form}, status=400)
    data = form.cleaned_data
    try:
        services.create_programme(
            actor=request.actor,
            title=data["title"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            description=data["description"],
        )
    except DomainError as error:
        add_form_errors(form, error)
        return _list(request, {"programme": form}, status=http_status_for(error))
    messages.success(request, _("The audit programme is created."))
    return redirect("backoffice:audits")


@require_POST
@roles_required(*sorted(selectors.access.AUDIT_PLANNERS))
def new_audit(request: StaffRequest) -> HttpResponse:
    form = _audit_form(request.POST)
    if not form.is_valid():
        return _list(request, {"audit": form}, status=400)
    data = form.cleaned_data
    try:
        audit = services.plan_audit(
            actor=request.actor,
            title=data["title"],
            scope=data["scope"],
            scope_from=data["scope_from"],
            scope_to=data["scope_to"],
            auditor_id=data["auditor"],
            planned_on=data["planned_on"],
            programme_id=data["programme"],
            unit_id=data["unit"],
            category_id=data["category"],
        )
    except DomainError as error:
        add_form_errors(form, error, {"scope_to": "scope_to"})
        return _list(request, {"audit": form}, status=http_status_for(error))
    messages.success(request, _("Audit %(reference)s is planned.") % {"reference": audit.reference})
    return redirect("backoffice:audit", reference=audit.reference)


# --- one audit ------------------------------------------------------------------------------


def _detail(
    request: StaffRequest, reference: str, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        detail = selectors.audit_detail(viewer=request.actor, reference=reference)
    except (NotFound, Forbidden) as error:
        return refusal(request, error)
    bound = bound or {}
    working = detail.editable and detail.audit.status == "in_progress"
    rows = []
    for row in detail.checklist:
        form = None
        if working:
            form = bound.get(f"item-{row.item.pk}") or ChecklistForm(
                auto_id=f"id_item{row.item.pk}_%s",
                initial={"item": row.item.pk, "result": row.item.result, "note": row.item.note},
            )
        rows.append({"row": row, "form": form})
    context: dict[str, Any] = {
        "detail": detail,
        "audit": detail.audit,
        "rows": rows,
        "working": working,
    }
    if working:
        context["draw_form"] = bound.get("draw") or DrawForm()
        context["add_form"] = bound.get("add") or AddSampleForm()
        context["finding_form"] = bound.get("finding") or FindingForm(
            clauses=selectors.clause_choices(),
            complaints=[s.reference for s in detail.samples],
        )
        context["complete_form"] = bound.get("complete") or CompleteForm()
    context["has_errors"] = any(getattr(f, "errors", None) for f in bound.values())
    return render(request, "backoffice/audits/detail.html", context, status=status)


@require_GET
@staff_required
def audit(request: StaffRequest, reference: str) -> HttpResponse:
    return _detail(request, reference)


def _after(
    request: StaffRequest, reference: str, error: DomainError | None, done: str
) -> HttpResponse:
    if error is None:
        messages.success(request, done)
    elif isinstance(error, Forbidden):
        return forbidden(request, error.message)
    else:
        add_message(request, error)
    return redirect("backoffice:audit", reference=reference)


@require_POST
@roles_required(*CARRIERS)
def start(request: StaffRequest, reference: str) -> HttpResponse:
    try:
        services.start_audit(actor=request.actor, reference=reference)
    except DomainError as error:
        return _after(request, reference, error, "")
    return _after(request, reference, None, _("The audit is started."))


def _form_step(
    request: StaffRequest,
    reference: str,
    key: str,
    form: forms.Form,
    call: Any,
    done: str,
    anchor: str = "",
) -> HttpResponse:
    """Validate ``form``, run ``call(data)``; on an error re-render the audit with it (400…)."""
    if not form.is_valid():
        return _detail(request, reference, {key: form}, status=400)
    try:
        call(form.cleaned_data)
    except DomainError as error:
        if isinstance(error, Forbidden):
            return forbidden(request, error.message)
        if isinstance(error, NotFound) or error.code == "audit_status":
            add_message(request, error)
            return redirect("backoffice:audit", reference=reference)
        add_form_errors(form, error)
        return _detail(request, reference, {key: form}, status=http_status_for(error))
    messages.success(request, done)
    return redirect(reverse("backoffice:audit", kwargs={"reference": reference}) + anchor)


@require_POST
@roles_required(*CARRIERS)
def checklist(request: StaffRequest, reference: str) -> HttpResponse:
    item = request.POST.get("item", "")
    form = ChecklistForm(request.POST, auto_id=f"id_item{item}_%s" if item.isdigit() else "id_%s")
    return _form_step(
        request,
        reference,
        f"item-{item}",
        form,
        lambda d: services.record_checklist_result(
            actor=request.actor,
            reference=reference,
            item_id=d["item"],
            result=d["result"],
            note=d["note"],
        ),
        _("The checklist result is recorded."),
        "#checklist",
    )


@require_POST
@roles_required(*CARRIERS)
def draw(request: StaffRequest, reference: str) -> HttpResponse:
    def call(d: dict[str, Any]) -> None:
        drawn = audit_samples.draw_sample(
            actor=request.actor, reference=reference, size=d["size"], seed=d["seed"]
        )
        if not drawn:
            messages.warning(request, _("No eligible complaint is left in the audit's scope."))

    return _form_step(
        request,
        reference,
        "draw",
        DrawForm(request.POST),
        call,
        _("The sample is drawn."),
        "#samples",
    )


@require_POST
@roles_required(*CARRIERS)
def add_sample(request: StaffRequest, reference: str) -> HttpResponse:
    return _form_step(
        request,
        reference,
        "add",
        AddSampleForm(request.POST),
        lambda d: audit_samples.add_sample(
            actor=request.actor, reference=reference, complaint_reference=d["complaint"]
        ),
        _("The complaint is added to the sample."),
        "#samples",
    )


@require_POST
@roles_required(*CARRIERS)
def finding(request: StaffRequest, reference: str) -> HttpResponse:
    try:
        detail = selectors.audit_detail(viewer=request.actor, reference=reference)
    except (NotFound, Forbidden) as error:
        return refusal(request, error)
    form = FindingForm(
        request.POST,
        clauses=selectors.clause_choices(),
        complaints=[s.reference for s in detail.samples],
    )
    return _form_step(
        request,
        reference,
        "finding",
        form,
        lambda d: audit_findings.raise_finding(
            actor=request.actor,
            reference=reference,
            kind=d["kind"],
            clause=d["clause"],
            description=d["description"],
            complaint_reference=d["complaint"],
            open_action=d["open_action"],
        ),
        _("The finding is recorded."),
        "#findings",
    )


@require_POST
@roles_required(*CARRIERS)
def finding_action(request: StaffRequest, reference: str, finding_id: int) -> HttpResponse:
    try:
        audit_findings.open_action_for_finding(
            actor=request.actor, reference=reference, finding_id=finding_id
        )
    except DomainError as error:
        return _after(request, reference, error, "")
    return _after(request, reference, None, _("An improvement action is open for the finding."))


@require_POST
@roles_required(*CARRIERS)
def complete(request: StaffRequest, reference: str) -> HttpResponse:
    return _form_step(
        request,
        reference,
        "complete",
        CompleteForm(request.POST),
        lambda d: services.complete_audit(
            actor=request.actor, reference=reference, conclusion=d["conclusion"]
        ),
        _("The audit is completed."),
    )
