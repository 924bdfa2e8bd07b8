"""Improvement actions after they are opened: the status table, who may take which step, and the
audit trail (ISO 10002 8.7)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.governance.models import ActionStatus, ImprovementAction
from sori.governance.selectors import action_detail, action_page
from sori.governance.services.action_opening import open_improvement_action
from sori.governance.services.actions import (
    TRANSITIONS,
    ActionMoveNotAllowed,
    Step,
    cancel_action,
    check_effectiveness,
    record_implementation,
    update_action,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 2, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def at_now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


@pytest.fixture
def owner(make_staff):
    return make_staff(Role.HANDLER)


def _open(manager, owner=None, **fields) -> ImprovementAction:
    return open_improvement_action(
        actor=manager,
        title="청구서 안내 문구 개선",
        owner_id=owner.user_id if owner else None,
        **fields,
    )


# How to ask for each target status, through the step that makes it.
def _move(actor, reference: str, target: str) -> ImprovementAction:
    if target == ActionStatus.IN_PROGRESS:
        return update_action(actor=actor, reference=reference, status=target)
    if target == ActionStatus.IMPLEMENTED:
        return record_implementation(actor=actor, reference=reference, note="문구를 바꿨습니다.")
    if target in (ActionStatus.EFFECTIVE, ActionStatus.NOT_EFFECTIVE):
        return check_effectiveness(
            actor=actor,
            reference=reference,
            effective=target == ActionStatus.EFFECTIVE,
            note="3개월간 같은 민원이 없었습니다.",
        )
    if target == ActionStatus.CANCELLED:
        return cancel_action(actor=actor, reference=reference, reason="다른 조치로 대체")
    raise AssertionError(target)


TARGETS = [s for s in ActionStatus.values if s != ActionStatus.OPEN]


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(ActionStatus.values, TARGETS))
)
def test_the_status_table_allows_exactly_its_moves(manager, current, target):
    action = _open(manager)
    # Set-up: put the action in the status under test.
    ImprovementAction.objects.filter(pk=action.pk).update(status=current)
    if current == target == ActionStatus.IN_PROGRESS:
        # Asking for the status it already has is no move: nothing changes, nothing is written.
        before = AuditEntry.objects.count()
        assert _move(manager, action.reference, target).status == target
        assert AuditEntry.objects.count() == before
    elif (current, target) in TRANSITIONS:
        moved = _move(manager, action.reference, target)
        assert moved.status == target
        assert ImprovementAction.objects.get(pk=action.pk).status == target
    else:
        with pytest.raises(ActionMoveNotAllowed) as refused:
            _move(manager, action.reference, target)
        assert refused.value.code == "action_move_not_allowed"
        assert ImprovementAction.objects.get(pk=action.pk).status == current


def test_every_move_in_the_table_is_made_by_the_step_its_target_needs():
    steps = {
        ActionStatus.IN_PROGRESS: Step.UPDATE,
        ActionStatus.IMPLEMENTED: Step.IMPLEMENT,
        ActionStatus.EFFECTIVE: Step.CHECK,
        ActionStatus.NOT_EFFECTIVE: Step.CHECK,
        ActionStatus.CANCELLED: Step.CANCEL,
    }
    assert all(step is steps[target] for (_source, target), step in TRANSITIONS.items())
    # Nothing leaves a final status; nothing goes back to "open".
    assert not [m for m in TRANSITIONS if m[0] in ("effective", "cancelled") or m[1] == "open"]


def test_an_illegal_move_is_refused_with_a_message_in_the_readers_language(manager):
    from django.utils import translation

    action = _open(manager)
    with translation.override("en"), pytest.raises(ActionMoveNotAllowed) as refused:
        check_effectiveness(actor=manager, reference=action.reference, effective=True, note="x")
    assert str(refused.value) == "An improvement action that is “open” cannot become “effective”."


def test_the_whole_life_of_an_action_is_in_the_audit_trail(manager, owner):
    action = _open(manager, owner, due_on=dt.date(2026, 3, 31))
    update_action(actor=owner, reference=action.reference, status=ActionStatus.IN_PROGRESS,
                  cause="안내 문구가 모호함")  # fmt: skip
    record_implementation(actor=owner, reference=action.reference, note="문구 교체 완료")
    check_effectiveness(actor=manager, reference=action.reference, effective=False,
                        note="여전히 민원 발생")  # fmt: skip
    update_action(actor=owner, reference=action.reference, status=ActionStatus.IN_PROGRESS)
    with clock.frozen_at(NOW + dt.timedelta(days=30)):
        record_implementation(actor=owner, reference=action.reference, note="2차 교체")
    with clock.frozen_at(NOW + dt.timedelta(days=120)):
        check_effectiveness(actor=manager, reference=action.reference, effective=True,
                            note="민원 없음")  # fmt: skip
    action.refresh_from_db()
    assert action.status == ActionStatus.EFFECTIVE
    assert action.cause == "안내 문구가 모호함"
    assert action.implemented_at == NOW + dt.timedelta(days=30)
    # The record keeps the latest implementation; the trail keeps both.
    assert action.implementation_note == "2차 교체"
    assert action.effectiveness_due_on == dt.date(2026, 3, 4) + dt.timedelta(days=90)
    assert action.effectiveness_note == "민원 없음"
    entries = AuditEntry.objects.filter(object_type="improvement_action",
                                        object_id=action.reference).order_by("seq")  # fmt: skip
    assert [e.action.rsplit(".", 1)[1] for e in entries] == [
        "opened", "updated", "implemented", "effectiveness_checked", "updated", "implemented",
        "effectiveness_checked",
    ]  # fmt: skip
    assert {e.iso_clause for e in entries} == {"8.7"}
    assert entries[1].data["changes"]["status"] == ["open", "in_progress"]
    assert entries[3].data == {"effective": False, "note": "여전히 민원 발생"}
    history = action_detail(viewer=manager, reference=action.reference).history
    assert len(history) == 7 and "문구 교체 완료" in history[2].details


def test_effective_waits_for_the_check_due_date_but_a_recurrence_counts_at_once(manager, settings):
    settings.SORI_EFFECTIVENESS_CHECK_DAYS = 60
    action = _open(manager)
    record_implementation(actor=manager, reference=action.reference, note="양식 변경")
    action.refresh_from_db()
    # Implemented on 2 February (Seoul): the check falls due 60 days later (ISO 10002 8.7).
    assert action.effectiveness_due_on == dt.date(2026, 4, 3)
    with clock.frozen_at(NOW + dt.timedelta(days=59)), pytest.raises(InvalidInput) as early:
        check_effectiveness(actor=manager, reference=action.reference, effective=True,
                            note="민원 없음")  # fmt: skip
    assert early.value.code == "check_not_due"
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.IMPLEMENTED
    with clock.frozen_at(NOW + dt.timedelta(days=60)):
        check_effectiveness(actor=manager, reference=action.reference, effective=True,
                            note="두 달간 재발 없음")  # fmt: skip
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.EFFECTIVE

    second = _open(manager)
    record_implementation(actor=manager, reference=second.reference, note="양식 변경")
    with clock.frozen_at(NOW + dt.timedelta(days=5)):
        check_effectiveness(actor=manager, reference=second.reference, effective=False,
                            note="같은 불만이 다시 접수됨")  # fmt: skip
    assert ImprovementAction.objects.get(pk=second.pk).status == ActionStatus.NOT_EFFECTIVE


def test_kind_and_cancel_reason_are_kept_on_the_record(manager):
    action = _open(manager, kind="preventive")
    assert action.kind == "preventive"
    with pytest.raises(InvalidInput) as wrong:
        _open(manager, kind="heroic")
    assert wrong.value.code == "invalid_kind"
    update_action(actor=manager, reference=action.reference, kind="improvement")
    cancel_action(actor=manager, reference=action.reference, reason="다른 조치로 대체")
    action.refresh_from_db()
    assert (action.kind, action.cancel_reason) == ("improvement", "다른 조치로 대체")


def test_the_owner_works_the_action_but_only_managers_assign_cancel_and_check(
    manager, owner, make_staff
):
    action = _open(manager, owner)
    other = make_staff(Role.HANDLER)
    with pytest.raises(Forbidden):
        update_action(actor=owner, reference=action.reference, owner_id=other.user_id)
    with pytest.raises(Forbidden):
        cancel_action(actor=owner, reference=action.reference, reason="필요 없음")
    record_implementation(actor=owner, reference=action.reference, note="완료")
    with pytest.raises(Forbidden):
        check_effectiveness(actor=owner, reference=action.reference, effective=True, note="ok")
    # Someone who neither owns it nor reads every action does not see it at all.
    with pytest.raises(NotFound):
        record_implementation(actor=other, reference=action.reference, note="x")
    # The auditor and the administrator read; they change nothing.
    for role in (Role.AUDITOR, Role.ADMINISTRATOR):
        reader = make_staff(role)
        assert action_detail(viewer=reader, reference=action.reference).steps == {}
        with pytest.raises(Forbidden):
            update_action(actor=reader, reference=action.reference, description="x")


def test_updating_changes_only_what_was_given_and_an_empty_update_writes_nothing(manager, owner):
    action = _open(manager, owner, description="처음 설명")
    before = AuditEntry.objects.count()
    update_action(actor=manager, reference=action.reference, description="처음 설명 ")
    assert AuditEntry.objects.count() == before
    update_action(actor=manager, reference=action.reference, owner_id=None,
                  due_on=dt.date(2026, 4, 30))  # fmt: skip
    action.refresh_from_db()
    assert action.owner_id is None and action.due_on == dt.date(2026, 4, 30)
    assert action.description == "처음 설명"
    entry = AuditEntry.objects.filter(action="sori.improvement.updated").get()
    assert entry.data["changes"] == {
        "owner_id": [owner.user_id, None],
        "due_on": [None, "2026-04-30"],
    }


def test_bad_input_is_refused_with_its_field(manager, owner):
    action = _open(manager, owner)
    cases = [
        (lambda: update_action(actor=manager, reference=action.reference,
                               due_on=dt.date(2026, 1, 1)), "due_in_past", "due_on"),
        (lambda: update_action(actor=manager, reference=action.reference, owner_id=999_999),
         "invalid_owner", "owner"),
        (lambda: record_implementation(actor=owner, reference=action.reference, note=" "),
         "note_required", "note"),
        (lambda: cancel_action(actor=manager, reference=action.reference, reason=""),
         "reason_required", "reason"),
        (lambda: check_effectiveness(actor=manager, reference=action.reference,
                                     effective=True, note=""), "note_required", "note"),
    ]  # fmt: skip
    for call, code, field in cases:
        with pytest.raises(InvalidInput) as refused:
            call()
        assert (refused.value.code, refused.value.params["field"]) == (code, field)
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_a_finished_action_cannot_be_edited(manager):
    action = _open(manager)
    cancel_action(actor=manager, reference=action.reference, reason="중복")
    with pytest.raises(ActionMoveNotAllowed):
        update_action(actor=manager, reference=action.reference, description="새 설명")


def test_the_list_shows_readers_every_action_and_others_their_own(manager, owner, make_staff):
    mine = _open(manager, owner)
    _open(manager)
    overdue = _open(manager, due_on=dt.date(2026, 2, 10))
    auditor = make_staff(Role.AUDITOR)
    assert action_page(viewer=auditor).total == 3
    assert [row.reference for row in action_page(viewer=owner).rows] == [mine.reference]
    assert action_page(viewer=make_staff(Role.INVESTIGATOR)).rows == []
    with clock.frozen_at(NOW + dt.timedelta(days=10)):
        late = action_page(viewer=manager, overdue=True)
    assert [row.reference for row in late.rows] == [overdue.reference]
    assert late.rows[0].overdue
    cancel_action(actor=manager, reference=mine.reference, reason="중복")
    assert action_page(viewer=manager, status="cancelled").total == 1
    with pytest.raises(InvalidInput):
        action_page(viewer=manager, status="done")


def test_the_list_pages_newest_first(manager):
    made = []
    for day in range(5):
        with clock.frozen_at(NOW + dt.timedelta(days=day)):
            made.append(_open(manager).reference)
    first = action_page(viewer=manager, size=2)
    second = action_page(viewer=manager, size=2, page=2)
    third = action_page(viewer=manager, size=2, page=3)
    assert [r.reference for r in first.rows + second.rows + third.rows] == made[::-1]
    assert first.has_next and second.has_next and not third.has_next


def test_the_detail_shows_only_the_linked_complaints_the_reader_may_see(
    manager, make_staff, submit
):
    from sori.accounts.models import Unit
    from sori.complaints.models import Category, Complaint
    from tests.backoffice.workspace.conftest import place

    north = Unit.objects.create(code="north", name_ko="북부", name_en="North")
    south = Unit.objects.create(code="south", name_ko="남부", name_en="South")
    Category.objects.create(code="billing", label_ko="요금", label_en="Billing", unit=north)
    Category.objects.create(code="delivery", label_ko="배송", label_en="Delivery", unit=south)
    refs = [submit(category="billing").reference, submit(category="delivery").reference]
    ids = list(Complaint.objects.filter(reference__in=refs).values_list("pk", flat=True))
    handler = place(make_staff(Role.HANDLER), unit=north)
    action = _open(manager, handler, complaint_ids=ids)
    for_manager = action_detail(viewer=manager, reference=action.reference)
    assert sorted(c.reference for c in for_manager.complaints) == sorted(refs)
    for_owner = action_detail(viewer=handler, reference=action.reference)
    assert [c.reference for c in for_owner.complaints] == [refs[0]]
    assert for_owner.hidden_complaints == 1
    assert action_page(viewer=handler).rows[0].complaints == 1
    assert action_page(viewer=manager).rows[0].complaints == 2
    assert set(for_owner.steps) == {"in_progress", "implemented"}
