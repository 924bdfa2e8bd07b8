"""Governance records at known dates, for the conformance map and the evidence pack (ISO 10002 4.1).

Today is 15 March 2026 in Seoul, so the default period runs from 16 March 2025 to 15 March 2026
and a record dated before 15 March 2025 is stale. The records are rows written directly: they
are the set-up the map reads, not the behaviour under test (their services belong to the policy,
roles, training, audit and review features).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from sori.analytics.services.recurring_scan import SCANNED
from sori.audit.services import record
from sori.core import clock
from sori.core.actors import SYSTEM, Actor
from sori.governance.models import (
    AuditFinding,
    AuditSample,
    AuditStatus,
    FindingKind,
    InternalAudit,
    ManagementReview,
    PolicyStatus,
    PolicyVersion,
    ReviewStatus,
)
from sori.governance.review_inputs import compile_review_inputs

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = dt.datetime(2026, 3, 15, 11, 0, tzinfo=SEOUL)
LAST_MONTH = dt.datetime(2026, 2, 10, 10, 0, tzinfo=SEOUL)
FOURTEEN_MONTHS_AGO = dt.datetime(2025, 1, 10, 10, 0, tzinfo=SEOUL)

User = get_user_model()


def user(actor: Actor):  # type: ignore[no-untyped-def]
    return User.objects.get(pk=actor.user_id)


def policy(approver: Actor, at: dt.datetime, *, number: int = 1) -> PolicyVersion:
    person = user(approver)
    return PolicyVersion.objects.create(
        number=number, title_ko="불만처리 방침", title_en="Complaints policy",
        body_ko="고객의 소리를 듣습니다.", body_en="We listen.", status=PolicyStatus.PUBLISHED,
        effective_from=at.date(), drafted_by=person, drafted_at=at, approved_by=person,
        approved_at=at, published_by=person, published_at=at,
    )  # fmt: skip


def audit(
    auditor: Actor, completed: dt.datetime | None, *, reference: str = "AU-1"
) -> InternalAudit:
    return InternalAudit.objects.create(
        reference=reference, title="Annual audit", scope_from=dt.date(2025, 1, 1),
        scope_to=dt.date(2025, 12, 31), auditor=user(auditor),
        planned_on=(completed or LAST_MONTH).date(),
        status=AuditStatus.COMPLETED if completed else AuditStatus.PLANNED,
        started_at=completed, completed_at=completed, created_at=completed or LAST_MONTH,
    )  # fmt: skip


def finding(on: InternalAudit, *, complaint_id: int | None = None) -> AuditFinding:
    return AuditFinding.objects.create(
        audit=on, kind=FindingKind.NONCONFORMITY, clause="7.4",
        description="Acknowledgements late in January.", complaint_id=complaint_id,
        raised_at=on.completed_at or LAST_MONTH,
    )  # fmt: skip


def sample(on: InternalAudit, complaint_id: int) -> AuditSample:
    return AuditSample.objects.create(audit=on, complaint_id=complaint_id, drawn_at=LAST_MONTH)


def review(chair: Actor, held: dt.datetime, *, reference: str = "MR-1",
           minutes: str = "Reviewed the year.") -> ManagementReview:  # fmt: skip
    return ManagementReview.objects.create(
        reference=reference, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 12, 31),
        planned_on=held.date(), chair=user(chair), minutes=minutes,
        inputs_snapshot=compile_review_inputs(viewer=chair, period_from=dt.date(2025, 1, 1),
                                              period_to=dt.date(2025, 12, 31)),
        status=ReviewStatus.HELD, held_at=held,
        created_at=held,
    )  # fmt: skip


def scan_ran(at: dt.datetime) -> None:
    """The audit entry the recurring-issue scan leaves (8.2)."""
    with clock.frozen_at(at), transaction.atomic():
        record(action=SCANNED, actor=SYSTEM, object_type="recurring_scan", object_id="scan",
               data={"similar": 0, "returning": 0, "rising": 0}, iso_clause="8.2")  # fmt: skip
