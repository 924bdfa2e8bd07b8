"""The outbox in the staff admin: evidence that complainants were told (ISO 10002 7.4), read-only."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.complaints import links
from sori.messaging.models import InboundMessage, OutboundMessage
from tests.conftest import PASSWORD

from .conftest import mail, mailgate

pytestmark = pytest.mark.django_db

OUTBOX = "/staff/admin/messaging/outboundmessage/"


@pytest.mark.parametrize("role", [Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR, Role.AUDITOR])
def test_managers_administrators_and_auditors_read_the_outbox_without_the_address(
    client, make_staff, submit, role
):
    receipt = submit()  # the message is written with the complaint, sent after commit
    message = OutboundMessage.objects.get()
    make_staff(role, username="reader")
    assert client.login(username="reader", password=PASSWORD)

    listing = client.get(OUTBOX)
    assert listing.status_code == 200
    assert receipt.reference in listing.content.decode()
    detail = client.get(f"{OUTBOX}{message.pk}/change/")
    page = detail.content.decode()
    assert detail.status_code == 200 and receipt.reference in page
    assert "minji@example.kr" not in page  # personal data stays out of the page
    # The body is shown, but not the status link's token, which would let staff act as the
    # complainant.
    assert "/complaints/status/t/…/" in page
    token = message.body.split("/complaints/status/t/")[1].split("/")[0]
    assert links.reference_for_token(token) == receipt.reference
    assert token not in page
    assert 'name="_save"' not in page
    assert client.get(f"{OUTBOX}add/").status_code == 403
    assert client.post(f"{OUTBOX}{message.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OutboundMessage.objects.filter(pk=message.pk).exists()


def test_a_handler_cannot_read_the_outbox(client, make_staff, submit):
    submit()
    make_staff(Role.HANDLER, username="handler")
    assert client.login(username="handler", password=PASSWORD)
    response = client.get(OUTBOX)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_auditors_read_received_mail_in_the_admin_without_the_sender(client, make_staff, settings):
    settings.SORI_MAIL_ADDRESS = "complaints@sori.test"
    mailgate(mail("english_complaint.eml"))
    row = InboundMessage.objects.get()
    make_staff(Role.AUDITOR, username="reader")
    assert client.login(username="reader", password=PASSWORD)

    page = client.get(f"/staff/admin/messaging/inboundmessage/{row.pk}/change/").content.decode()

    assert row.complaint.reference in page and "english.plain@mail.example.com" in page
    assert "j.smith@example.com" not in page
    assert client.get("/staff/admin/messaging/inboundmessage/add/").status_code == 403
