"""The demo organisation's internal audit and management review of the last full quarter
(ISO 10002 8.5, 8.6), as milestones of ``sori.demo.governance``."""

from __future__ import annotations

import datetime as dt

from sori.core.actors import Actor
from sori.demo import governance_texts as texts
from sori.demo.milestones import Plan, at, workday
from sori.governance.models import (
    ActionKind,
    ActionStatus,
    AuditSample,
    ChecklistItem,
    ChecklistResult,
    FindingKind,
    ImprovementAction,
)
from sori.governance.services import actions, audit_findings, audit_samples, reviews
from sori.governance.services import audits as internal_audits

SAMPLE_SIZE = 5
SAMPLE_SEED = 10002


# ISO 10002 8.5: an internal audit of the quarter, carried out by a staff member independent of
# the sampled complaints (the draw leaves out every complaint the auditor took part in).
def plan_audit(
    plan: Plan,
    staff: dict[str, Actor],
    people: dict[str, int | None],
    quarter: tuple[dt.date, dt.date],
) -> None:
    manager, auditor = staff["manager"], staff[texts.AUDITOR]
    begin, end = quarter
    scope_to = end - dt.timedelta(days=14)
    audit_day = workday(end - dt.timedelta(days=10))
    state: dict[str, str] = {}

    def programme_and_plan() -> None:
        programme = internal_audits.create_programme(
            actor=manager,
            title=texts.PROGRAMME_TITLE % {"year": end.year},
            period_from=dt.date(end.year, 1, 1),
            period_to=dt.date(end.year, 12, 31),
            description=texts.PROGRAMME_TEXT,
        )
        assert people[texts.AUDITOR] is not None
        state["reference"] = internal_audits.plan_audit(
            actor=manager,
            title=texts.AUDIT_TITLE % {"year": end.year, "quarter": (end.month + 2) // 3},
            scope=texts.AUDIT_SCOPE,
            scope_from=begin,
            scope_to=scope_to,
            auditor_id=people[texts.AUDITOR] or 0,
            planned_on=audit_day,
            programme_id=programme.pk,
        ).reference

    def carry_out() -> None:
        reference = state["reference"]
        internal_audits.start_audit(actor=auditor, reference=reference)
        audit_samples.draw_sample(
            actor=auditor, reference=reference, size=SAMPLE_SIZE, seed=SAMPLE_SEED
        )
        for item in ChecklistItem.objects.filter(audit__reference=reference).order_by("position"):
            result, note = texts.CHECKLIST.get(item.clause, (ChecklistResult.CONFORMS, ""))
            internal_audits.record_checklist_result(
                actor=auditor, reference=reference, item_id=item.pk, result=result,
                note=note or texts.CHECKLIST_DEFAULT,
            )  # fmt: skip

    def read_files() -> None:
        reference = state["reference"]
        sampled = _sampled(reference)
        for position, complaint in enumerate(sampled):
            note = texts.SAMPLE_NOTES[position % len(texts.SAMPLE_NOTES)]
            if position == 0:
                note = texts.SAMPLE_NONCONFORMING
            audit_samples.review_sample(
                actor=auditor, reference=reference, complaint_reference=complaint, note=note
            )

    def findings() -> None:
        reference = state["reference"]
        sampled = _sampled(reference)
        audit_findings.raise_finding(
            actor=auditor, reference=reference, kind=FindingKind.NONCONFORMITY,
            clause=texts.NONCONFORMITY_CLAUSE, description=texts.NONCONFORMITY,
            complaint_reference=sampled[0] if sampled else "",
        )  # fmt: skip
        audit_findings.raise_finding(
            actor=auditor, reference=reference, kind=FindingKind.OBSERVATION,
            clause=texts.OBSERVATION_CLAUSE, description=texts.OBSERVATION,
        )  # fmt: skip

    def complete() -> None:
        internal_audits.complete_audit(
            actor=auditor, reference=state["reference"], conclusion=texts.CONCLUSION
        )

    follow_up_day = workday(audit_day + dt.timedelta(days=4))
    due = follow_up_day + dt.timedelta(days=45)

    def follow_up() -> None:
        # The complaints manager gives the nonconformity's action an owner and a due date.
        action = ImprovementAction.objects.get(source_key__startswith=_finding_key(state))
        actions.update_action(
            actor=manager, reference=action.reference, owner_id=people["handler"], due_on=due,
            cause=texts.NONCONFORMITY_CAUSE, kind=ActionKind.CORRECTIVE,
        )  # fmt: skip
        actions.update_action(
            actor=staff["handler"], reference=action.reference, status=ActionStatus.IN_PROGRESS
        )

    def correct() -> None:
        action = ImprovementAction.objects.get(source_key__startswith=_finding_key(state))
        actions.record_implementation(
            actor=staff["handler"], reference=action.reference, note=texts.NONCONFORMITY_FIX
        )

    plan.add(at(end - dt.timedelta(days=30), 10), programme_and_plan)
    plan.add(at(audit_day, 9, 30), carry_out)
    plan.add(at(audit_day + dt.timedelta(days=1), 14), read_files)
    plan.add(at(audit_day + dt.timedelta(days=2), 11), findings)
    plan.add(at(audit_day + dt.timedelta(days=3), 16), complete)
    plan.add(at(follow_up_day, 10), follow_up)
    corrected = at(due - dt.timedelta(days=10), 17)
    # Done before its due date when that date has passed by now; otherwise still in progress.
    if corrected < plan.now - dt.timedelta(hours=2):
        plan.add(corrected, correct)


def _finding_key(state: dict[str, str]) -> str:
    return f"audit:{state['reference']}:finding:"


def _sampled(reference: str) -> list[str]:
    return list(
        AuditSample.objects.filter(audit__reference=reference)
        .order_by("complaint__received_at", "pk")
        .values_list("complaint__reference", flat=True)
    )


# ISO 10002 8.6: top management reviews the quarter, with minutes and decisions.
def plan_review(
    plan: Plan,
    staff: dict[str, Actor],
    people: dict[str, int | None],
    quarter: tuple[dt.date, dt.date],
) -> None:
    manager, ceo = staff["manager"], staff["ceo"]
    begin, end = quarter
    meeting = workday(end + dt.timedelta(days=5))
    state: dict[str, str] = {}
    quarter_number = (end.month + 2) // 3

    def prepare() -> None:
        state["reference"] = reviews.create_review(
            actor=manager, period_from=begin, period_to=end, planned_on=meeting,
            chair_id=people["ceo"], attendees=texts.ATTENDEES,
        ).reference  # fmt: skip

    def meet() -> None:
        reference = state["reference"]
        reviews.update_review(
            actor=manager, reference=reference, changes=texts.REVIEW_CHANGES,
            recommendations=texts.REVIEW_RECOMMENDATIONS,
            minutes=texts.MINUTES % {"year": end.year, "quarter": quarter_number},
            attendees=texts.ATTENDEES, chair_id=people["ceo"], planned_on=meeting,
        )  # fmt: skip
        for kind, text, owner, days, open_action in texts.DECISIONS:
            reviews.add_decision(
                actor=manager, reference=reference, kind=kind, text=text,
                owner_id=people[owner], due_on=meeting + dt.timedelta(days=days),
                open_action=open_action,
            )  # fmt: skip
        reviews.hold_review(actor=ceo, reference=reference)

    plan.add(at(end + dt.timedelta(days=1), 10), prepare)
    plan.add(at(meeting, 15), meet)
