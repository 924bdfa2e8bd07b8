"""Management review (ISO 10002 8.6; R-8.6.1): compiled inputs, decisions, holding, the pack.

Seeded through the real intake service, today 10 April 2026 in Seoul. Q1 2026 (the review's
period): three billing complaints in January, one delivery complaint in February. Q4 2025 (the
period before): one complaint in December.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from pypdf import PdfReader

from sori.accounts.models import Role
from sori.analytics.kpis import kpis
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.models import (
    ActionSource,
    AuditFinding,
    AuditStatus,
    FindingKind,
    ImprovementAction,
    InternalAudit,
    ReviewStatus,
)
from sori.governance.review_inputs import compile_review_inputs
from sori.governance.review_pack import FONT_DIR, review_pack_html, review_pdf
from sori.governance.reviews import review_inputs
from sori.governance.services.reviews import (
    add_decision,
    create_review,
    hold_review,
    mark_decision_done,
    update_review,
)
from tests.backoffice.recurring.seed import categories, file

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = dt.datetime(2026, 4, 10, 11, 0, tzinfo=SEOUL)
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def on(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def seeded(db) -> None:
    categories()
    file("12월 요금 문의", when=on(2025, 12, 10), category="billing")
    for day in (5, 12, 20):
        file(f"1월 요금 문의 {day}", when=on(2026, 1, day), category="billing")
    file("2월 배송 지연", when=on(2026, 2, 3), category="delivery")


@pytest.fixture
def top(make_staff):
    return make_staff(Role.TOP_MANAGEMENT)


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


def completed_audit(auditor_id: int) -> InternalAudit:
    audit = InternalAudit.objects.create(
        reference="AU-2026-000001", title="1분기 내부심사", scope_from=Q1[0], scope_to=Q1[1],
        auditor_id=auditor_id, planned_on=dt.date(2026, 3, 20), status=AuditStatus.COMPLETED,
        started_at=on(2026, 3, 20), completed_at=on(2026, 3, 25), created_at=on(2026, 3, 1),
    )  # fmt: skip
    for kind in (FindingKind.NONCONFORMITY, FindingKind.NONCONFORMITY, FindingKind.OBSERVATION):
        AuditFinding.objects.create(audit=audit, kind=kind, clause="7.4", description="늦은 접수 확인",
                                    raised_at=on(2026, 3, 25))  # fmt: skip
    return audit


def held_previous(top, manager) -> str:
    """A review of Q4 2025, held in January, with one decision done and one still open."""
    with clock.frozen_at(on(2026, 1, 15)):
        review = create_review(actor=manager, period_from=dt.date(2025, 10, 1),
                               period_to=dt.date(2025, 12, 31), planned_on=dt.date(2026, 1, 15),
                               chair_id=top.user_id)  # fmt: skip
        add_decision(actor=manager, reference=review.reference, kind="resources",
                     text="상담 인력 1명 충원", owner_id=top.user_id,
                     due_on=dt.date(2026, 3, 31))  # fmt: skip
        second = add_decision(actor=manager, reference=review.reference, kind="improvement",
                              text="접수 확인 자동화", owner_id=manager.user_id,
                              due_on=dt.date(2026, 6, 30), open_action=True)  # fmt: skip
        update_review(actor=manager, reference=review.reference, changes="", recommendations="",
                      minutes="4분기 검토 완료", attendees="", chair_id=top.user_id,
                      planned_on=dt.date(2026, 1, 15))  # fmt: skip
        hold_review(actor=top, reference=review.reference)
    first = review.decisions.order_by("id").first()
    mark_decision_done(actor=manager, reference=review.reference, decision_id=first.pk)
    assert second.improvement_action is not None
    return review.reference


def test_the_q1_inputs_hold_kpis_objectives_satisfaction_audits_actions_and_previous_decisions(
    seeded, top, manager
):
    completed_audit(manager.user_id)
    previous_ref = held_previous(top, manager)
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip

    inputs = review_inputs(viewer=top, review=review)

    expected = kpis(viewer=top, period_from=Q1[0], period_to=Q1[1]).by_code()
    before = kpis(viewer=top, period_from=dt.date(2025, 10, 1), period_to=dt.date(2025, 12, 31))
    by_code = {row["code"]: row for row in inputs["kpis"]}
    assert by_code["received"]["value"] == expected["received"].value == 4
    assert by_code["received"]["previous"] == before.by_code()["received"].value == 1
    assert by_code["acknowledged_on_time"]["value"] == expected["acknowledged_on_time"].value
    assert [row["code"] for row in inputs["satisfaction"]] == [
        "satisfaction_score", "survey_response_rate"
    ]  # fmt: skip
    assert inputs["objectives"] == []
    assert [(row["period"], row["received"]) for row in inputs["trends"]["periods"]] == [
        ("2026-01", 3), ("2026-02", 1), ("2026-03", 0)
    ]  # fmt: skip
    assert inputs["trends"]["top_categories"][0]["count"] == 3
    audit = inputs["audits"]["completed"][0]
    assert (audit["reference"], audit["nonconformity"], audit["observation"]) == (
        "AU-2026-000001", 2, 1
    )  # fmt: skip
    assert inputs["audits"]["open_nonconformities"] == 2
    assert inputs["actions"]["by_status"]["open"] == 1
    previous = inputs["previous_review"]
    assert previous["reference"] == previous_ref
    assert [(row["text"], row["done"]) for row in previous["decisions"]] == [
        ("상담 인력 1명 충원", True), ("접수 확인 자동화", False)
    ]  # fmt: skip
    assert previous["decisions"][1]["action_status"] == "open"


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    from sori.governance.review_inputs import previous_period

    assert previous_period(*Q1) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert previous_period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == (
        dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    )  # fmt: skip
    assert previous_period(dt.date(2026, 3, 10), dt.date(2026, 3, 19)) == (
        dt.date(2026, 2, 28), dt.date(2026, 3, 9)
    )  # fmt: skip


def test_holding_freezes_the_inputs_later_complaints_do_not_change_the_held_pack(
    seeded, top, manager
):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20), chair_id=top.user_id)  # fmt: skip
    update_review(actor=manager, reference=review.reference, changes="신규 채널 개설",
                  recommendations="챗봇 도입", minutes="1분기 검토", attendees="대표, 품질팀",
                  chair_id=top.user_id, planned_on=dt.date(2026, 4, 20))  # fmt: skip
    hold_review(actor=top, reference=review.reference)

    file("3월 늦게 입력된 민원", when=on(2026, 3, 30), category="billing")
    review.refresh_from_db()

    assert review.status == ReviewStatus.HELD and review.held_at is not None
    held = review_inputs(viewer=top, review=review)
    assert {row["code"]: row["value"] for row in held["kpis"]}["received"] == 4
    live = compile_review_inputs(viewer=top, period_from=Q1[0], period_to=Q1[1])
    assert {row["code"]: row["value"] for row in live["kpis"]}["received"] == 5
    assert held["changes"] == "신규 채널 개설" and held["recommendations"] == "챗봇 도입"
    with pytest.raises(Conflict):
        update_review(actor=manager, reference=review.reference, changes="", recommendations="",
                      minutes="바꿈", attendees="", chair_id=None,
                      planned_on=dt.date(2026, 4, 20))  # fmt: skip
    assert AuditEntry.objects.filter(action="sori.review.held", iso_clause="8.6").exists()


def test_only_top_management_holds_and_minutes_are_required(seeded, top, manager, make_staff):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    with pytest.raises(Forbidden):
        hold_review(actor=manager, reference=review.reference)
    with pytest.raises(InvalidInput) as missing:
        hold_review(actor=top, reference=review.reference)
    assert missing.value.params["field"] == "minutes"
    with pytest.raises(Forbidden):
        create_review(actor=make_staff(Role.AUDITOR), period_from=Q1[0], period_to=Q1[1],
                      planned_on=dt.date(2026, 4, 20))  # fmt: skip


def test_a_review_needs_a_period_in_order_and_a_top_management_chair(db, top, manager):
    with pytest.raises(InvalidInput) as reversed_period:
        create_review(actor=manager, period_from=Q1[1], period_to=Q1[0],
                      planned_on=dt.date(2026, 4, 20))  # fmt: skip
    assert reversed_period.value.params["field"] == "period_to"
    with pytest.raises(InvalidInput) as chair:
        create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                      planned_on=dt.date(2026, 4, 20), chair_id=manager.user_id)  # fmt: skip
    assert chair.value.params["field"] == "chair"
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20), chair_id=top.user_id)  # fmt: skip
    assert review.reference == "MR-2026-000001"


def test_decisions_need_an_owner_and_a_due_date(db, top, manager):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    with pytest.raises(InvalidInput) as owner:
        add_decision(actor=manager, reference=review.reference, kind="other", text="무엇",
                     owner_id=None, due_on=dt.date(2026, 5, 1))  # fmt: skip
    assert owner.value.params["field"] == "owner"
    with pytest.raises(InvalidInput) as due:
        add_decision(actor=manager, reference=review.reference, kind="other", text="무엇",
                     owner_id=top.user_id, due_on=None)  # fmt: skip
    assert due.value.params["field"] == "due_on"


def test_a_decision_can_open_an_improvement_action_from_the_management_review(db, top, manager):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    decision = add_decision(actor=top, reference=review.reference, kind="improvement",
                            text="접수 확인 자동화\n상세", owner_id=manager.user_id,
                            due_on=dt.date(2026, 6, 30), open_action=True)  # fmt: skip

    action = ImprovementAction.objects.get(pk=decision.improvement_action_id)
    assert action.source == ActionSource.MANAGEMENT_REVIEW
    assert action.source_key == f"review:{review.reference}:decision:{decision.pk}"
    assert (action.title, action.owner_id, action.due_on) == (
        "접수 확인 자동화", manager.user_id, dt.date(2026, 6, 30)
    )  # fmt: skip
    mark_decision_done(actor=manager, reference=review.reference, decision_id=decision.pk)
    with pytest.raises(Conflict):
        mark_decision_done(actor=manager, reference=review.reference, decision_id=decision.pk)


def test_the_html_pack_has_an_svg_chart_and_every_section(seeded, top, manager):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    with translation.override("en"):
        html = review_pack_html(viewer=top, review=review)
    assert "<svg" in html
    for heading in ("Key performance indicators", "Objectives", "Customer satisfaction",
                    "Internal audit results", "Improvement actions",
                    "Actions from the previous review"):  # fmt: skip
        assert heading in html


def test_the_pdf_carries_korean_text_in_the_bundled_nanum_font(seeded, top, manager):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    with translation.override("ko"):
        pdf = review_pdf(viewer=top, review=review)

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "경영검토" in text
    assert "접수된 불만" in text  # the KPI "complaints received" in Korean
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # The family the pack declares with @font-face from sori/static/fonts/nanum, not a system font.
    assert any(name.endswith("+Sori-Nanum-Gothic") for name in fonts)


def test_the_bundled_font_and_its_licence_ship_as_static_files():
    from django.contrib.staticfiles import finders

    for name in ("NanumGothic.ttf", "NanumGothicBold.ttf", "OFL.txt"):
        assert finders.find(f"fonts/nanum/{name}"), name
    assert "SIL Open Font License" in (FONT_DIR / "OFL.txt").read_text()


def test_a_second_review_of_the_same_period_and_a_repeated_decision_are_refused(db, top, manager):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    with pytest.raises(Conflict) as twice:
        create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                      planned_on=dt.date(2026, 4, 20))  # fmt: skip
    assert twice.value.params["field"] == "period_from"
    fields = {"kind": "other", "text": "점검", "owner_id": top.user_id,
              "due_on": dt.date(2026, 5, 1)}  # fmt: skip
    add_decision(actor=manager, reference=review.reference, **fields)
    with pytest.raises(Conflict):
        add_decision(actor=manager, reference=review.reference, **fields)
    assert review.decisions.count() == 1


def test_a_held_review_with_a_snapshot_of_another_shape_still_renders(db, top, manager):
    review = create_review(actor=manager, period_from=Q1[0], period_to=Q1[1],
                           planned_on=dt.date(2026, 4, 20))  # fmt: skip
    review.status, review.held_at = ReviewStatus.HELD, clock.now()
    review.inputs_snapshot = {"kpis": {"received": 4}, "changes": "조직 개편"}
    review.save()

    with translation.override("en"):
        html = review_pack_html(viewer=top, review=review)

    assert "조직 개편" in html and "Key performance indicators" in html
