"""Assignment with objectivity and the message to the new handler (ISO 10002 4.7, 5.4)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Complaint
from sori.complaints.services.assignment import declare_conflict, name_staff
from sori.complaints.services.handover import assign_and_notify
from sori.core.errors import InvalidInput
from sori.messaging.models import OutboundMessage

pytestmark = pytest.mark.django_db


def test_the_new_handler_is_told_by_email(submit, handler, staff):
    colleague = staff(Role.HANDLER, email="colleague@sori.test")
    receipt = submit()
    assign_and_notify(actor=handler, reference=receipt.reference, assignee_id=colleague.user_id)
    message = OutboundMessage.objects.get(template="assigned")
    assert message.recipient == "colleague@sori.test"
    assert receipt.reference in message.subject
    assert Complaint.objects.get(reference=receipt.reference).assignee_id == colleague.user_id


def test_taking_a_complaint_oneself_sends_no_email(submit, staff):
    me = staff(Role.HANDLER, email="me@sori.test")
    receipt = submit()
    assign_and_notify(actor=me, reference=receipt.reference, assignee_id=me.user_id)
    assert not OutboundMessage.objects.filter(template="assigned").exists()


def test_a_named_staff_member_cannot_be_assigned_and_nobody_is_told(submit, handler, staff):
    named = staff(Role.HANDLER, email="named@sori.test")
    receipt = submit()
    name_staff(actor=handler, reference=receipt.reference, staff_ids=[named.user_id])
    with pytest.raises(InvalidInput) as refused:
        assign_and_notify(actor=handler, reference=receipt.reference, assignee_id=named.user_id)
    assert refused.value.code == "conflict_of_interest"
    assert not OutboundMessage.objects.filter(template="assigned").exists()
    assert Complaint.objects.get(reference=receipt.reference).assignee_id is None


def test_declaring_a_conflict_as_the_assignee_unassigns_them(submit, handler, staff):
    colleague = staff(Role.HANDLER)
    receipt = submit()
    assign_and_notify(actor=handler, reference=receipt.reference, assignee_id=colleague.user_id)
    declare_conflict(actor=colleague, reference=receipt.reference, staff_id=colleague.user_id,
                     reason="불만제기자가 제 친척입니다.")  # fmt: skip
    assert Complaint.objects.get(reference=receipt.reference).assignee_id is None
    with pytest.raises(InvalidInput) as refused:
        assign_and_notify(actor=handler, reference=receipt.reference, assignee_id=colleague.user_id)
    assert refused.value.code == "conflict_of_interest"
