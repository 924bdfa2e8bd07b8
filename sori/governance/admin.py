"""Improvement actions in the admin (``/staff/admin/``), read only (ISO 10002 8.7, 8.5).

Actions change only through ``sori.governance.services.actions`` (and so the status table and
the audit trail); the admin lists them for managers, administrators and auditors to read.
"""

from __future__ import annotations

from django.contrib import admin

from sori.core.admin_mixins import ConfigurationAdminMixin, ReadOnlyAdminMixin
from sori.governance.models import ImprovementAction


@admin.register(ImprovementAction)
class ImprovementActionAdmin(
    ReadOnlyAdminMixin, ConfigurationAdminMixin, admin.ModelAdmin[ImprovementAction]
):
    list_display = ["reference", "title", "source", "status", "owner", "due_on", "opened_at"]
    list_filter = ["status", "source"]
    search_fields = ["reference", "title", "source_key"]
    list_select_related = ["owner"]
    raw_id_fields = ["complaints"]
    date_hierarchy = "opened_at"
    ordering = ["-opened_at", "-id"]
