"""One table: every back-office page and API endpoint × every role → allowed or refused.

ISO 10002 4.10 (confidentiality), 5.4 (responsibility and authority) and 8.5 (the auditor reads
everything and changes nothing). A handler or investigator works only the complaints of their
unit and those given to them: outside that scope a complaint does not exist for them, in the
queue, the workspace, the search, the API, or by guessing a URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from sori.accounts.models import Role, Unit
from sori.accounts.services import actor_for_user, create_staff_user, create_token
from sori.audit.models import AuditEntry
from sori.complaints.models import Category, Complaint
from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.governance.models import (
    Appointment,
    AuditFinding,
    AuditProgramme,
    AuditSample,
    ChecklistItem,
    Course,
    ImprovementAction,
    InternalAudit,
    ManagementReview,
    PolicyAcknowledgement,
    PolicyVersion,
    ReviewDecision,
    TrainingRecord,
)
from sori.governance.services.appointments import appoint
from sori.governance.services.audits import plan_audit
from sori.governance.services.policy import draft_policy_version
from sori.governance.services.reviews import create_review
from sori.governance.services.training import TrainingInput, record_training
from sori.sla.models import Timer

PASSWORD = "correct-horse-battery-staple-7"
ALL = frozenset(Role.values)
CASE_WORKERS = frozenset({"handler", "investigator", "complaints_manager"})
OVERSIGHT = frozenset({"auditor", "complaints_manager", "administrator"})
SCOPED = frozenset({"handler", "investigator"})
# ISO 10002 8.2, 8.4, 6.2: the analysis is read by those who oversee the process.
ANALYSTS = frozenset({"complaints_manager", "top_management", "auditor", "administrator"})
DIRECTORS = frozenset({"complaints_manager", "top_management"})


@dataclass(frozen=True)
class Page:
    path: str  # "{mine}" / "{theirs}": a complaint inside / outside a scoped role's unit
    allowed: frozenset[str]
    method: str = "get"


# GET pages: allowed roles get 200 (or a redirect for the home page); the others 403.
PAGES = [
    Page("/staff/queue/", ALL),
    Page("/staff/queue/?q=택배", ALL),
    Page("/staff/complaints/new/", CASE_WORKERS),
    Page("/staff/complaints/{mine}/", ALL),
    Page("/staff/complaints/{mine}/response/", ALL),
    Page("/staff/outbox/", OVERSIGHT),
    Page("/staff/mail/inbound/", OVERSIGHT),
    Page("/staff/audit/", OVERSIGHT),
    Page("/staff/audit/personal-data/", OVERSIGHT),
    # Every staff member sees the dashboard, bounded by their scope.
    Page("/staff/analytics/", ALL),
    Page("/staff/analytics/export/trend.xlsx", ALL),
    Page("/staff/analytics/control-charts/", ANALYSTS),
    Page("/staff/analytics/recurring/", ANALYSTS),
    Page("/staff/objectives/", ANALYSTS),
    Page("/staff/objectives/new/", DIRECTORS),
    # The list shows other roles only the actions they own.
    Page("/staff/improvement-actions/", ALL),
    Page("/staff/improvement-actions/new/", DIRECTORS),
    # Governance (ISO 10002 5.2, 5.4, 6.4, 8.5, 8.6, 4.1): every staff member reads the policy,
    # the role matrix and their own training; those who oversee the process read the rest.
    Page("/staff/policy/", ALL),
    Page("/staff/policy/new/", DIRECTORS),
    Page("/staff/roles/", ALL),
    Page("/staff/training/", ALL),
    Page("/staff/audits/", ANALYSTS),
    Page("/staff/reviews/", ANALYSTS),
    Page("/staff/conformance/", ANALYSTS),
    Page("/staff/conformance/pack.zip", ANALYSTS),
    Page("/staff/complaints/{mine}/case-file/", ALL),
]

# Writes on a complaint in scope: case workers may record investigation work; nobody else.
WRITES = [
    ("/staff/complaints/{mine}/notes/", {"text": "확인 중입니다."}, CASE_WORKERS),
    (
        "/staff/complaints/{mine}/contacts/",
        {
            "contacted_at": "2026-01-05T10:00",
            "method": "phone",
            "party": "배송 기사",
            "summary": "배송 기록을 확인했습니다.",
        },
        CASE_WORKERS,
    ),
    ("/staff/complaints/{mine}/findings/", {"findings": "배송 누락 확인"}, CASE_WORKERS),
]

# Every complaint URL a scoped role might guess for a complaint outside its scope.
GUESSED = [
    ("get", "/staff/complaints/{theirs}/"),
    ("get", "/staff/complaints/{theirs}/response/"),
    ("get", "/staff/complaints/{theirs}/response/propose/"),
    ("get", "/staff/complaints/{theirs}/decision/"),
    ("get", "/staff/complaints/{theirs}/referral/"),
    ("post", "/staff/complaints/{theirs}/notes/"),
    ("post", "/staff/complaints/{theirs}/event/"),
    ("post", "/staff/complaints/{theirs}/assessment/"),
    ("post", "/staff/complaints/{theirs}/assignment/"),
    ("post", "/staff/complaints/{theirs}/tasks/"),
    ("post", "/staff/complaints/{theirs}/findings/"),
    ("post", "/staff/complaints/{theirs}/related/"),
    ("post", "/staff/complaints/{theirs}/deadlines/extend/"),
    ("post", "/staff/complaints/{theirs}/reassessment/"),
]


@pytest.fixture
def world(db):
    cache.clear()
    unit_a = Unit.objects.create(code="unit-a", name_ko="가 부서", name_en="Unit A")
    unit_b = Unit.objects.create(code="unit-b", name_ko="나 부서", name_en="Unit B")
    Category.objects.create(code="cat-a", label_ko="가", label_en="A", unit=unit_a)
    Category.objects.create(code="cat-b", label_ko="나", label_en="B", unit=unit_b)
    users = {
        role: create_staff_user(
            actor=SYSTEM,
            username=f"matrix-{role}",
            role=role,
            password=PASSWORD,
            unit=unit_a if role in SCOPED else None,
            email=f"{role}@example.kr",
        )
        for role in Role.values
    }

    def complaint(category: str, text: str) -> str:
        person = ComplainantInput(name="김민지", email="minji@example.kr")
        data = ComplaintInput(description=text, complainant=person, category=category)
        return submit_complaint(actor=SYSTEM, data=data).reference

    mine = complaint("cat-a", "택배가 2주째 도착하지 않았습니다.")
    theirs = complaint("cat-b", "택배 상자가 파손되어 도착했습니다.")
    return users, mine, theirs


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.path)
def test_each_role_reaches_exactly_the_pages_it_may(world, role, page):
    users, mine, theirs = world
    response = _client(users[role]).get(page.path.format(mine=mine, theirs=theirs))
    if role in page.allowed:
        assert response.status_code == 200, (role, page.path, response.status_code)
    else:
        assert response.status_code == 403, (role, page.path, response.status_code)


def _param_id(value: object) -> str:
    # A set's order changes with the hash seed: sorted, so every xdist worker collects the same ids.
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    return str(value)[:40]


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("path", "data", "allowed"), WRITES, ids=_param_id)
def test_only_case_workers_record_investigation_work(world, role, path, data, allowed):
    users, mine, theirs = world
    response = _client(users[role]).post(path.format(mine=mine, theirs=theirs), data)
    if role in allowed:
        # Accepted (redirect back) or refused for its content (re-rendered form) — never denied.
        assert response.status_code in (200, 302), (role, path, response.status_code)
    else:
        assert response.status_code in (403, 404), (role, path, response.status_code)


EXTENDERS = frozenset({"handler", "complaints_manager"})


@pytest.mark.parametrize("role", sorted(ALL))
def test_only_handlers_and_managers_extend_a_deadline(world, role):
    users, mine, _theirs = world
    decision = Timer.objects.get(complaint__reference=mine, stage="decision")
    # A working day a week after the current deadline: later, and within one more period.
    day = (decision.due_at.astimezone(ZoneInfo("Asia/Seoul")) + dt.timedelta(days=7)).date()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    response = _client(users[role]).post(
        f"/staff/complaints/{mine}/deadlines/extend/",
        {"stage": "decision", "new_date": day.isoformat(), "reason": "현장 확인이 필요합니다."},
    )
    decision.refresh_from_db()
    if role in EXTENDERS:
        assert response.status_code in (200, 302), (role, response.status_code)
        assert decision.extended_at is not None, role
    else:
        assert response.status_code in (403, 404), (role, response.status_code)
        assert decision.extended_at is None, role


def test_the_auditor_changes_nothing(world):
    users, mine, _theirs = world
    client = _client(users["auditor"])
    writes = [(path, data) for path, data, _allowed in WRITES]
    version = Complaint.objects.get(reference=mine).version
    writes.append(
        (
            "/staff/complaints/{mine}/event/",
            {"event": "withdraw", "note": "x", "expected_version": str(version)},
        )
    )
    # Nor the analysis: no signal answered, no scan asked for, no objective or action set.
    writes += [
        ("/staff/analytics/recurring/scan/", {}),
        ("/staff/objectives/new/", {"title": "x", "kpi_code": "closed_on_time", "target": "90"}),
        ("/staff/improvement-actions/new/", {"title": "x", "source": "other"}),
    ]
    for path, data in writes:
        response = client.post(path.format(mine=mine), data)
        assert response.status_code in (403, 404), path


@pytest.mark.parametrize("role", sorted(SCOPED))
def test_a_scoped_role_cannot_reach_a_complaint_outside_its_scope_by_any_url(world, role):
    users, mine, theirs = world
    client = _client(users[role])
    for method, path in GUESSED:
        response = getattr(client, method)(path.format(mine=mine, theirs=theirs))
        assert response.status_code == 404, (method, path, response.status_code)
    queue = client.get("/staff/queue/?view=all").content.decode()
    assert mine in queue and theirs not in queue
    search = client.get("/staff/queue/?view=all&q=파손").content.decode()
    assert theirs not in search


@pytest.mark.parametrize("role", sorted(ALL))
def test_the_api_applies_the_same_scope(world, role):
    users, mine, theirs = world
    token = create_token(actor=SYSTEM, user=users[role])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    listing = client.get("/api/v1/complaints")
    assert listing.status_code == 200
    references = {item["reference"] for item in listing.json()["items"]}
    detail = client.get(f"/api/v1/complaints/{theirs}")
    if role in SCOPED:
        assert mine in references and theirs not in references
        assert detail.status_code == 404
    else:
        assert {mine, theirs} <= references
        assert detail.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(world):
    _users, mine, theirs = world
    client = Client()
    for page in PAGES:
        response = client.get(page.path.format(mine=mine, theirs=theirs))
        assert response.status_code == 302 and "/staff/login/" in response["Location"], page.path


def test_a_signed_in_user_without_a_role_is_refused(world):
    _users, mine, _theirs = world
    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    response = _client(nobody).get(f"/staff/complaints/{mine}/")
    assert response.status_code == 403


@pytest.fixture
def governance_records(world):
    """One of each governance record, made through the services (set-up for the auditor)."""
    users, mine, _theirs = world
    actor = {role: actor_for_user(user) for role, user in users.items()}
    manager, top = actor["complaints_manager"], actor["top_management"]
    draft_policy_version(actor=manager)
    course = Course.objects.create(code="basics", name_ko="기초", name_en="Basics")
    record = record_training(
        actor=manager,
        data=TrainingInput(user_id=users["handler"].pk, course_id=course.pk,
                           hours=Decimal("4.0"), completed_on=dt.date(2026, 1, 5)),
    )  # fmt: skip
    appointment = appoint(actor=top, duty="representative", user_id=users["complaints_manager"].pk)
    audit = plan_audit(
        actor=manager, title="1분기 내부 심사", scope_from=dt.date(2025, 1, 1),
        scope_to=dt.date(2027, 12, 31), auditor_id=users["approver"].pk,
        planned_on=dt.date(2027, 1, 10),
    )  # fmt: skip
    complaint = Complaint.objects.get(reference=mine)
    AuditSample.objects.create(audit=audit, complaint=complaint, drawn_at=clock.now())
    review = create_review(actor=manager, period_from=dt.date(2026, 1, 1),
                           period_to=dt.date(2026, 3, 31), planned_on=dt.date(2027, 4, 10))  # fmt: skip
    return {
        "handler": users["handler"].pk, "record": record.pk, "appointment": appointment.pk,
        "audit": audit.reference, "review": review.reference, "mine": mine,
    }  # fmt: skip


GOVERNANCE_READS = [
    "/staff/policy/",
    "/staff/policy/1/",
    "/staff/roles/",
    "/staff/training/",
    "/staff/training/{handler}/",
    "/staff/audits/",
    "/staff/audits/{audit}/",
    "/staff/audits/{audit}/samples/{mine}/",
    "/staff/complaints/{mine}/case-file/",
    "/staff/reviews/",
    "/staff/reviews/{review}/",
    "/staff/reviews/{review}/pack.html",
    "/staff/reviews/{review}/pack.pdf",
    "/staff/conformance/",
    "/staff/conformance/pack.zip",
]
GOVERNANCE_WRITES = [
    "/staff/policy/new/",
    "/staff/policy/acknowledge/",
    "/staff/policy/1/edit/",
    "/staff/policy/1/approve/",
    "/staff/policy/1/publish/",
    "/staff/policy/1/withdraw/",
    "/staff/roles/appoint/",
    "/staff/roles/appointments/{appointment}/end/",
    "/staff/training/{handler}/add/",
    "/staff/training/{handler}/records/{record}/",
    "/staff/training/{handler}/records/{record}/delete/",
    "/staff/audits/programmes/new/",
    "/staff/audits/new/",
    "/staff/audits/{audit}/start/",
    "/staff/audits/{audit}/checklist/",
    "/staff/audits/{audit}/draw/",
    "/staff/audits/{audit}/samples/add/",
    "/staff/audits/{audit}/samples/{mine}/",
    "/staff/audits/{audit}/findings/",
    "/staff/audits/{audit}/complete/",
    "/staff/reviews/new/",
    "/staff/reviews/{review}/edit/",
    "/staff/reviews/{review}/decisions/",
    "/staff/reviews/{review}/hold/",
]
GOVERNANCE_TABLES = [
    PolicyVersion, PolicyAcknowledgement, Appointment, TrainingRecord, Course, InternalAudit,
    ChecklistItem, AuditSample, AuditFinding, AuditProgramme, ManagementReview, ReviewDecision,
    ImprovementAction,
]  # fmt: skip


def _snapshot() -> list[list[str]]:
    # Every row of every governance table (they are small here) and the length of the trail:
    # a write of any kind changes one of them.
    tables = [sorted(map(str, model.objects.values_list())) for model in GOVERNANCE_TABLES]
    return [*tables, [str(AuditEntry.objects.count())]]


def test_the_auditor_reads_every_governance_record_and_changes_nothing(world, governance_records):
    """ISO 10002 8.5: the auditor reads everything here and changes nothing."""
    users, _mine, _theirs = world
    client = _client(users["auditor"])
    for path in GOVERNANCE_READS:
        response = client.get(path.format(**governance_records))
        assert response.status_code == 200, (path, response.status_code)
    before = _snapshot()
    for path in GOVERNANCE_WRITES:
        # Well-formed enough to pass any form: the refusal must come from who is asking.
        data = {"title": "x", "note": "x", "minutes": "x", "reason": "x", "kind": "observation",
                "description": "x", "size": "1", "version": "1", "number": "1"}  # fmt: skip
        response = client.post(path.format(**governance_records), data)
        assert response.status_code == 403, (path, response.status_code)
    assert _snapshot() == before
