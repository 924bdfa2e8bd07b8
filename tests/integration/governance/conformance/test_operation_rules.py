"""Evidence rules for receipt, acknowledgement, integrity, analysis, satisfaction, audit, review
and improvement: present, stale, missing on seeded data (ISO 10002 4.9, 7.2, 7.4, 8.1–8.7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from sori.accounts.models import Role
from sori.analytics.kpis import kpis
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, SurveyResponse
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.governance.conformance import conformance_map
from sori.governance.models import ActionStatus, ImprovementAction, ReviewDecision
from sori.governance.services.action_opening import open_improvement_action
from sori.privacy.services import record_personal_data_view
from sori.sla.models import Stage, Timer, TimerState
from tests.integration.cli.conftest import bypassing_triggers
from tests.integration.governance.conformance.seed import (
    FOURTEEN_MONTHS_AGO,
    LAST_MONTH,
    TODAY,
    audit,
    finding,
    review,
    scan_ran,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_today():
    # The summaries are read in English (Korean is the default language).
    with clock.frozen_at(TODAY), translation.override("en"):
        yield


def evidence(key: str, viewer=SYSTEM):  # type: ignore[no-untyped-def]
    return next(row for row in conformance_map(viewer=viewer).rows if row.clause.key == key)


def received(submit, count: int, when: dt.datetime = LAST_MONTH) -> list[str]:  # type: ignore[no-untyped-def]
    with clock.frozen_at(when):
        return [submit(f"택배가 {n}주째 도착하지 않았습니다.").reference for n in range(count)]


def test_receipt_missing_without_complaints_and_present_with_unique_references(submit):
    assert evidence("7.2").status == "missing"
    received(submit, 3)
    found = evidence("7.2")
    assert found.status == "present"
    assert found.details["unique references"] == "3"


def test_acknowledgement_share_is_the_kpi_value_and_short_below_target(submit):
    references = received(submit, 2)
    assert evidence("7.4").status == "present"
    Timer.objects.filter(complaint__reference=references[0], stage=Stage.ACKNOWLEDGE).update(
        state=TimerState.MISSED
    )
    found = evidence("7.4")
    value = kpis(viewer=SYSTEM, period_from=dt.date(2025, 3, 16), period_to=dt.date(2026, 3, 15))
    assert value.by_code()["acknowledged_on_time"].value == 50.0
    assert found.status == "stale"
    assert "50.0%" in found.summary
    assert found.details["missed"] == "1"
    assert {link.name for link in found.links} == {"analytics", "queue"}


def test_acknowledgement_missing_when_no_clock_stopped_in_the_period():
    assert evidence("7.4").status == "missing"


def test_integrity_missing_when_the_audit_trail_is_broken(submit):
    received(submit, 1)
    assert evidence("4.9").status != "missing"
    with bypassing_triggers() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET actor_label = %s WHERE seq = 1",
                       ["someone else"])  # fmt: skip
    found = evidence("4.9")
    assert found.status == "missing"
    assert "does not verify" in found.summary


def test_access_log_missing_never_used_stale_before_the_period_present_in_it(submit):
    reference = received(submit, 1)[0]
    assert evidence("8.1").status == "missing"
    with clock.frozen_at(FOURTEEN_MONTHS_AGO):
        record_personal_data_view(actor=SYSTEM, complaint_reference=reference)
    assert evidence("8.1").status == evidence("4.10").status == "stale"
    record_personal_data_view(actor=SYSTEM, complaint_reference=reference)
    assert evidence("8.1").status == "present"


def test_analysis_missing_never_scanned_stale_before_the_period_present_in_it():
    assert evidence("8.2").status == "missing"
    scan_ran(FOURTEEN_MONTHS_AGO)
    assert evidence("8.2").status == "stale"
    scan_ran(LAST_MONTH)
    found = evidence("8.2")
    assert found.status == "present"
    assert found.details["scans in the period"] == "1"


def test_satisfaction_missing_without_answers_present_with_one(submit):
    reference = received(submit, 1)[0]
    assert evidence("8.3").status == "missing"
    SurveyResponse.objects.create(complaint=Complaint.objects.get(reference=reference),
                                  process=4, outcome=4, ease=5, submitted_at=LAST_MONTH)  # fmt: skip
    assert evidence("8.3").status == "present"


def test_internal_audit_missing_stale_after_fourteen_months_present_last_month(make_staff):
    auditor = make_staff(Role.AUDITOR)
    assert evidence("8.5").status == "missing"
    audit(auditor, None, reference="AU-PLANNED")
    assert evidence("8.5").status == "missing"
    audit(auditor, FOURTEEN_MONTHS_AGO, reference="AU-OLD")
    assert evidence("8.5").status == "stale"
    recent = audit(auditor, LAST_MONTH, reference="AU-NEW")
    finding(recent)
    found = evidence("8.5")
    assert found.status == "present"
    assert "AU-NEW" in found.summary and "1 open findings" in found.summary
    assert ("audit", ("AU-NEW",)) in {(link.name, link.args) for link in found.links}


def test_a_finding_whose_action_is_effective_is_no_longer_open(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    recent = audit(make_staff(Role.AUDITOR), LAST_MONTH)
    action = open_improvement_action(actor=manager, title="Faster acknowledgements")
    ImprovementAction.objects.filter(pk=action.pk).update(status=ActionStatus.EFFECTIVE)
    item = finding(recent)
    item.improvement_action = action
    item.save()
    assert evidence("8.5").details["open findings"] == "0"


def test_management_review_missing_stale_after_fourteen_months_present_last_month(make_staff):
    top = make_staff(Role.TOP_MANAGEMENT)
    assert evidence("8.6").status == "missing"
    review(top, FOURTEEN_MONTHS_AGO, reference="MR-OLD")
    assert evidence("8.6").status == "stale"
    recent = review(top, LAST_MONTH, reference="MR-NEW")
    ReviewDecision.objects.create(review=recent, kind="resources", text="Hire one handler.",
                                  owner=user(top), due_on=dt.date(2026, 6, 30),
                                  recorded_at=LAST_MONTH)  # fmt: skip
    found = evidence("8.6")
    assert found.status == "present"
    assert found.details["decisions not done"] == "1"


def test_improvement_missing_present_when_opened_stale_when_a_check_is_overdue(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    assert evidence("8.7").status == evidence("4.13").status == "missing"
    action = open_improvement_action(actor=manager, title="Faster acknowledgements")
    assert evidence("8.7").status == "present"
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=ActionStatus.IMPLEMENTED, implemented_at=LAST_MONTH,
        effectiveness_due_on=dt.date(2026, 3, 1),
    )  # fmt: skip
    found = evidence("8.7")
    assert found.status == "stale"
    assert found.details["checks overdue"] == "1"


def test_context_is_a_record_kept_outside_sori():
    found = evidence("5.1")
    assert found.status == "missing"
    assert "outside Sori" in found.summary
