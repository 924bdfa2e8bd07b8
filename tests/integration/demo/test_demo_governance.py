"""The demo organisation's governance records (ISO 10002 5.4, 6.4, 8.5–8.7), written through the
real services at past moments of the demo's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sori.accounts.services import actor_for_user
from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.complaints.models import Complaint
from sori.core import clock
from sori.core.actors import SYSTEM, Actor
from sori.demo.builder import build_demo
from sori.demo.milestones import reviewed_quarter
from sori.governance.audits import handled_by
from sori.governance.competence import local_today
from sori.governance.conformance import conformance_map
from sori.governance.models import (
    ActionSource,
    ActionStatus,
    AuditStatus,
    ChecklistResult,
    FindingKind,
    ImprovementAction,
    InternalAudit,
    ManagementReview,
    ReviewStatus,
    TrainingRecord,
)
from sori.governance.roles import role_matrix

pytestmark = pytest.mark.django_db

GOVERNANCE_PAGES = (
    "/staff/roles/",
    "/staff/training/",
    "/staff/audits/",
    "/staff/reviews/",
    "/staff/improvement-actions/",
    "/staff/conformance/",
)


# A fixed "now" keeps the quarter, and so the size of the audit's population, the same every run.
NOW = dt.datetime(2026, 11, 24, 2, 17, tzinfo=dt.UTC)
# ISO 10002:2018 numbers (``sori.governance.clauses``).
GOVERNANCE_CLAUSES = ("5.3", "5.4", "6.4", "8.5", "8.6", "8.7")


@pytest.fixture
def demo():
    with clock.frozen_at(NOW):
        yield build_demo(actor=SYSTEM, count=60)


def demo_actor(username: str) -> Actor:
    actor = actor_for_user(get_user_model().objects.get(username=username))
    assert actor is not None
    return actor


def manager_client() -> Client:
    client = Client()
    assert client.login(username="manager", password="sori-demo-manager")
    client.cookies["django_language"] = "en"
    return client


def test_the_demo_roles_page_has_a_representative_a_deputy_and_no_gaps(demo):
    matrix = role_matrix(viewer=demo_actor("manager"))
    groups = {group.key: group for group in matrix.holders}

    assert [h.username for h in groups["representative"].holders] == ["manager"]
    assert len(groups["deputy"].holders) == 1
    assert matrix.gaps == []
    page = manager_client().get("/staff/roles/")
    assert page.status_code == 200
    assert "manager" in page.content.decode()


def test_the_demo_conformance_map_shows_governance_evidence_present(demo):
    rows = {row.clause.key: row for row in conformance_map(viewer=SYSTEM).rows}

    for key in GOVERNANCE_CLAUSES:
        assert rows[key].status == "present", (key, rows[key].summary)


def test_the_demo_governance_history_keeps_the_audit_trail_intact_and_in_time_order(demo):
    assert verify_trail() == []
    times = list(AuditEntry.objects.order_by("seq").values_list("occurred_at", flat=True))
    assert times == sorted(times)
    assert max(times) <= clock.now()


def test_the_demo_internal_audit_of_last_quarter_is_independent_and_complete(demo):
    audit = InternalAudit.objects.get()
    begin, end = reviewed_quarter(local_today())

    assert audit.status == AuditStatus.COMPLETED and audit.conclusion
    assert audit.scope_from == begin and audit.scope_to < end
    assert audit.completed_at is not None and audit.completed_at.date() <= end
    assert not audit.checklist.filter(result=ChecklistResult.NOT_CHECKED).exists()
    samples = list(audit.samples.all())
    assert len(samples) == 5 and all(s.note for s in samples)
    # ISO 10002 8.5: the auditor took part in none of the sampled complaints.
    sampled = [s.complaint_id for s in samples]
    assert not Complaint.objects.filter(handled_by(audit.auditor_id), pk__in=sampled).exists()
    kinds = sorted(audit.findings.values_list("kind", flat=True))
    assert kinds == sorted([FindingKind.NONCONFORMITY, FindingKind.OBSERVATION])
    nonconformity = audit.findings.get(kind=FindingKind.NONCONFORMITY)
    assert nonconformity.improvement_action is not None
    assert nonconformity.improvement_action.source == ActionSource.INTERNAL_AUDIT


def test_the_demo_improvement_actions_come_from_complaints_in_different_states(demo):
    actions = ImprovementAction.objects.all()
    statuses = set(actions.values_list("status", flat=True))

    assert {ActionStatus.EFFECTIVE, ActionStatus.IMPLEMENTED, ActionStatus.IN_PROGRESS} <= statuses
    linked = actions.filter(complaints__isnull=False).distinct().count()
    assert linked >= 3
    implemented = actions.get(
        status=ActionStatus.IMPLEMENTED, source=ActionSource.SIMILAR_COMPLAINTS
    )
    assert implemented.effectiveness_due_on is not None
    assert implemented.effectiveness_due_on >= clock.now().date()
    effective = actions.get(status=ActionStatus.EFFECTIVE)
    assert effective.effectiveness_checked_at is not None
    assert effective.effectiveness_checked_at.date() >= effective.effectiveness_due_on


def test_the_demo_management_review_of_last_quarter_is_held_by_top_management(demo):
    review = ManagementReview.objects.get()
    begin, end = reviewed_quarter(local_today())

    assert review.status == ReviewStatus.HELD and review.minutes
    assert (review.period_from, review.period_to) == (begin, end)
    assert review.chair is not None and review.chair.username == "ceo"
    assert review.held_at is not None and end < review.held_at.date() < clock.now().date()
    decisions = list(review.decisions.all())
    assert len(decisions) == 2
    assert all(d.owner_id and d.due_on > review.held_at.date() for d in decisions)


def test_every_demo_case_worker_and_manager_has_training_records(demo):
    trained = set(TrainingRecord.objects.values_list("user__username", flat=True))

    assert {"handler", "handler2", "investigator", "manager"} <= trained


def test_a_signed_in_demo_manager_opens_every_governance_page(demo):
    client = manager_client()

    for page in GOVERNANCE_PAGES:
        assert client.get(page).status_code == 200, page
    audit = InternalAudit.objects.get()
    review = ManagementReview.objects.get()
    assert client.get(f"/staff/audits/{audit.reference}/").status_code == 200
    assert client.get(f"/staff/reviews/{review.reference}/").status_code == 200


def test_a_demo_with_too_short_a_history_keeps_only_the_appointments_and_training():
    with clock.frozen_at(NOW):
        build_demo(actor=SYSTEM, count=0)
        gaps = role_matrix(viewer=demo_actor("manager")).gaps

    assert gaps == []
    assert TrainingRecord.objects.exists()
    assert not InternalAudit.objects.exists()
    assert verify_trail() == []


def test_the_governance_quarter_is_the_last_one_that_ended_a_week_ago():
    assert reviewed_quarter(dt.date(2026, 11, 24)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert reviewed_quarter(dt.date(2026, 10, 3)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert reviewed_quarter(dt.date(2026, 1, 9)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 1, 2, 2, 17, tzinfo=dt.UTC),  # a quarter just began: the one before
        dt.datetime(2026, 4, 8, 2, 17, tzinfo=dt.UTC),  # a week after the quarter ended
    ],
)
def test_the_demo_governance_fits_the_timeline_whenever_the_demo_is_built(now):
    with clock.frozen_at(now):
        build_demo(actor=SYSTEM, count=60)
        rows = {row.clause.key: row.status for row in conformance_map(viewer=SYSTEM).rows}

    assert {key: rows[key] for key in GOVERNANCE_CLAUSES} == dict.fromkeys(
        GOVERNANCE_CLAUSES, "present"
    )
    review, audit = ManagementReview.objects.get(), InternalAudit.objects.get()
    assert audit.completed_at is not None and audit.completed_at.date() <= review.period_to
    assert review.held_at is not None and review.held_at < now
    times = list(AuditEntry.objects.order_by("seq").values_list("occurred_at", flat=True))
    assert times == sorted(times) and times[-1] <= now
    assert verify_trail() == []
