"""The recurring-issue scan and the decisions about its groups (ISO 10002 8.2, 8.7).

Complaints are filed through the real intake service at frozen times, with real complaint text
from the shared data (Korean petitions, CFPB narratives); the scan runs at ``NOW``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import override_settings

from sori.accounts.models import Role, Unit
from sori.analytics.models import GroupKind, RecurringGroup
from sori.analytics.recurring import (
    GroupState,
    _groups,
    group_detail,
    recurring_groups,
)
from sori.analytics.services.recurring_groups import dismiss_group, open_action_for_group
from sori.analytics.services.recurring_scan import (
    SCANNED,
    request_scan,
    scan_recurring,
    scheduled_scan,
)
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.models import ActionSource
from tests.backoffice.recurring.seed import (
    NOW,
    categories,
    days_ago,
    file,
    needs_data,
    petition,
    seed_near_duplicates,
)
from tests.backoffice.workspace.conftest import place

pytestmark = pytest.mark.django_db


def members(group: RecurringGroup) -> set[str]:
    return set(group.complaints.values_list("reference", flat=True))


def similar_groups() -> list[RecurringGroup]:
    return list(RecurringGroup.objects.filter(kind=GroupKind.SIMILAR).order_by("first_at"))


@needs_data
def test_near_duplicate_korean_and_english_complaints_are_grouped_and_unrelated_ones_are_not():
    seeded = seed_near_duplicates()

    summary = scan_recurring(now=NOW)

    groups = similar_groups()
    assert [members(group) for group in groups] == [
        set(seeded["english"]),
        set(seeded["korean"]),
    ]
    unrelated = set(seeded["unrelated"])
    assert all(not members(group) & unrelated for group in RecurringGroup.objects.all())
    english, korean = groups
    assert english.key == "loans|" and korean.key == "health|"
    assert english.score >= 0.85 and korean.score >= 0.85
    assert korean.size == 3 and korean.title == "흡연카드"
    assert korean.first_at == days_ago(20) and korean.last_at == days_ago(5)
    assert (summary.similar, summary.texts_read, summary.texts_capped) == (2, 10, False)


@needs_data
def test_complaints_about_the_same_product_are_compared_only_with_each_other():
    categories()
    first = file(petition("617"), when=days_ago(9), category="health", product="담배")
    file(petition("617"), when=days_ago(8), category="health", product="전자담배")
    third = file(petition("617"), when=days_ago(7), category="health", product="담배")

    scan_recurring(now=NOW)

    (group,) = similar_groups()
    assert members(group) == {first, third}
    assert group.key == "health|담배"


@needs_data
def test_a_rescan_keeps_the_group_its_fingerprint_and_its_dismissal(make_staff):
    seeded = seed_near_duplicates()
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    scan_recurring(now=NOW - dt.timedelta(days=1))
    korean = RecurringGroup.objects.get(complaints__reference=seeded["korean"][0])
    dismiss_group(actor=manager, group_id=korean.pk, note="금연 정책 민원: 소관 아님")
    # A fourth copy arrives; the next scan finds the grown group under the same record.
    later = file(petition("618"), when=days_ago(0.5, hour=9), category="health")

    scan_recurring(now=NOW)

    again = RecurringGroup.objects.get(complaints__reference=later)
    assert again.pk == korean.pk and again.fingerprint == korean.fingerprint
    assert members(again) == {*seeded["korean"], later} and again.size == 4
    assert again.dismissed_at is not None and again.dismissal_note == "금연 정책 민원: 소관 아님"
    assert again.scanned_at == NOW
    assert RecurringGroup.objects.filter(kind=GroupKind.SIMILAR).count() == 2


@needs_data
def test_a_group_whose_members_leave_the_window_stays_as_last_seen():
    seed_near_duplicates()
    scan_recurring(now=NOW)
    before = {group.pk: group.scanned_at for group in RecurringGroup.objects.all()}

    summary = scan_recurring(now=NOW + dt.timedelta(days=200))

    assert summary.found == 0
    after = {group.pk: group.scanned_at for group in RecurringGroup.objects.all()}
    assert after == before


def test_a_complainant_who_came_back_three_times_is_found_by_email_or_phone():
    categories()
    email = "returning@example.kr"
    came_back = [
        file(f"{n}번째 민원입니다. 배송이 또 늦었습니다.", when=days_ago(day), email=email)
        for n, day in ((1, 60), (2, 30), (3, 2))
    ]
    by_phone = [
        file(
            f"전화로 알려드린 {n}번째 문제입니다.",
            when=days_ago(day),
            email="",
            phone="010-9876-5432",
        )
        for n, day in ((1, 50), (2, 40), (3, 1))
    ]
    # Twice is not yet a pattern (the default minimum is three), and an old one is out of window.
    file("처음 드리는 민원입니다.", when=days_ago(20), email="twice@example.kr")
    file("두 번째 민원입니다.", when=days_ago(10), email="twice@example.kr")
    file("오래된 민원입니다.", when=days_ago(120), email="twice@example.kr")

    summary = scan_recurring(now=NOW)

    groups = RecurringGroup.objects.filter(kind=GroupKind.RETURNING)
    assert {frozenset(members(group)) for group in groups} == {
        frozenset(came_back),
        frozenset(by_phone),
    }
    assert summary.returning == 2
    for group in groups:
        # The group names the person by a digest only: no address, no number, no blind index.
        assert group.key.startswith("person:")
        assert email not in group.key and email not in group.title
        assert group.size == 3


@override_settings(SORI_RECURRING_RETURNING_MIN=2)
def test_the_returning_minimum_is_a_setting():
    file("처음 드리는 민원입니다.", when=days_ago(20), email="twice@example.kr")
    file("두 번째 민원입니다.", when=days_ago(10), email="twice@example.kr")

    assert scan_recurring(now=NOW).returning == 1


def _rising_and_flat() -> tuple[list[str], list[str]]:
    """Billing (with its sub-category) rises to 15 in the last 30 days against 3 a month before;
    delivery stays at 5 a month."""
    categories()
    # The organisation's first complaint, before the window: there is history to compare with.
    file("오래전 민원입니다.", when=days_ago(100), category="health")
    recent = []
    for month in (2, 1):  # the two months before the last 30 days: the baseline
        for n in range(3):
            file(f"요금이 이상합니다 {month}-{n}", when=days_ago(30 * month + 3 + 7 * n),
                 category="billing")  # fmt: skip
    for n in range(15):
        recent.append(file(f"요금이 두 번 청구되었습니다 {n}", when=days_ago(1 + n, hour=9),
                           category="billing"))  # fmt: skip
    flat = []
    for month in (2, 1, 0):
        for n in range(5):
            reference = file(f"배송이 늦습니다 {month}-{n}", when=days_ago(30 * month + 2 + 5 * n),
                             category="delivery")  # fmt: skip
            if month == 0:
                flat.append(reference)
    return recent, flat


def test_a_rising_category_is_found_and_a_flat_one_is_not():
    recent, _flat = _rising_and_flat()

    summary = scan_recurring(now=NOW)

    (group,) = RecurringGroup.objects.filter(kind=GroupKind.RISING)
    assert group.key == "billing"
    assert members(group) == set(recent)
    assert group.score == pytest.approx(3.0, abs=0.01)  # expected in 30 days: 6 over 60 days
    assert (summary.rising, summary.baseline_days) == (1, 60)


def test_a_rise_counts_the_sub_categories_under_their_top_category():
    categories()
    file("오래전 민원입니다.", when=days_ago(100), category="billing")
    for month in (2, 1):
        file(f"금연 {month}", when=days_ago(30 * month + 5), category="health-smoking")
    for n in range(8):
        file(f"금연 구역 {n}", when=days_ago(2 + n), category="health-smoking")

    scan_recurring(now=NOW)

    (group,) = RecurringGroup.objects.filter(kind=GroupKind.RISING)
    assert group.key == "health" and group.size == 8


def test_no_rise_is_called_without_history_to_compare_with():
    categories()
    for n in range(12):
        file(f"요금 {n}", when=days_ago(1 + n), category="billing")

    summary = scan_recurring(now=NOW)

    assert (summary.rising, summary.baseline_days) == (0, 0)


@needs_data
def test_the_scan_is_audited_with_its_summary():
    seed_near_duplicates()

    scan_recurring(now=NOW)

    entry = AuditEntry.objects.get(action=SCANNED)
    assert entry.iso_clause == "8.2" and entry.actor == "system"
    assert entry.data["similar"] == 2 and entry.data["created"] == 2
    assert entry.data["texts_capped"] is False


@needs_data
@override_settings(SORI_RECURRING_MAX_TEXTS=4)
def test_a_window_with_more_texts_than_the_limit_compares_the_newest_and_says_so():
    seeded = seed_near_duplicates()

    summary = scan_recurring(now=NOW)

    assert summary.texts_capped and summary.texts_read == 4 and summary.text_limit == 4
    # The newest four: the Korean re-post (5 days), 714 (8), 618 in billing (10), the English
    # third letter (12); none of them has a near-duplicate among the others.
    assert summary.similar == 0
    assert Complaint.objects.filter(reference__in=seeded["korean"]).count() == 3


def test_the_worker_runs_the_scan_every_six_hours_unless_a_scan_just_ran():
    jobs = apps.get_app_config("analytics").periodic_jobs()
    (job,) = [job for job in jobs if job[0] == "recurring-scan"]
    name, function, every = job
    assert (name, every) == ("recurring-scan", 21600.0)

    with clock.frozen_at(NOW):
        assert function() is not None
        assert scheduled_scan() is None  # another worker's turn: skipped
    with clock.frozen_at(NOW + dt.timedelta(hours=4)):
        assert scheduled_scan() is not None
    assert AuditEntry.objects.filter(action=SCANNED).count() == 2


def test_a_manager_may_start_a_scan_and_an_auditor_may_not(make_staff):
    manager, auditor = make_staff(Role.COMPLAINTS_MANAGER), make_staff(Role.AUDITOR)

    request_scan(actor=manager)  # the tests run background tasks at once
    with pytest.raises(Forbidden):
        request_scan(actor=auditor)

    (entry,) = AuditEntry.objects.filter(action=SCANNED)
    assert entry.actor == f"staff:{manager.user_id}"


def test_the_window_must_be_sensible():
    with pytest.raises(InvalidInput) as refused:
        scan_recurring(now=NOW, window_days=0)
    assert refused.value.code == "invalid_window"


# --- deciding about a group -------------------------------------------------------------------


@needs_data
def test_opening_an_improvement_action_links_the_group_and_its_complaints(make_staff):
    seeded = seed_near_duplicates()
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    scan_recurring(now=NOW)
    group = RecurringGroup.objects.get(complaints__reference=seeded["english"][0])

    with clock.frozen_at(NOW):
        action = open_action_for_group(
            actor=manager,
            group_id=group.pk,
            title="학자금 대출 개인정보 유출 민원 대응",
            owner_id=manager.user_id,
            due_on=NOW.date() + dt.timedelta(days=30),
        )

    group.refresh_from_db()
    assert group.improvement_action == action
    assert action.source == ActionSource.SIMILAR_COMPLAINTS
    assert action.source_key == f"recurring:{group.fingerprint}"
    assert set(action.complaints.values_list("reference", flat=True)) == set(seeded["english"])
    assert "3" in action.cause
    assert AuditEntry.objects.filter(
        action="sori.analytics.recurring_actioned", iso_clause="8.2"
    ).exists()
    with pytest.raises(Conflict) as again:
        open_action_for_group(actor=manager, group_id=group.pk, title="다시")
    assert again.value.code == "already_actioned"
    assert recurring_groups(viewer=manager, state=GroupState.ACTIONED).rows[0].action_reference


def test_each_kind_opens_its_action_with_its_own_source(make_staff):
    recent, _flat = _rising_and_flat()
    manager = make_staff(Role.TOP_MANAGEMENT)
    scan_recurring(now=NOW)
    rising = RecurringGroup.objects.get(kind=GroupKind.RISING)

    with clock.frozen_at(NOW):
        action = open_action_for_group(actor=manager, group_id=rising.pk, title="요금 오류 조사")

    assert action.source == ActionSource.RISING_CATEGORY
    assert action.complaints.count() == len(recent)


def test_a_dismissal_needs_a_reason_and_a_manager(make_staff):
    _rising_and_flat()
    scan_recurring(now=NOW)
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)
    manager, auditor = make_staff(Role.COMPLAINTS_MANAGER), make_staff(Role.AUDITOR)

    with pytest.raises(InvalidInput) as blank:
        dismiss_group(actor=manager, group_id=group.pk, note="   ")
    assert blank.value.code == "note_required"
    with pytest.raises(Forbidden):
        dismiss_group(actor=auditor, group_id=group.pk, note="확인함")
    with pytest.raises(Forbidden):
        open_action_for_group(actor=auditor, group_id=group.pk, title="조치")

    dismiss_group(actor=manager, group_id=group.pk, note="요금제 변경 안내 기간의 일시적 증가")

    with pytest.raises(Conflict) as twice:
        dismiss_group(actor=manager, group_id=group.pk, note="다시")
    assert twice.value.code == "already_dismissed"
    entry = AuditEntry.objects.get(action="sori.analytics.recurring_dismissed")
    assert entry.iso_clause == "8.2" and entry.data["note"].startswith("요금제")


def test_dismissing_a_group_moves_it_from_the_open_list_to_the_dismissed_list(make_staff):
    _rising_and_flat()
    scan_recurring(now=NOW)
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)

    dismiss_group(actor=manager, group_id=group.pk, note="일시적 증가")

    assert recurring_groups(viewer=manager).rows == []
    (row,) = recurring_groups(viewer=manager, state=GroupState.DISMISSED).rows
    assert row.id == group.pk and row.dismissal_note == "일시적 증가"


def test_a_group_shows_only_the_members_the_viewer_may_see(make_staff):
    """The readers today all see every complaint; the selector still bounds a group by the
    viewer's scope, so a narrower reader would never see a complaint outside it."""
    recent, _flat = _rising_and_flat()  # billing complaints go to the south unit
    scan_recurring(now=NOW)
    north = place(make_staff(Role.HANDLER), unit=Unit.objects.get(code="north"))
    south = place(make_staff(Role.HANDLER), unit=Unit.objects.get(code="south"))

    assert list(_groups(north)) == []
    (row,) = list(_groups(south).filter(kind=GroupKind.RISING))
    assert row["visible_size"] == len(recent)
    with pytest.raises(Forbidden):
        recurring_groups(viewer=south)


def test_the_group_page_lists_its_members_with_their_details(make_staff):
    recent, _flat = _rising_and_flat()
    scan_recurring(now=NOW)
    auditor = make_staff(Role.AUDITOR)
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)

    detail = group_detail(viewer=auditor, group_id=group.pk)

    assert [member.reference for member in detail.members] == sorted(
        recent, key=lambda ref: Complaint.objects.get(reference=ref).received_at
    )
    assert detail.members[0].category == "요금"
    assert detail.members[0].summary.startswith("요금이 두 번 청구되었습니다")
    assert detail.scope == "요금" and "요금" in detail.title and "3.0" in detail.title
