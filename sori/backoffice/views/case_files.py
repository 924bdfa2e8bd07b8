"""Case files (ISO 10002 8.5, R-AX.3): a sampled complaint's case file on the audit page, with
the auditor's note, and the printable case file of any complaint its reader may open."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sori.backoffice.auth import StaffRequest, forbidden, staff_required
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.audits import SampleNoteForm
from sori.backoffice.views.audits import CARRIERS, refusal
from sori.complaints.selectors import complaint_for
from sori.core.errors import DomainError, Forbidden, NotFound
from sori.governance import audits as selectors
from sori.governance.case_file import build_case_file
from sori.governance.services import audit_samples


def _sample_page(
    request: StaffRequest,
    reference: str,
    complaint_reference: str,
    form: SampleNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        sample = selectors.sample_for(
            viewer=request.actor, reference=reference, complaint_reference=complaint_reference
        )
        case_file = build_case_file(viewer=request.actor, complaint=sample.complaint, masked=True)
    except (NotFound, Forbidden) as error:
        return refusal(request, error)
    audit = sample.audit
    may_note = selectors.may_carry_out(request.actor, audit) and audit.status == "in_progress"
    context = {
        "audit": audit,
        "sample": sample,
        "case_file": case_file,
        "note_form": (form or SampleNoteForm(initial={"note": sample.note})) if may_note else None,
        "has_errors": bool(form and form.errors),
    }
    return render(request, "backoffice/audits/sample.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def sample(request: StaffRequest, reference: str, complaint_reference: str) -> HttpResponse:
    """A sampled complaint's case file, masked, with the auditor's note (8.5)."""
    if request.method != "POST":
        return _sample_page(request, reference, complaint_reference)
    if request.actor.role not in CARRIERS:
        return forbidden(request)
    form = SampleNoteForm(request.POST)
    if not form.is_valid():
        return _sample_page(request, reference, complaint_reference, form, status=400)
    try:
        audit_samples.review_sample(
            actor=request.actor,
            reference=reference,
            complaint_reference=complaint_reference,
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if isinstance(error, Forbidden):
            return forbidden(request, error.message)
        if isinstance(error, NotFound) or error.code == "audit_status":
            add_message(request, error)
            return redirect("backoffice:audit", reference=reference)
        add_form_errors(form, error)
        return _sample_page(
            request, reference, complaint_reference, form, status=http_status_for(error)
        )
    messages.success(request, _("Your note on the case file is recorded."))
    return redirect(
        "backoffice:audit-sample", reference=reference, complaint_reference=complaint_reference
    )


@require_GET
@staff_required
def case_file(request: StaffRequest, reference: str) -> HttpResponse:
    """The printable end-to-end case file of a complaint (R-AX.3), masked unless asked and
    allowed (``?personal=1``; the reading is logged, 4.10)."""
    try:
        complaint = complaint_for(viewer=request.actor, reference=reference)
        found = build_case_file(
            viewer=request.actor, complaint=complaint, masked=request.GET.get("personal") != "1"
        )
    except (NotFound, Forbidden) as error:
        return refusal(request, error)
    return render(
        request, "backoffice/audits/case_file.html", {"case_file": found, "reference": reference}
    )
