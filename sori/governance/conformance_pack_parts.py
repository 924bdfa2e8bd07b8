"""The members of the evidence pack, one function per part (ISO 10002 4.1, 8.5; requirements
§6): policy, roles, KPI history, objectives, audits, reviews and sampled case files.

No member carries complainant personal data. Only the case files read a complaint's record:
``build_case_file(masked=True)`` masks the complainant's name, e-mail address and phone number
and the same in free text (kept, masked, so the auditor can follow the case), and ``scrub``
then masks any other occurrence of that complainant's own details (an address written into the
description). ``evidence_pack`` finally masks anything shaped like an e-mail address or phone
number in every text member, for what staff may have typed into findings, minutes or notes.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any

from django.db.models import Q, QuerySet

from sori.accounts.models import Role
from sori.analytics.catalogue import CATALOGUE
from sori.analytics.filters import month_after
from sori.analytics.kpis import kpis
from sori.complaints.models import Complainant, Complaint
from sori.complaints.scope import visible
from sori.complaints.workflow import Status as CaseStatus
from sori.core.actors import Actor
from sori.governance.conformance_base import Context, active_staff, percent
from sori.governance.conformance_masking import mask_html
from sori.governance.models import (
    Appointment,
    AuditProgramme,
    AuditSample,
    InternalAudit,
    ManagementReview,
    Objective,
    PolicyAcknowledgement,
    PolicyVersion,
    ReviewStatus,
)
from sori.governance.objectives import Cache, objective_progress

Member = tuple[str, str | bytes]
# A small random sample of closed complaints when no internal audit sampled any (8.5).
FALLBACK_SAMPLE = 5
# What replaces a complainant's detail found in a case file's text.
MASK = "[masked]"
# Sampled files beyond this are a case register, not a pack.
MAX_CASE_FILES = 200


def optional(module: str, name: str) -> Callable[..., Any] | None:
    """A function another part of governance provides, or None while it is not there yet."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(found, name, None)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_plain) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def _who(user: Any) -> str:
    return user.get_username() if user is not None else ""


def policy_members() -> list[Member]:
    """5.2, 5.3: every version with its approval and publication, and who acknowledged it."""
    staff = active_staff().count()
    members: list[Member] = []
    index = []
    versions = PolicyVersion.objects.select_related("drafted_by", "approved_by", "published_by")
    for version in versions.order_by("number"):
        acknowledged = PolicyAcknowledgement.objects.filter(policy=version).count()
        record = {
            "version": version.number, "status": version.status,
            "title_en": version.title_en, "title_ko": version.title_ko,
            "change_summary": version.change_summary,
            "effective_from": version.effective_from, "effective_to": version.effective_to,
            "drafted_by": _who(version.drafted_by), "drafted_at": version.drafted_at,
            "approved_by": _who(version.approved_by), "approved_at": version.approved_at,
            "approval_note": version.approval_note,
            "published_by": _who(version.published_by), "published_at": version.published_at,
            "acknowledged": acknowledged, "active_staff": staff,
            "acknowledged_percent": percent(acknowledged, staff),
        }  # fmt: skip
        index.append(record)
        members.append((f"policy/v{version.number}.json", _json(record)))
        members.append((f"policy/v{version.number}.en.txt", version.body_en))
        members.append((f"policy/v{version.number}.ko.txt", version.body_ko))
    members.insert(0, ("policy/versions.json", _json(index)))
    return members


def roles_member(viewer: Actor, on: dt.date) -> Member:
    """5.4: the role matrix from ``sori.governance.roles`` when it is there; until then the
    staff by role and the named duties, read here."""
    matrix = optional("sori.governance.roles", "role_matrix")
    if matrix is not None:
        return "roles.json", _json({"source": "sori.governance.roles.role_matrix",
                                    "matrix": matrix(viewer=viewer, on=on)})  # fmt: skip
    staff = [
        {"username": username, "role": role, "unit": unit or ""}
        for username, role, unit in active_staff()
        .order_by("staff_profile__role", "username")
        .values_list("username", "staff_profile__role", "staff_profile__unit__code")
    ]
    appointments = [
        {"duty": a.duty, "user": _who(a.user), "from": a.starts_on, "until": a.ended_on,
         "appointed_by": _who(a.appointed_by), "appointed_at": a.appointed_at}
        for a in Appointment.objects.select_related("user", "appointed_by")
    ]  # fmt: skip
    return "roles.json", _json({"source": "staff roles and appointments (no role matrix module)",
                                "roles": dict(Role.choices), "staff": staff,
                                "appointments": appointments})  # fmt: skip


def months(period_from: dt.date, period_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    found = []
    cursor = period_from
    while cursor <= period_to:
        following = month_after(cursor)
        found.append((cursor, min(period_to, following - dt.timedelta(days=1))))
        cursor = following
    return found


def kpi_history(viewer: Actor, period_from: dt.date, period_to: dt.date) -> Member:
    """8.4: every KPI month by month over the period (one ``kpis()`` call a month)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month_from", "month_to", *(kpi.code for kpi in CATALOGUE)])
    for start, end in months(period_from, period_to):
        values = kpis(viewer=viewer, period_from=start, period_to=end).by_code()
        row: list[object] = [start.isoformat(), end.isoformat()]
        row += ["" if values[kpi.code].value is None else values[kpi.code].value
                for kpi in CATALOGUE]  # fmt: skip
        writer.writerow(row)
    writer.writerow([])
    writer.writerow(["code", "target", "direction", "iso_clause", "formula"])
    for kpi in CATALOGUE:
        writer.writerow([kpi.code, "" if kpi.target is None else kpi.target, kpi.direction,
                         kpi.iso_clause, str(kpi.formula)])  # fmt: skip
    return "kpis.csv", out.getvalue()


def objectives_member(ctx: Context) -> Member:
    """6.2: each objective overlapping the period, with its result per month or quarter."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["objective", "indicator", "target", "from", "to", "owner", "active",
                     "period", "value", "result"])  # fmt: skip
    rows = Objective.objects.select_related("owner", "unit", "category").filter(
        period_from__lte=ctx.period_to, period_to__gte=ctx.period_from
    )
    cache: Cache = {}
    for objective in rows:
        progress = objective_progress(viewer=ctx.reader, objective=objective, cache=cache)
        base = [objective.title, objective.kpi_code, objective.target, objective.period_from,
                objective.period_to, _who(objective.owner), objective.active]  # fmt: skip
        if not progress.periods:
            writer.writerow([*base, "", "", ""])
        for period in progress.periods:
            value = "" if period.value is None else period.value
            writer.writerow([*base, period.label, value, period.rag])
    return "objectives.csv", out.getvalue()


def period_audits(ctx: Context) -> QuerySet[InternalAudit]:
    """Audits planned, carried out or completed in the period."""
    return InternalAudit.objects.filter(
        Q(planned_on__gte=ctx.period_from, planned_on__lte=ctx.period_to)
        | Q(completed_at__gte=ctx.start, completed_at__lt=ctx.end)
        | Q(started_at__gte=ctx.start, started_at__lt=ctx.end)
    ).select_related("auditor", "programme", "unit", "category")


def audit_members(ctx: Context) -> list[Member]:
    """8.5: the programmes, and each audit with its checklist, samples (references) and findings."""
    programmes = [
        {"title": p.title, "from": p.period_from, "to": p.period_to,
         "description": p.description, "created_by": _who(p.created_by)}
        for p in AuditProgramme.objects.filter(period_from__lte=ctx.period_to,
                                               period_to__gte=ctx.period_from)
    ]  # fmt: skip
    members: list[Member] = [("audits/programmes.json", _json(programmes))]
    for audit in period_audits(ctx):
        record = {
            "reference": audit.reference, "title": audit.title, "scope": audit.scope,
            "programme": audit.programme.title if audit.programme else "",
            "scope_from": audit.scope_from, "scope_to": audit.scope_to,
            "unit": audit.unit.code if audit.unit else "",
            "category": audit.category.code if audit.category else "",
            "auditor": _who(audit.auditor), "planned_on": audit.planned_on,
            "status": audit.status, "started_at": audit.started_at,
            "completed_at": audit.completed_at, "conclusion": audit.conclusion,
            "checklist": [{"clause": item.clause, "result": item.result, "note": item.note,
                           "checked_at": item.checked_at} for item in audit.checklist.all()],
            "samples": [{"complaint": s.complaint.reference, "drawn_at": s.drawn_at,
                         "reviewed_at": s.reviewed_at, "note": s.note}
                        for s in audit.samples.select_related("complaint")],
            "findings": [{"kind": f.kind, "clause": f.clause, "finding": f.description,
                          "complaint": f.complaint.reference if f.complaint else "",
                          "improvement_action": f.improvement_action.reference
                          if f.improvement_action else "",
                          "raised_by": _who(f.raised_by), "raised_at": f.raised_at}
                         for f in audit.findings.select_related("complaint",
                                                                "improvement_action",
                                                                "raised_by")],
        }  # fmt: skip
        members.append((f"audits/{audit.reference}.json", _json(record)))
    return members


def review_members(ctx: Context) -> list[Member]:
    """8.6: the reviews held in the period: minutes, inputs as reviewed, decisions; and the
    review pack as PDF when ``sori.governance.review_pack`` is there (rendered masked)."""
    make_html = optional("sori.governance.review_pack", "review_pack_html")
    members: list[Member] = []
    held = ManagementReview.objects.filter(status=ReviewStatus.HELD, held_at__gte=ctx.start,
                                           held_at__lt=ctx.end).select_related("chair")  # fmt: skip
    for review in held:
        record = {
            "reference": review.reference, "period_from": review.period_from,
            "period_to": review.period_to, "planned_on": review.planned_on,
            "held_at": review.held_at, "chair": _who(review.chair),
            "attendees": review.attendees, "changes": review.changes,
            "recommendations": review.recommendations, "minutes": review.minutes,
            "inputs_as_reviewed": review.inputs_snapshot,
            "decisions": [{"kind": d.kind, "decision": d.text, "owner": _who(d.owner),
                           "due_on": d.due_on, "done_at": d.done_at,
                           "improvement_action": d.improvement_action.reference
                           if d.improvement_action else ""}
                          for d in review.decisions.select_related("owner",
                                                                   "improvement_action")],
        }  # fmt: skip
        members.append((f"reviews/{review.reference}.json", _json(record)))
        if make_html is not None:
            members.append((f"reviews/{review.reference}.pdf", _review_pdf(ctx, review)))
    return members


def _review_pdf(ctx: Context, review: ManagementReview) -> bytes:
    """The review pack as ``review_pack.review_pdf`` prints it, from its HTML with e-mail
    addresses and phone numbers masked first (a PDF cannot be masked afterwards)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    module = importlib.import_module("sori.governance.review_pack")
    page = module.review_pack_html(viewer=ctx.reader, review=review, for_print=True)
    fonts = FontConfiguration()
    document = HTML(string=mask_html(page), base_url=module.FONT_DIR.as_uri() + "/")
    return bytes(document.write_pdf(font_config=fonts))


def sampled_complaints(ctx: Context) -> tuple[list[Complaint], str]:
    """The complaints the period's audits sampled; if none, a few closed in the period."""
    scoped = Complaint.objects.filter(visible(ctx.viewer))
    sampled = scoped.filter(
        pk__in=AuditSample.objects.filter(audit__in=period_audits(ctx)).values("complaint_id")
    ).order_by("reference")[:MAX_CASE_FILES]
    if sampled:
        return list(sampled), "internal_audit"
    closed = scoped.filter(status=CaseStatus.CLOSED, closed_at__gte=ctx.start,
                           closed_at__lt=ctx.end).order_by("?")[:FALLBACK_SAMPLE]  # fmt: skip
    return list(closed), "random_closed"


def _fallback_case_file(complaint: Complaint) -> dict[str, Any]:
    """The structured record of a case without any personal data or free text."""
    fields = ("reference", "channel", "language", "received_at", "acknowledged_at", "status",
              "priority", "due_at", "severity", "safety_risk", "complexity", "impact",
              "immediate_action_needed", "assessed_at", "outcome", "remedy_type",
              "remedy_amount", "approved_at", "decision_method", "decision_issued_at",
              "external_routes_given", "review_round", "reaction", "reaction_at",
              "closure_code", "closed_at", "reopened_count")  # fmt: skip
    record: dict[str, Any] = {name: getattr(complaint, name) for name in fields}
    record["category"] = complaint.category.code if complaint.category else ""
    record["handler"] = _who(complaint.assignee)
    record["approved_by"] = _who(complaint.approved_by)
    record["timeline"] = [
        {"kind": e.kind, "from": e.from_status, "to": e.to_status, "at": e.occurred_at}
        for e in complaint.events.all()
    ]
    record["timers"] = [
        {"stage": t.stage, "round": t.round, "state": t.state, "due_at": t.due_at,
         "stopped_at": t.stopped_at} for t in complaint.timers.all()
    ]  # fmt: skip
    return record


def _known_details(complaint: Complaint) -> list[str]:
    """The complainant's own details, decrypted in memory only to find them in the case file's
    text and mask them (4.10): nobody is shown them, so no personal-data reading is logged."""
    person = (
        Complainant.objects.filter(pk=complaint.complainant_id).first()
        if complaint.complainant_id is not None
        else None
    )
    found: list[str] = []
    if person is not None:
        for value in (person.name, person.email, person.phone, person.postal_address):
            found += [value.strip(), *(line.strip() for line in value.splitlines())]
        digits = "".join(ch for ch in person.phone if ch.isdigit())
        found.append(digits)
    on_behalf = Complaint.objects.filter(pk=complaint.pk).values_list("on_behalf_of", flat=True)
    found += [value.strip() for value in on_behalf if value]
    # Longest first, so a whole address is masked before a part of it; one letter is no name.
    return sorted({value for value in found if len(value) >= 2}, key=len, reverse=True)


def scrub(value: Any, details: list[str]) -> Any:
    """``value`` with every occurrence of ``details`` in its strings replaced by ``[masked]``."""
    if isinstance(value, str):
        for detail in details:
            value = value.replace(detail, MASK)
        return value
    if isinstance(value, dict):
        return {key: scrub(item, details) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, details) for item in value]
    return value


def case_file_members(ctx: Context) -> list[Member]:
    """8.5: the sampled case files, masked: ``sori.governance.case_file.build_case_file`` with
    ``masked=True`` (names, e-mail addresses and phone numbers masked, free text masked), then
    every other occurrence of the complainant's own details (such as the postal address written
    into the description) masked as well; without that module, the structured record with no
    personal data and no free text."""
    build = optional("sori.governance.case_file", "build_case_file")
    complaints, how = sampled_complaints(ctx)
    members: list[Member] = [("case-files/index.json", _json({
        "selection": how, "complaints": [c.reference for c in complaints],
        "format": "sori.governance.case_file (masked)" if build else "structured record, "
                  "no personal data, no free text"}))]  # fmt: skip
    for complaint in complaints:
        if build is not None:
            record: Any = build(viewer=ctx.reader, complaint=complaint, masked=True)
            if hasattr(record, "as_dict"):
                record = record.as_dict()
            record = scrub(record, _known_details(complaint))
        else:
            complaint = Complaint.objects.select_related(
                "category", "assignee", "approved_by").get(pk=complaint.pk)  # fmt: skip
            record = _fallback_case_file(complaint)
        members.append((f"case-files/{complaint.reference}.json", _json(record)))
    return members
