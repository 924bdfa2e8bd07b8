"""Reading internal audits (ISO 10002 8.5): who may read and carry them out, the independence
rule, and what the audit pages show.

Planners (``access.AUDIT_PLANNERS``) create programmes and plan audits; the staff member an audit
names as its auditor carries it out (planners may too). The auditor role reads every audit and
changes nothing. An auditor must be independent of the work audited: ``handled_by`` is the one
definition of "complaints this person handled", used to keep them out of the sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sori.accounts.models import Role, StaffProfile, Unit
from sori.analytics.filters import period_bounds
from sori.audit.models import AuditEntry
from sori.complaints.models import (
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    ConflictDeclaration,
    ContactRecord,
    DecisionLetter,
    ExternalReferral,
    InvestigationTask,
)
from sori.core.actors import Actor, ActorKind
from sori.core.errors import Forbidden, NotFound
from sori.governance import access
from sori.governance.clauses import BY_KEY, CLAUSES
from sori.governance.models import (
    AuditFinding,
    AuditProgramme,
    AuditSample,
    AuditStatus,
    ChecklistItem,
    ChecklistResult,
    InternalAudit,
)
from sori.governance.services.actions import FINAL as FINAL_ACTION_STATUSES

# The read-only auditor role examines the records; it never carries out (changes) an audit.
NOT_AUDITOR_ROLES = frozenset(Role.values) - {access.AUDITOR}
MAX_SAMPLE = 50


def can_read_audits(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in access.AUDIT_READERS


def can_plan_audits(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in access.AUDIT_PLANNERS


def is_named_auditor(viewer: Actor, audit: InternalAudit) -> bool:
    return viewer.is_staff and viewer.user_id is not None and audit.auditor_id == viewer.user_id


def may_read_audit(viewer: Actor, audit: InternalAudit) -> bool:
    return can_read_audits(viewer) or is_named_auditor(viewer, audit)


def may_carry_out(viewer: Actor, audit: InternalAudit) -> bool:
    """Whether the viewer may take the audit's steps (whatever its status). 8.5."""
    if not viewer.is_staff or viewer.role == access.AUDITOR:
        return False
    return can_plan_audits(viewer) or is_named_auditor(viewer, audit)


def handled_by(user_id: int) -> Q:
    """Complaints ``user_id`` took part in, so cannot audit independently (ISO 10002 8.5, 4.7).

    Handler now or ever (the assignment entries of the audit trail), received, assessed,
    proposed, approved, decided or wrote anything in the case (every timeline line names its
    actor), owned or set a task, recorded a contact, a letter, a referral or a file, declared a
    conflict in it, or is named in it.
    """
    staff_id = f"{ActorKind.STAFF.value}:{user_id}"
    ever_assigned = AuditEntry.objects.filter(
        action="sori.complaint.assigned", object_type="complaint", data__to__assignee=user_id
    ).values("object_id")
    mine = OuterRef("pk")
    return (
        Q(assignee_id=user_id)
        | Q(received_by_id=user_id)
        | Q(assessed_by_id=user_id)
        | Q(proposed_by_id=user_id)
        | Q(first_stage_handler_id=user_id)
        | Q(approved_by_id=user_id)
        | Q(reference__in=ever_assigned)
        | Q(Exists(ComplaintEvent.objects.filter(complaint=mine, actor=staff_id)))
        | Q(Exists(Attachment.objects.filter(complaint=mine, uploaded_by=staff_id)))
        | Q(
            Exists(
                InvestigationTask.objects.filter(
                    Q(owner_id=user_id) | Q(created_by_id=user_id), complaint=mine
                )
            )
        )
        | Q(Exists(ContactRecord.objects.filter(complaint=mine, recorded_by_id=user_id)))
        | Q(Exists(DecisionLetter.objects.filter(complaint=mine, created_by_id=user_id)))
        | Q(Exists(ExternalReferral.objects.filter(complaint=mine, recorded_by_id=user_id)))
        | Q(Exists(ConflictDeclaration.objects.filter(complaint=mine, staff_id=user_id)))
        | Q(
            Exists(Complaint.named_staff.through.objects.filter(complaint_id=mine, user_id=user_id))
        )
    )


def in_audit_scope(audit: InternalAudit) -> QuerySet[Complaint]:
    """The complaints an audit covers: received in its period, in its unit and category
    (sub-categories included, two levels down as the analytics count them)."""
    start, end = period_bounds(audit.scope_from, audit.scope_to)
    rows = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    if audit.unit_id is not None:
        rows = rows.filter(unit_id=audit.unit_id)
    if audit.category_id is not None:
        rows = rows.filter(
            Q(category_id=audit.category_id)
            | Q(category__parent_id=audit.category_id)
            | Q(category__parent__parent_id=audit.category_id)
        )
    return rows


def audit_for(*, viewer: Actor, reference: str) -> InternalAudit:
    audit = (
        InternalAudit.objects.select_related("auditor", "programme", "unit", "category")
        .filter(reference=reference)
        .first()
    )
    if audit is None:
        raise NotFound(_("No internal audit with this reference."))
    if not may_read_audit(viewer, audit):
        raise Forbidden(_("Your role does not give access to this audit."))
    return audit


def person(user: object | None) -> str:
    if user is None:
        return "—"
    full = user.get_full_name()  # type: ignore[attr-defined]
    return str(full or user.get_username())  # type: ignore[attr-defined]


def clause_title(key: str) -> str:
    clause = BY_KEY.get(key)
    return clause.title(get_language() or "ko") if clause else ""


@dataclass(frozen=True)
class AuditRow:
    audit: InternalAudit
    open_findings: int
    findings: int


@dataclass(frozen=True)
class Overview:
    programmes: list[AuditProgramme]
    audits: list[AuditRow]


def _open_findings() -> Q:
    # A finding stays open until its action is effective or cancelled; one without an action
    # stays open until the audit is completed.
    return Q(findings__improvement_action__isnull=False) & ~Q(
        findings__improvement_action__status__in=sorted(FINAL_ACTION_STATUSES)
    ) | Q(findings__improvement_action__isnull=True, findings__isnull=False) & ~Q(
        status=AuditStatus.COMPLETED
    )


def audits_overview(*, viewer: Actor) -> Overview:
    """Programmes and audits; someone outside the readers sees only the audits they carry out."""
    rows = InternalAudit.objects.select_related("auditor", "programme", "unit", "category")
    if not can_read_audits(viewer):
        if not viewer.is_staff or viewer.user_id is None:
            raise Forbidden(_("Your role does not give access to the internal audits."))
        rows = rows.filter(auditor_id=viewer.user_id)
        if not rows.exists():
            raise Forbidden(_("Your role does not give access to the internal audits."))
    rows = rows.annotate(
        open_count=Count("findings", filter=_open_findings(), distinct=True),
        finding_count=Count("findings", distinct=True),
    )
    programmes = list(AuditProgramme.objects.all()) if can_read_audits(viewer) else []
    return Overview(
        programmes=programmes,
        audits=[
            AuditRow(
                audit=row,
                open_findings=getattr(row, "open_count", 0),
                findings=getattr(row, "finding_count", 0),
            )
            for row in rows
        ],
    )


@dataclass(frozen=True)
class ChecklistRow:
    item: ChecklistItem
    ks: str
    key: str
    label: str
    title: str


@dataclass(frozen=True)
class SampleRow:
    sample: AuditSample
    reference: str
    status: str


@dataclass(frozen=True)
class FindingRow:
    finding: AuditFinding
    clause_label: str
    clause_title: str
    complaint: str
    action_reference: str
    action_status: str


@dataclass(frozen=True)
class AuditDetail:
    audit: InternalAudit
    checklist: list[ChecklistRow]
    samples: list[SampleRow]
    findings: list[FindingRow]
    unanswered: int
    may_carry_out: bool
    editable: bool
    same_unit_warning: bool
    warnings: list[str] = field(default_factory=list)


def _same_unit(audit: InternalAudit) -> bool:
    if audit.unit_id is None:
        return False
    unit_id = (
        StaffProfile.objects.filter(user_id=audit.auditor_id)
        .values_list("unit_id", flat=True)
        .first()
    )
    return unit_id == audit.unit_id


def audit_detail(*, viewer: Actor, reference: str) -> AuditDetail:
    audit = audit_for(viewer=viewer, reference=reference)
    checklist = []
    for item in audit.checklist.all():
        clause = BY_KEY.get(item.clause)
        checklist.append(
            ChecklistRow(
                item=item,
                key=item.clause,
                ks=clause.ks if clause else "",
                label=clause.label if clause else item.clause,
                title=clause_title(item.clause),
            )
        )
    samples = [
        SampleRow(
            sample=s, reference=s.complaint.reference, status=s.complaint.get_status_display()
        )
        for s in audit.samples.select_related("complaint")
    ]
    findings = []
    for finding in audit.findings.select_related("complaint", "improvement_action"):
        action = finding.improvement_action
        clause = BY_KEY.get(finding.clause)
        findings.append(
            FindingRow(
                finding=finding,
                clause_label=clause.label if clause else "",
                clause_title=clause_title(finding.clause),
                complaint=finding.complaint.reference if finding.complaint else "",
                action_reference=action.reference if action else "",
                action_status=str(action.get_status_display()) if action else "",
            )
        )
    carry = may_carry_out(viewer, audit)
    return AuditDetail(
        audit=audit,
        checklist=checklist,
        samples=samples,
        findings=findings,
        unanswered=sum(1 for row in checklist if row.item.result == ChecklistResult.NOT_CHECKED),
        may_carry_out=carry,
        editable=carry and audit.status in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS),
        same_unit_warning=_same_unit(audit),
    )


def sample_for(*, viewer: Actor, reference: str, complaint_reference: str) -> AuditSample:
    audit = audit_for(viewer=viewer, reference=reference)
    sample = (
        AuditSample.objects.select_related("audit", "complaint")
        .filter(audit=audit, complaint__reference=complaint_reference)
        .first()
    )
    if sample is None:
        raise NotFound(_("This complaint is not in the audit's sample."))
    return sample


def auditor_choices() -> list[tuple[int, str]]:
    """Active staff who may be named auditor: any role but the read-only auditor role (8.5)."""
    roles = dict(Role.choices)
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__role__in=sorted(NOT_AUDITOR_ROLES))
        .order_by("username")
        .values_list("pk", "username", "first_name", "last_name", "staff_profile__role")
    )
    return [
        (pk, f"{' '.join(p for p in (first, last) if p) or username} ({roles.get(role, role)})")
        for pk, username, first, last, role in users
    ]


def scope_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The units and active categories an audit's scope may be narrowed to, as (id, label)."""
    units = [(unit.pk, str(unit)) for unit in Unit.objects.order_by("code")]
    categories = [
        (category.pk, category.label) for category in Category.objects.filter(active=True)
    ]
    return units, categories


def programme_choices() -> list[tuple[int, str]]:
    return [
        (p.pk, f"{p.title} ({p.period_from:%Y-%m-%d} – {p.period_to:%Y-%m-%d})")
        for p in AuditProgramme.objects.all()
    ]


def clause_choices() -> list[tuple[str, str]]:
    return [(clause.key, f"{clause.label} {clause_title(clause.key)}") for clause in CLAUSES]


def sampled_by(*, viewer: Actor, complaint_id: int) -> bool:
    """Whether the viewer may read this complaint's case file because an audit they read or
    carry out sampled it (an independent auditor is usually outside the complaint's unit)."""
    if not viewer.is_staff or viewer.user_id is None:
        return False
    samples = AuditSample.objects.filter(complaint_id=complaint_id)
    if can_read_audits(viewer):
        return samples.exists()
    return samples.filter(audit__auditor_id=viewer.user_id).exists()
