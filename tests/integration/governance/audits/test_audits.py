"""Internal audits (ISO 10002 8.5): planning, the clause checklist, independent random samples,
findings that open improvement actions, and completion."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.complaints.services.assignment import assign_complaint
from sori.complaints.services.investigation import add_note
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.clauses import CLAUSES
from sori.governance.models import (
    ActionSource,
    AuditSample,
    AuditStatus,
    ChecklistResult,
    FindingKind,
)
from sori.governance.services import audit_findings, audit_samples
from sori.governance.services import audits as services
from tests.integration.governance.audits.helpers import category, planned, started, today, unit


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


@pytest.fixture
def auditor(make_staff):
    # An independent staff member of another role carries out the audit.
    return make_staff(Role.INVESTIGATOR)


def test_a_new_audit_has_every_clause_on_its_checklist_in_order(manager, auditor):
    audit = planned(manager, auditor)

    items = list(audit.checklist.order_by("position"))
    assert [item.clause for item in items] == [clause.key for clause in CLAUSES]
    assert items[0].clause == "4.1" and items[-1].clause == "8.7"
    assert all(item.result == ChecklistResult.NOT_CHECKED for item in items)
    assert audit.reference.startswith(f"AU-{clock.now().year}-")
    entry = AuditEntry.objects.get(action="sori.internal_audit.planned")
    assert entry.iso_clause == "8.5" and entry.object_id == audit.reference


def test_only_planners_plan_audits(make_staff, auditor):
    with pytest.raises(Forbidden):
        planned(make_staff(Role.HANDLER), auditor)
    with pytest.raises(Forbidden):
        planned(make_staff(Role.AUDITOR), auditor)


def test_the_read_only_auditor_role_cannot_be_named_auditor(manager, make_staff):
    with pytest.raises(InvalidInput) as refused:
        planned(manager, make_staff(Role.AUDITOR))
    assert refused.value.code == "auditor_role_reads_only"


def test_a_scope_that_ends_before_it_starts_is_refused(manager, auditor):
    with pytest.raises(InvalidInput) as refused:
        planned(manager, auditor, scope_from=today(), scope_to=today() - dt.timedelta(days=1))
    assert refused.value.params["field"] == "scope_to"


def test_a_sample_never_contains_a_complaint_the_auditor_handled(manager, auditor, submit):
    handled = [submit().reference for _ in range(4)]
    for reference in handled[:2]:
        assign_complaint(actor=manager, reference=reference, assignee_id=auditor.user_id)
    # Handled before, then given to someone else: still not independent.
    assign_complaint(actor=manager, reference=handled[2], assignee_id=auditor.user_id)
    assign_complaint(actor=manager, reference=handled[2], assignee_id=manager.user_id)
    # Wrote in the case.
    add_note(actor=auditor, reference=handled[3], text="확인했습니다.")
    others = {submit().reference for _ in range(3)}

    for seed in range(8):
        audit = started(manager, auditor)
        audit_samples.draw_sample(actor=auditor, reference=audit.reference, size=10, seed=seed)
        drawn = set(
            AuditSample.objects.filter(audit=audit).values_list("complaint__reference", flat=True)
        )
        assert drawn == others


def test_adding_a_complaint_the_auditor_handled_by_hand_is_refused(manager, auditor, submit):
    reference = submit().reference
    assign_complaint(actor=manager, reference=reference, assignee_id=auditor.user_id)
    audit = started(manager, auditor)

    with pytest.raises(InvalidInput) as refused:
        audit_samples.add_sample(
            actor=auditor, reference=audit.reference, complaint_reference=reference
        )
    assert refused.value.code == "not_independent"
    assert not AuditSample.objects.filter(audit=audit).exists()


def test_the_sample_respects_the_period_unit_and_category(manager, auditor, submit):
    parent = category("delivery")
    child = category("delivery-late", parent)
    other = category("billing")
    north, south = unit("north"), unit("south")
    inside = submit(category=child.code).reference
    Complaint.objects.filter(reference=inside).update(unit=north)
    wrong_unit = submit(category=child.code).reference
    Complaint.objects.filter(reference=wrong_unit).update(unit=south)
    wrong_category = submit(category=other.code).reference
    Complaint.objects.filter(reference=wrong_category).update(unit=north)
    old = submit(category=parent.code).reference
    Complaint.objects.filter(reference=old).update(
        unit=north, received_at=clock.now() - dt.timedelta(days=90)
    )

    audit = started(manager, auditor, unit_id=north.pk, category_id=parent.pk)
    audit_samples.draw_sample(actor=auditor, reference=audit.reference, size=10, seed=1)

    drawn = set(
        AuditSample.objects.filter(audit=audit).values_list("complaint__reference", flat=True)
    )
    assert drawn == {inside}
    with pytest.raises(InvalidInput) as refused:
        audit_samples.add_sample(actor=auditor, reference=audit.reference, complaint_reference=old)
    assert refused.value.code == "out_of_scope"


def test_the_draw_is_recorded_with_its_seed_and_repeats(manager, auditor, submit):
    for _ in range(6):
        submit()
    first = started(manager, auditor)
    second = started(manager, auditor)
    audit_samples.draw_sample(actor=auditor, reference=first.reference, size=3, seed=42)
    audit_samples.draw_sample(actor=auditor, reference=second.reference, size=3, seed=42)

    entries = AuditEntry.objects.filter(action="sori.internal_audit.sample_drawn")
    assert [e.data["seed"] for e in entries] == [42, 42]
    assert entries[0].data["drawn"] == entries[1].data["drawn"]
    assert entries[0].data["population"] == 6 and len(entries[0].data["drawn"]) == 3


def test_a_nonconformity_opens_an_improvement_action_linked_to_the_complaint(
    manager, auditor, submit
):
    reference = submit().reference
    audit = started(manager, auditor)
    audit_samples.add_sample(
        actor=auditor, reference=audit.reference, complaint_reference=reference
    )

    finding = audit_findings.raise_finding(
        actor=auditor,
        reference=audit.reference,
        kind=FindingKind.NONCONFORMITY,
        clause="7.4",
        description="접수 통지가 기록되지 않았습니다.",
        complaint_reference=reference,
    )

    action = finding.improvement_action
    assert action is not None
    assert action.source == ActionSource.INTERNAL_AUDIT
    assert action.source_key == f"audit:{audit.reference}:finding:{finding.pk}"
    assert list(action.complaints.values_list("reference", flat=True)) == [reference]
    assert action.opened_by_id == auditor.user_id


def test_an_observation_opens_an_action_only_on_request(manager, auditor):
    audit = started(manager, auditor)
    finding = audit_findings.raise_finding(
        actor=auditor, reference=audit.reference, kind=FindingKind.OBSERVATION, description="Note"
    )
    assert finding.improvement_action is None

    finding = audit_findings.open_action_for_finding(
        actor=auditor, reference=audit.reference, finding_id=finding.pk
    )
    assert finding.improvement_action is not None
    with pytest.raises(Conflict):
        audit_findings.open_action_for_finding(
            actor=auditor, reference=audit.reference, finding_id=finding.pk
        )


def test_completion_needs_a_conclusion_and_every_clause_answered(manager, auditor):
    audit = started(manager, auditor)
    with pytest.raises(InvalidInput) as refused:
        services.complete_audit(actor=auditor, reference=audit.reference, conclusion="Done")
    assert refused.value.code == "checklist_incomplete"

    for item in audit.checklist.all():
        services.record_checklist_result(
            actor=auditor,
            reference=audit.reference,
            item_id=item.pk,
            result=ChecklistResult.CONFORMS,
        )
    with pytest.raises(InvalidInput):
        services.complete_audit(actor=auditor, reference=audit.reference, conclusion="  ")
    services.complete_audit(actor=auditor, reference=audit.reference, conclusion="Conforms.")

    audit.refresh_from_db()
    assert audit.status == AuditStatus.COMPLETED and audit.completed_at is not None


def test_a_completed_audit_refuses_further_changes(manager, auditor, submit):
    reference = submit().reference
    audit = started(manager, auditor)
    item = audit.checklist.first()
    audit.checklist.update(result=ChecklistResult.NOT_APPLICABLE)
    services.complete_audit(actor=auditor, reference=audit.reference, conclusion="Conforms.")

    with pytest.raises(Conflict):
        services.record_checklist_result(
            actor=auditor,
            reference=audit.reference,
            item_id=item.pk,
            result=ChecklistResult.CONFORMS,
        )
    with pytest.raises(Conflict):
        audit_samples.draw_sample(actor=auditor, reference=audit.reference, size=1)
    with pytest.raises(Conflict):
        audit_samples.add_sample(
            actor=auditor, reference=audit.reference, complaint_reference=reference
        )
    with pytest.raises(Conflict):
        audit_findings.raise_finding(
            actor=auditor, reference=audit.reference, kind=FindingKind.OPPORTUNITY, description="x"
        )
    with pytest.raises(Conflict):
        services.complete_audit(actor=auditor, reference=audit.reference, conclusion="Again")


def test_only_the_named_auditor_or_a_planner_carries_out_the_audit(manager, auditor, make_staff):
    audit = planned(manager, auditor)
    with pytest.raises(Forbidden):
        services.start_audit(actor=make_staff(Role.HANDLER), reference=audit.reference)
    with pytest.raises(Forbidden):
        services.start_audit(actor=make_staff(Role.AUDITOR), reference=audit.reference)
    with pytest.raises(Conflict):
        audit_samples.draw_sample(actor=auditor, reference=audit.reference, size=1)
    services.start_audit(actor=auditor, reference=audit.reference)


def test_the_same_finding_submitted_twice_is_refused(manager, auditor):
    audit = started(manager, auditor)
    values = {"kind": FindingKind.NONCONFORMITY, "clause": "7.4", "description": "Gap"}
    audit_findings.raise_finding(actor=auditor, reference=audit.reference, **values)

    with pytest.raises(InvalidInput) as refused:
        audit_findings.raise_finding(actor=auditor, reference=audit.reference, **values)

    assert refused.value.code == "duplicate_finding"
    assert audit.findings.count() == 1


def test_the_overview_counts_findings_open_until_their_action_is_closed(manager, auditor):
    from sori.governance.audits import audits_overview

    audit = started(manager, auditor)
    audit_findings.raise_finding(
        actor=auditor, reference=audit.reference, kind=FindingKind.NONCONFORMITY, description="Gap"
    )
    audit_findings.raise_finding(
        actor=auditor, reference=audit.reference, kind=FindingKind.OBSERVATION, description="Note"
    )

    (row,) = audits_overview(viewer=manager).audits
    assert (row.open_findings, row.findings) == (2, 2)

    audit.checklist.update(result=ChecklistResult.NOT_APPLICABLE)
    services.complete_audit(actor=auditor, reference=audit.reference, conclusion="Done.")
    (row,) = audits_overview(viewer=manager).audits
    # The observation without an action closes with the audit; the action is still open.
    assert (row.open_findings, row.findings) == (1, 2)
