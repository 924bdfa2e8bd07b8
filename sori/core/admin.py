"""The organisation's configuration, edited in the admin; the public pages read it live (ISO 10002 4.4).

Django's admin history records who changed what. Editing needs the model permissions
(administrators have them all).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sori.core.models import ExternalDisputeBody, Organisation, WorkerHeartbeat


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name_ko", "name_en", "complaints_email", "complaints_phone"]
    fieldsets = [
        (None, {"fields": ["name_ko", "name_en", "time_zone", "reaction_wait_days"]}),
        (
            _("How to reach the complaints service"),
            {
                "fields": [
                    "complaints_email",
                    "complaints_phone",
                    "postal_address",
                    "visiting_address",
                    "office_hours_ko",
                    "office_hours_en",
                ]
            },
        ),
        (
            _("Times shown to complainants"),
            {
                "fields": [
                    "acknowledgement_target_ko",
                    "acknowledgement_target_en",
                    "response_target_days",
                ]
            },
        ),
        (
            _("Privacy and help"),
            {
                "fields": [
                    "privacy_notice_ko",
                    "privacy_notice_en",
                    "assistance_ko",
                    "assistance_en",
                ]
            },
        ),
    ]


@admin.register(ExternalDisputeBody)
class ExternalDisputeBodyAdmin(admin.ModelAdmin[ExternalDisputeBody]):
    list_display = ["name_ko", "name_en", "phone", "url", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["active"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    """The running ``sori worker`` processes, to look at only: the workers write these rows."""

    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
    ordering = ["started_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WorkerHeartbeat | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: WorkerHeartbeat | None = None
    ) -> bool:
        return False
