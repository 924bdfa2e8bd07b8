"""Mail that keeps failing is shown to staff and can be sent again (ISO 10002 7.4: no
complainant is left untold because the mail server or an address failed)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.messaging import selectors, services
from sori.messaging.models import MessageStatus, OutboundMessage

from .test_outbox import submit

pytestmark = pytest.mark.django_db(transaction=True)


def messages_in_every_state() -> dict[str, OutboundMessage]:
    """One complaint's acknowledgement per state, set up directly (the states are the input)."""
    rows = {}
    states = {
        "sent": {"status": MessageStatus.SENT, "attempts": 1},
        "retrying": {"status": MessageStatus.QUEUED, "attempts": 2, "last_error": "timeout"},
        "still_failing": {
            "status": MessageStatus.QUEUED,
            "attempts": 3,
            "last_error": "SMTPServerDisconnected",
        },
        "given_up": {
            "status": MessageStatus.FAILED_PERMANENTLY,
            "attempts": services.MAX_ATTEMPTS,
            "last_error": "SMTPRecipientsRefused 550",
        },
        "bounced": {"status": MessageStatus.BOUNCED, "attempts": 1, "last_error": "bounced 5.1.1"},
    }
    for name, state in states.items():
        submit(email=f"{name}@example.kr")
        row = OutboundMessage.objects.latest("id")
        OutboundMessage.objects.filter(pk=row.pk).update(**state)
        rows[name] = OutboundMessage.objects.get(pk=row.pk)
    return rows


@pytest.mark.parametrize("role", [Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR, Role.AUDITOR])
def test_given_up_bounced_and_thrice_failed_messages_are_listed(smtp, make_staff, role):
    rows = messages_in_every_state()
    viewer = make_staff(role)

    listed = selectors.failed_messages(viewer)

    assert {view.id for view in listed} == {
        rows[name].pk for name in ("still_failing", "given_up", "bounced")
    }
    given_up = next(view for view in listed if view.id == rows["given_up"].pk)
    assert given_up.reference == rows["given_up"].complaint.reference
    assert (given_up.template, given_up.attempts, given_up.last_error) == (
        "acknowledgement",
        services.MAX_ATTEMPTS,
        "SMTPRecipientsRefused 550",
    )
    # The auditor reads; only the complaints manager and the administrator may send again.
    assert given_up.can_retry is (role != Role.AUDITOR)
    assert selectors.failed_message_count(viewer) == 3


@pytest.mark.parametrize("role", [Role.HANDLER, Role.APPROVER, Role.TOP_MANAGEMENT])
def test_other_roles_do_not_read_the_outbox(make_staff, role):
    with pytest.raises(Forbidden):
        selectors.failed_messages(make_staff(role))


def test_the_complaints_manager_sends_a_given_up_message_again_and_it_is_delivered(
    smtp, make_staff
):
    rows = messages_in_every_state()
    inbox = smtp.start()
    manager = make_staff(Role.COMPLAINTS_MANAGER)

    services.retry_message(actor=manager, message_id=rows["given_up"].pk)

    [(recipients, _message)] = inbox.received
    assert recipients == ["given_up@example.kr"]
    row = OutboundMessage.objects.get(pk=rows["given_up"].pk)
    assert row.status == MessageStatus.SENT and row.last_error == ""
    entry = AuditEntry.objects.get(action="sori.message.retried")
    assert entry.actor == manager.audit_id and entry.iso_clause == "7.4"
    assert entry.data["previous_status"] == "failed_permanently"
    assert row.pk not in {view.id for view in selectors.failed_messages(manager)}


def test_a_bounced_message_sent_again_to_the_same_dead_address_stays_listed(smtp, make_staff):
    rows = messages_in_every_state()
    inbox = smtp.start()
    inbox.refuse_recipients = True
    admin = make_staff(Role.ADMINISTRATOR)

    services.retry_message(actor=admin, message_id=rows["bounced"].pk)

    row = OutboundMessage.objects.get(pk=rows["bounced"].pk)
    assert (row.status, row.attempts, row.bounced_at) == (MessageStatus.QUEUED, 2, None)
    assert row.pk not in {view.id for view in selectors.failed_messages(admin)}  # 2 attempts
    assert inbox.received == []


def test_an_auditor_cannot_send_mail_again(smtp, make_staff):
    rows = messages_in_every_state()
    with pytest.raises(Forbidden):
        services.retry_message(actor=make_staff(Role.AUDITOR), message_id=rows["given_up"].pk)
    assert OutboundMessage.objects.get(pk=rows["given_up"].pk).status == (
        MessageStatus.FAILED_PERMANENTLY
    )
    assert not AuditEntry.objects.filter(action="sori.message.retried").exists()


def test_a_message_that_is_not_failing_or_does_not_exist_is_not_sent_again(smtp, make_staff):
    rows = messages_in_every_state()
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    for name in ("sent", "retrying"):
        with pytest.raises(InvalidInput) as refused:
            services.retry_message(actor=manager, message_id=rows[name].pk)
        assert refused.value.code == "message_not_failing"
    with pytest.raises(NotFound):
        services.retry_message(actor=manager, message_id=10**9)
