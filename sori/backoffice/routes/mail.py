"""Mail in and out: failing outgoing messages and the received ones (ISO 10002 7.2, 7.4)."""

from django.urls import path

from sori.backoffice.views import mail

urlpatterns = [
    path("outbox/", mail.outbox, name="outbox"),
    path("outbox/<int:message_id>/retry/", mail.retry, name="outbox_retry"),
    path("mail/inbound/", mail.inbound_mail, name="inbound_mail"),
]
