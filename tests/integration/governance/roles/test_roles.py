"""Who holds each duty, the empty-duty system check and appointments (ISO 10002 5.4)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.checks import check_roles
from sori.governance.models import Appointment, Duty
from sori.governance.roles import role_gaps, role_matrix
from sori.governance.services.appointments import appoint, end_appointment

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def everyone(make_staff):
    """A top manager, a handler, an approver with a limit and an auditor; no representative."""
    return {
        "top": make_staff(Role.TOP_MANAGEMENT, username="top"),
        "handler": make_staff(Role.HANDLER, username="handler"),
        "approver": make_staff(Role.APPROVER, username="approver"),
        "auditor": make_staff(Role.AUDITOR, username="auditor"),
        "manager": make_staff(Role.COMPLAINTS_MANAGER, username="manager"),
    }


def _warnings() -> set[str]:
    return {message.id for message in check_roles()}


def test_the_system_check_warns_when_no_representative_is_appointed(everyone):
    with clock.frozen_at(NOW), translation.override("en"):
        messages = check_roles()
    assert [message.id for message in messages] == ["sori.governance.W001"]
    assert "representative" in messages[0].msg


def test_the_system_check_is_silent_when_every_role_is_filled(everyone):
    with clock.frozen_at(NOW):
        appoint(
            actor=everyone["top"], duty=Duty.REPRESENTATIVE, user_id=everyone["manager"].user_id
        )
        assert check_roles() == []


def test_the_system_check_names_every_empty_duty_on_an_empty_installation(db):
    with clock.frozen_at(NOW):
        assert _warnings() == {f"sori.governance.W00{n}" for n in range(1, 6)}


def test_an_approver_without_an_authority_limit_does_not_count(make_staff):
    make_staff(Role.APPROVER, authority_limit=Decimal("0"))
    with clock.frozen_at(NOW):
        assert "approver" in {gap.key for gap in role_gaps()}


def test_an_internal_audit_naming_a_staff_member_counts_as_someone_able_to_audit(everyone):
    from sori.governance.models import InternalAudit

    InternalAudit.objects.create(
        reference="AU-2026-000001",
        title="Q1",
        scope_from=dt.date(2026, 1, 1),
        scope_to=dt.date(2026, 3, 31),
        auditor_id=everyone["handler"].user_id,
        planned_on=dt.date(2026, 4, 1),
        created_at=NOW,
    )
    from sori.accounts.models import StaffProfile

    StaffProfile.objects.filter(role=Role.AUDITOR).delete()
    with clock.frozen_at(NOW):
        assert "auditor" not in {gap.key for gap in role_gaps()}


def test_appointing_a_new_representative_ends_the_previous_one(everyone):
    top = everyone["top"]
    with clock.frozen_at(NOW):
        first = appoint(
            actor=top,
            duty=Duty.REPRESENTATIVE,
            user_id=everyone["manager"].user_id,
            starts_on=dt.date(2026, 1, 1),
        )
        second = appoint(actor=top, duty=Duty.REPRESENTATIVE, user_id=everyone["handler"].user_id)
        first.refresh_from_db()
        assert first.ended_on == dt.date(2026, 3, 9)
        assert second.starts_on == dt.date(2026, 3, 10) and second.ended_on is None
        holders = {g.key: g.holders for g in role_matrix(viewer=everyone["auditor"]).holders}
    assert [h.username for h in holders["representative"]] == ["handler"]
    actions = list(
        AuditEntry.objects.filter(object_type="appointment").values_list("action", "iso_clause")
    )
    assert actions.count(("sori.appointment.made", "5.4")) == 2
    assert ("sori.appointment.ended", "5.4") in actions


def test_deputies_may_be_several_but_one_person_holds_a_duty_once(everyone):
    top = everyone["top"]
    with clock.frozen_at(NOW):
        appoint(actor=top, duty=Duty.DEPUTY, user_id=everyone["handler"].user_id)
        appoint(actor=top, duty=Duty.DEPUTY, user_id=everyone["approver"].user_id)
        with pytest.raises(Conflict):
            appoint(actor=top, duty=Duty.DEPUTY, user_id=everyone["handler"].user_id)
    assert Appointment.objects.filter(duty=Duty.DEPUTY, ended_on__isnull=True).count() == 2


def test_only_top_management_and_administrators_appoint(everyone):
    for role in ("manager", "auditor", "handler"):
        with pytest.raises(Forbidden):
            appoint(
                actor=everyone[role], duty=Duty.REPRESENTATIVE, user_id=everyone["manager"].user_id
            )
    assert not Appointment.objects.exists()


def test_the_appointee_must_be_an_active_staff_member(everyone, django_user_model):
    outsider = django_user_model.objects.create_user(username="outsider")
    django_user_model.objects.filter(pk=everyone["handler"].user_id).update(is_active=False)
    for user_id in (outsider.pk, everyone["handler"].user_id, 999_999):
        with pytest.raises(InvalidInput) as refused:
            appoint(actor=everyone["top"], duty=Duty.DEPUTY, user_id=user_id)
        assert refused.value.code == "invalid_user"


def test_ending_an_appointment_keeps_it_as_history_and_opens_the_gap(everyone):
    top = everyone["top"]
    with clock.frozen_at(NOW):
        made = appoint(
            actor=top,
            duty=Duty.REPRESENTATIVE,
            user_id=everyone["manager"].user_id,
            starts_on=dt.date(2026, 1, 1),
        )
        end_appointment(actor=top, appointment_id=made.pk, ended_on=dt.date(2026, 3, 9))
        assert "representative" in {gap.key for gap in role_gaps()}
        with pytest.raises(Conflict):
            end_appointment(actor=top, appointment_id=made.pk)
    assert Appointment.objects.get(pk=made.pk).ended_on == dt.date(2026, 3, 9)


def test_an_appointment_cannot_end_before_it_starts(everyone):
    with clock.frozen_at(NOW):
        made = appoint(actor=everyone["top"], duty=Duty.DEPUTY, user_id=everyone["handler"].user_id)
        with pytest.raises(InvalidInput) as refused:
            end_appointment(
                actor=everyone["top"], appointment_id=made.pk, ended_on=dt.date(2026, 3, 1)
            )
    assert refused.value.code == "end_before_start"


def test_the_role_matrix_is_plain_serialisable_data_with_one_accountable_per_activity(everyone):
    with clock.frozen_at(NOW):
        matrix = role_matrix(viewer=everyone["handler"])
    text = json.dumps(dataclasses.asdict(matrix), ensure_ascii=False)
    assert "representative" in text
    assert len(matrix.activities) == 12
    for row in matrix.activities:
        assert row.cells.count("A") == 1, row.key
        assert len(row.cells) == len(matrix.duties)
    approvers = {g.key: g for g in matrix.holders}["approver"].holders
    assert {h.username for h in approvers} == {"approver", "manager"}
    assert any("5,000,000" in h.detail for h in approvers)
