"""Email to staff through the outbox: escalations, assignments, approvals, reviews.

ISO 10002 7.5 (a safety risk reaches the complaints manager and top management at once, and
that they were told is on record), 5.4 (each person knows what is theirs to do). Delivered to
a real SMTP server (aiosmtpd) after the commit.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.core.actors import SYSTEM
from sori.core.errors import InvalidInput
from sori.messaging import services
from sori.messaging.models import Audience, MessageStatus, OutboundMessage
from sori.messaging.rendering import STAFF_CLAUSES, render_staff

from .test_outbox import EMAIL, submit

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


def staff_user(make_staff, role: str, email: str, **changes):
    actor = make_staff(role)
    User.objects.filter(pk=actor.user_id).update(email=email, **changes)
    return User.objects.get(pk=actor.user_id)


def test_a_safety_risk_is_sent_at_once_to_the_complaints_manager_and_top_management(
    inbox, make_staff, handler
):
    reference = submit()
    inbox.received.clear()  # the complainant's acknowledgement
    manager = staff_user(make_staff, Role.COMPLAINTS_MANAGER, "manager@sori.test")
    chief = staff_user(make_staff, Role.TOP_MANAGEMENT, "ceo@sori.test")
    no_address = staff_user(make_staff, Role.TOP_MANAGEMENT, "")
    gone = staff_user(make_staff, Role.COMPLAINTS_MANAGER, "former@sori.test", is_active=False)
    complaint = Complaint.objects.get(reference=reference)

    queued = services.notify_staff(
        complaint=complaint,
        recipients=[manager, chief, manager, no_address, gone],
        key="safety_escalation",
        actor=handler,
    )

    assert queued == 2
    assert sorted(r for rcpt, _m in inbox.received for r in rcpt) == [
        "ceo@sori.test",
        "manager@sori.test",
    ]
    message = inbox.messages[0]
    # Korean, the installation's language; the reference in brackets like every message.
    assert message["Subject"].strip() == f"[안전 위험] 불만 즉시 확인 요청 - 접수번호 [{reference}]"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] is None  # staff act in the back office, not by replying
    body = message.get_body(("plain",)).get_content()
    assert f"https://complaints.sori.test/staff/complaints/{reference}/" in body
    assert "7.5" in body and "handler" in body  # why, and who raised it
    # The complainant's personal data stays in Sori.
    assert EMAIL not in body and "김민지" not in body
    rows = OutboundMessage.objects.filter(audience=Audience.STAFF)
    assert {(r.template, r.status) for r in rows} == {("safety_escalation", MessageStatus.SENT)}
    entry = AuditEntry.objects.get(action="sori.message.staff_notified")
    assert entry.iso_clause == "7.5" and entry.object_id == reference
    assert entry.data == {"template": "safety_escalation", "users": sorted([manager.pk, chief.pk])}
    # The sending of each is on record with the clause it serves.
    assert AuditEntry.objects.filter(action="sori.message.sent", iso_clause="7.5").count() == 2


def test_staff_mail_is_in_english_when_the_installation_speaks_english(inbox, make_staff, settings):
    settings.LANGUAGE_CODE = "en"
    reference = submit()
    inbox.received.clear()
    handler = staff_user(make_staff, Role.HANDLER, "handler@sori.test")

    services.notify_staff(
        complaint=Complaint.objects.get(reference=reference),
        recipients=[handler],
        key="assigned",
        actor=SYSTEM,
        context={"note": "Please call the complainant today."},
    )

    [message] = inbox.messages
    assert message["Subject"] == f"A complaint was assigned to you [{reference}]"
    body = message.get_body(("plain",)).get_content()
    assert "Please call the complainant today." in body
    assert f"Reference: {reference}" in body


def test_nothing_is_queued_or_sent_when_the_callers_transaction_rolls_back(inbox, make_staff):
    reference = submit()
    inbox.received.clear()
    manager = staff_user(make_staff, Role.COMPLAINTS_MANAGER, "manager@sori.test")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.notify_staff(
            complaint=Complaint.objects.get(reference=reference),
            recipients=[manager],
            key="approval_requested",
            actor=SYSTEM,
        )
        raise Abort

    assert not OutboundMessage.objects.filter(audience=Audience.STAFF).exists()
    assert not AuditEntry.objects.filter(action="sori.message.staff_notified").exists()
    assert inbox.received == []


def test_an_unknown_staff_message_is_refused(make_staff):
    reference = submit()
    with pytest.raises(InvalidInput) as refused:
        services.notify_staff(
            complaint=Complaint.objects.get(reference=reference),
            recipients=[],
            key="lunch_is_ready",
            actor=SYSTEM,
        )
    assert refused.value.code == "unknown_template"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("key", sorted(STAFF_CLAUSES))
def test_every_staff_message_exists_in_korean_and_english(key, language):
    reference = submit()
    subject, body = render_staff(
        complaint=Complaint.objects.get(reference=reference), key=key, language=language
    )
    assert subject.endswith(f"[{reference}]")
    assert f"/staff/complaints/{reference}/" in body
    assert ("접수번호" in body) is (language == "ko")
