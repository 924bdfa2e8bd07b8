"""Findings of an internal audit (ISO 10002 8.5) and the improvement actions they open (8.7).

A nonconformity opens an action at once; an observation or an opportunity for improvement
opens one when the auditor asks.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, InvalidInput, NotFound
from sori.governance.clauses import BY_KEY
from sori.governance.models import (
    ActionSource,
    AuditFinding,
    AuditSample,
    FindingKind,
    ImprovementAction,
    InternalAudit,
)
from sori.governance.services.action_opening import open_authorised_action
from sori.governance.services.audits import WORKING, audit_entry, clean_text, locked_audit


def _open_action(actor: Actor, audit: InternalAudit, finding: AuditFinding) -> ImprovementAction:
    clause = BY_KEY.get(finding.clause)
    title = _("Internal audit %(reference)s: %(kind)s") % {
        "reference": audit.reference,
        "kind": finding.get_kind_display(),
    }
    if clause is not None:
        title = f"{title} ({clause.label})"
    # ISO 10002 8.5/8.7: the audit's named auditor opens the action at once, whatever their
    # role; the callers have checked that the actor carries out this audit.
    action = open_authorised_action(
        actor=actor,
        title=title,
        description=finding.description,
        source=ActionSource.INTERNAL_AUDIT,
        source_key=f"audit:{audit.reference}:finding:{finding.pk}",
        complaint_ids=[finding.complaint_id] if finding.complaint_id else [],
        complaints_in_scope=False,
    )
    finding.improvement_action = action
    finding.save(update_fields=["improvement_action"])
    return action


def raise_finding(
    *,
    actor: Actor,
    reference: str,
    kind: str,
    description: str,
    clause: str = "",
    complaint_reference: str = "",
    open_action: bool = False,
) -> AuditFinding:
    """A finding; a nonconformity opens an improvement action at once (8.5, 8.7), an
    observation or opportunity when asked."""
    if kind not in FindingKind.values:
        raise InvalidInput(_("Choose the kind of finding."), code="invalid_kind", field="kind")
    if clause and clause not in BY_KEY:
        raise InvalidInput(
            _("Choose a clause from the list."), code="invalid_clause", field="clause"
        )
    description = clean_text(description, field="description", required=_("Describe the finding."))
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        complaint_id = None
        if complaint_reference:
            complaint_id = (
                AuditSample.objects.filter(audit=audit, complaint__reference=complaint_reference)
                .values_list("complaint_id", flat=True)
                .first()
            )
            if complaint_id is None:
                raise InvalidInput(
                    _("Choose a complaint from the audit's sample."),
                    code="not_sampled",
                    field="complaint",
                )
        # A double submit (or a second tab) must not record the same finding twice.
        same_complaint = (
            Q(complaint_id=complaint_id) if complaint_id is not None else Q(complaint__isnull=True)
        )
        if AuditFinding.objects.filter(
            same_complaint, audit=audit, kind=kind, clause=clause, description=description
        ).exists():
            raise InvalidInput(
                _("This finding is already recorded."),
                code="duplicate_finding",
                field="description",
            )
        finding = AuditFinding.objects.create(
            audit=audit,
            kind=kind,
            clause=clause,
            description=description,
            complaint_id=complaint_id,
            raised_by_id=actor.user_id,
            raised_at=clock.now(),
        )
        if kind == FindingKind.NONCONFORMITY or open_action:
            _open_action(actor, audit, finding)
        audit_entry(
            actor,
            audit,
            "finding_raised",
            {
                "finding": finding.pk,
                "kind": kind,
                "clause": clause,
                "complaint": complaint_reference or None,
                "description": description,
                "action": finding.improvement_action.reference
                if finding.improvement_action
                else None,
            },
        )
    return finding


def open_action_for_finding(*, actor: Actor, reference: str, finding_id: int) -> AuditFinding:
    """An improvement action for an observation or opportunity raised without one."""
    with transaction.atomic():
        audit = locked_audit(actor, reference, statuses=WORKING)
        finding = (
            AuditFinding.objects.select_for_update().filter(audit=audit, pk=finding_id).first()
        )
        if finding is None:
            raise NotFound(_("No such finding on this audit."))
        if finding.improvement_action_id is not None:
            raise Conflict(
                _("This finding already has an improvement action."), code="action_exists"
            )
        action = _open_action(actor, audit, finding)
        audit_entry(
            actor,
            audit,
            "finding_action_opened",
            {"finding": finding.pk, "action": action.reference},
        )
    return finding
