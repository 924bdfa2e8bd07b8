"""The outbox, read-only, for complaints managers, administrators and auditors (7.4 evidence).

The recipient is personal data and stays out of these pages. The body is shown as sent except
for the signed status link's token: the link lets its holder act as the complainant, so staff
see that a link was sent, not the link itself.
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sori.core.admin_mixins import ReadOnlyAdminMixin
from sori.messaging.models import InboundMessage, OutboundMessage

TOKEN = re.compile(r"(/complaints/status/t/)[^/\s]+/")


def without_token(body: str) -> str:
    return TOKEN.sub(r"\1…/", body)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[OutboundMessage]):
    list_display = [
        "id",
        "created_at",
        "complaint",
        "template",
        "audience",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "audience", "template", "language"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint"]
    fields = readonly_fields = (
        "complaint",
        "template",
        "audience",
        "language",
        "message_id",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "bounced_at",
        "subject",
        "text",
    )
    ordering = ["-created_at", "-id"]

    @admin.display(description=_("body"))
    def text(self, message: OutboundMessage) -> str:
        return without_token(message.body)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[InboundMessage]):
    """Every email received (ISO 10002 7.2), without its sender: personal data stays out."""

    list_display = ["id", "received_at", "classification", "reason", "complaint", "size"]
    list_filter = ["classification", "reason"]
    search_fields = ["complaint__reference", "message_id"]
    list_select_related = ["complaint"]
    fields = readonly_fields = (
        "message_id",
        "received_at",
        "classification",
        "reason",
        "complaint",
        "bounced_message",
        "attachments_kept",
        "attachments_refused",
        "size",
    )
    ordering = ["-received_at", "-id"]
