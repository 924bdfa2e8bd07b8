from django.contrib import admin

from sori.audit.models import AuditEntry
from sori.core.admin_mixins import ReadOnlyAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditEntry]):
    list_display = [
        "seq",
        "occurred_at",
        "action",
        "actor_label",
        "object_type",
        "object_id",
        "iso_clause",
    ]
    list_filter = ["action", "iso_clause", "object_type"]
    search_fields = ["object_id", "action", "actor_label"]
    ordering = ["-seq"]
