"""The outbox and received-mail pages of the back office (ISO 10002 7.2, 7.4).

The complaints manager and the administrator see failing mail and send it again; the auditor
reads both pages and changes nothing; other roles are turned away.
"""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.messaging import services
from sori.messaging.models import MessageStatus, OutboundMessage
from tests.conftest import PASSWORD
from tests.integration.messaging.conftest import mail, mailgate

pytestmark = pytest.mark.django_db(transaction=True)

OUTBOX = "/staff/outbox/"
INBOUND = "/staff/mail/inbound/"


def given_up(submit) -> OutboundMessage:
    """A complaint whose acknowledgement was given up on (SMTP was down every time)."""
    submit()
    row = OutboundMessage.objects.get()
    OutboundMessage.objects.filter(pk=row.pk).update(
        status=MessageStatus.FAILED_PERMANENTLY,
        attempts=services.MAX_ATTEMPTS,
        last_error="SMTPServerDisconnected",
    )
    return OutboundMessage.objects.select_related("complaint").get(pk=row.pk)


def sign_in(client, make_staff, role: str):
    actor = make_staff(role)
    assert client.login(username=actor.label, password=PASSWORD)
    return actor


@pytest.mark.parametrize("role", [Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR])
def test_a_manager_sees_a_failing_message_and_sends_it_again(
    client, make_staff, submit, smtp, role
):
    row = given_up(submit)
    reference = row.complaint.reference
    sign_in(client, make_staff, role)

    page = client.get(OUTBOX)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/staff/complaints/{reference}/"' in html
    assert "acknowledgement" in html and "SMTPServerDisconnected" in html
    assert f">{services.MAX_ATTEMPTS}<" in html
    assert f'action="/staff/outbox/{row.pk}/retry/"' in html
    assert "minji@example.kr" not in html  # the address stays out of the page
    assert 'href="/staff/mail/inbound/"' in html  # the way to the received mail

    inbox = smtp.start()
    answer = client.post(f"{OUTBOX}{row.pk}/retry/", follow=True)

    assert answer.redirect_chain == [(OUTBOX, 302)]
    assert 'role="status"' in answer.content.decode()
    [(recipients, _message)] = inbox.received
    assert recipients == ["minji@example.kr"]
    row.refresh_from_db()
    assert row.status == MessageStatus.SENT
    assert AuditEntry.objects.filter(action="sori.message.retried").count() == 1
    assert f"/staff/outbox/{row.pk}/retry/" not in answer.content.decode()


def test_the_auditor_reads_the_outbox_but_cannot_send_again(client, make_staff, submit, smtp):
    row = given_up(submit)
    sign_in(client, make_staff, Role.AUDITOR)

    page = client.get(OUTBOX)
    assert page.status_code == 200
    assert row.complaint.reference in page.content.decode()
    assert "/retry/" not in page.content.decode()

    refused = client.post(f"{OUTBOX}{row.pk}/retry/")
    assert refused.status_code == 403
    row.refresh_from_db()
    assert row.status == MessageStatus.FAILED_PERMANENTLY
    assert not AuditEntry.objects.filter(action="sori.message.retried").exists()


def test_sending_again_a_message_that_is_not_failing_says_so(client, make_staff, submit, inbox):
    submit()  # delivered at once
    row = OutboundMessage.objects.get()
    sign_in(client, make_staff, Role.COMPLAINTS_MANAGER)

    answer = client.post(f"{OUTBOX}{row.pk}/retry/", follow=True)

    assert answer.status_code == 200
    assert 'role="alert"' in answer.content.decode()
    assert len(inbox.received) == 1


@pytest.mark.parametrize(
    "role", [Role.HANDLER, Role.INVESTIGATOR, Role.APPROVER, Role.TOP_MANAGEMENT]
)
def test_other_roles_are_turned_away_from_both_pages(client, make_staff, role):
    sign_in(client, make_staff, role)
    assert client.get(OUTBOX).status_code == 403
    assert client.get(INBOUND).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (OUTBOX, INBOUND):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("role", [Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR, Role.AUDITOR])
def test_received_mail_is_listed_with_its_classification_and_complaint(
    client, make_staff, settings, inbox, role
):
    settings.SORI_MAIL_ADDRESS = settings.DEFAULT_FROM_EMAIL = "complaints@sori.test"
    reference = mailgate(mail("english_complaint.eml")).split()[1]
    mailgate(mail("own_address.eml"))
    sign_in(client, make_staff, role)

    page = client.get(INBOUND)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/staff/complaints/{reference}/"' in html
    assert "mail-new" in html and "mail-loop" in html
    assert "j.smith@example.com" not in html

    only_loops = client.get(INBOUND, {"classification": "loop"}).content.decode()
    assert "mail-loop" in only_loops and "mail-new" not in only_loops

    wrong = client.get(INBOUND, {"classification": "spam"})
    assert wrong.status_code == 400
    assert 'class="error-summary"' in wrong.content.decode()
