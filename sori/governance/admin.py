"""Governance records in the admin (``/staff/admin/``): improvement actions and training
records read only (ISO 10002 8.7, 8.5, 6.4), courses and training requirements as configuration.

Actions change only through ``sori.governance.services.actions`` (and so the status table and
the audit trail); the admin lists them for managers, administrators and auditors to read.
"""

from __future__ import annotations

from django.contrib import admin

from sori.complaints.admin import AuditedConfigurationAdmin
from sori.core.admin_mixins import ConfigurationAdminMixin, ReadOnlyAdminMixin
from sori.governance.models import Course, ImprovementAction, TrainingRecord, TrainingRequirement


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


# ISO 10002 6.4 (2018: 4.14): the courses and which categories require them are configuration
# that managers and administrators keep here, each change audited; auditors read it.
@admin.register(Course)
class CourseAdmin(AuditedConfigurationAdmin):
    audit_clause = "6.4"
    list_display = ["code", "name_ko", "name_en", "valid_months", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name_ko", "name_en"]


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(AuditedConfigurationAdmin):
    audit_clause = "6.4"
    list_display = ["category", "course", "enforcement"]
    list_filter = ["enforcement", "course"]
    list_select_related = ["category", "course"]
    autocomplete_fields = ["course", "category"]


# Records change only through ``sori.governance.services.training`` (validated and audited);
# the admin lists them to read.
@admin.register(TrainingRecord)
class TrainingRecordAdmin(
    ReadOnlyAdminMixin, ConfigurationAdminMixin, admin.ModelAdmin[TrainingRecord]
):
    list_display = ["user", "course", "hours", "completed_on", "expires_on", "recorded_by"]
    list_filter = ["course"]
    list_select_related = ["user", "course", "recorded_by"]
    search_fields = ["user__username", "course__code"]
    date_hierarchy = "completed_on"
