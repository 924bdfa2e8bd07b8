"""The complaints app in the Django admin (``/staff/admin/``).

Complaints and their timelines are read-only here (they change through the services). The
configuration the process runs on — categories and their units, the priority matrix, root-cause
codes, decision-letter templates, external dispute-resolution bodies — is edited here in Korean
and English by complaints managers and administrators; auditors read it. Every change leaves an
entry in the audit trail, in the same transaction (ISO 10002 4.9, 8.5).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sori.accounts.services import actor_for_user
from sori.audit import services as audit
from sori.complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    LetterTemplate,
    PriorityRule,
    RootCause,
)
from sori.core.actors import Actor, ActorKind
from sori.core.admin import ExternalDisputeBodyAdmin
from sori.core.admin_mixins import ConfigurationAdminMixin, ReadOnlyAdminMixin
from sori.core.models import ExternalDisputeBody

admin.site.site_header = _("Sori complaints handling")
admin.site.site_title = _("Sori")
admin.site.index_title = _("Administration")


def _plain(value: Any) -> Any:
    """A form value as the audit trail stores it (JSON)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, list | tuple | QuerySet):
        return [_plain(item) for item in value]
    return value


def _admin_actor(request: HttpRequest) -> Actor:
    user = request.user
    return actor_for_user(user) or Actor(  # type: ignore[arg-type]
        kind=ActorKind.STAFF, label=user.get_username(), user_id=user.pk
    )


class AuditedConfigurationAdmin(ConfigurationAdminMixin, admin.ModelAdmin[Any]):
    """Configuration edited by managers and administrators, each change in the audit trail."""

    # The ISO 10002 clause the configuration serves, named in its audit entries.
    audit_clause = "6.1"

    def _record(
        self, request: HttpRequest, action: str, obj: models.Model, data: dict[str, Any]
    ) -> None:
        audit.record(
            action=f"sori.configuration.{action}",
            actor=_admin_actor(request),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            data={"label": str(obj)[:200], **data},
            iso_clause=self.audit_clause,
        )

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm[Any], change: bool
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            fields = {name: _plain(form.cleaned_data.get(name)) for name in form.changed_data}
            self._record(request, "changed" if change else "added", obj, {"fields": fields})

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            self._record(request, "deleted", obj, {})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._record(request, "deleted", obj, {})
            super().delete_queryset(request, queryset)


@admin.register(Category)
class CategoryAdmin(AuditedConfigurationAdmin):
    list_display = ["code", "label_ko", "label_en", "parent", "unit", "active", "position"]
    list_filter = ["active", "unit"]
    search_fields = ["code", "label_ko", "label_en"]
    fields = ["code", "label_ko", "label_en", "parent", "unit", "active", "position"]
    audit_clause = "8.2"


@admin.register(PriorityRule)
class PriorityRuleAdmin(AuditedConfigurationAdmin):
    # ISO 10002 7.5: severity × impact → priority; a safety risk is always urgent.
    list_display = ["severity", "impact", "priority"]
    list_editable = ["priority"]
    list_filter = ["severity", "impact", "priority"]
    audit_clause = "7.5"


@admin.register(RootCause)
class RootCauseAdmin(AuditedConfigurationAdmin):
    list_display = ["code", "label_ko", "label_en", "parent", "active", "position"]
    list_filter = ["active"]
    search_fields = ["code", "label_ko", "label_en"]
    audit_clause = "8.2"


class LetterTemplateForm(forms.ModelForm[LetterTemplate]):
    class Meta:
        model = LetterTemplate
        fields = ["name", "language", "for_review", "subject", "body", "active"]
        help_texts = {
            "body": _(
                "Placeholders: {complainant_name}, {reference}, {received_on}, {outcome}, "
                "{reasons}, {remedies}, {how_to_answer}, {recourse}, {organisation}, {handler}."
            ),
        }


@admin.register(LetterTemplate)
class LetterTemplateAdmin(AuditedConfigurationAdmin):
    form = LetterTemplateForm
    list_display = ["name", "language", "for_review", "active"]
    list_filter = ["language", "for_review", "active"]
    search_fields = ["name", "subject"]
    audit_clause = "7.8"


class AuditedExternalDisputeBodyAdmin(ExternalDisputeBodyAdmin, AuditedConfigurationAdmin):
    # ISO 10002 7.9 / ISO 10003: the bodies complainants are told about.
    audit_clause = "7.9"
    # A web address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


# ``sori.core`` registers the bodies without an audit trail (it may not depend on the audit
# app); the complaints app, loaded after it, puts the audited configuration admin in its place.
if admin.site.is_registered(ExternalDisputeBody):
    admin.site.unregister(ExternalDisputeBody)
admin.site.register(ExternalDisputeBody, AuditedExternalDisputeBodyAdmin)


class ComplaintEventInline(ReadOnlyAdminMixin, admin.TabularInline[ComplaintEvent, Complaint]):
    model = ComplaintEvent
    fields = ["occurred_at", "kind", "from_status", "to_status", "public", "actor_label", "note"]
    readonly_fields = [
        "occurred_at",
        "kind",
        "from_status",
        "to_status",
        "public",
        "actor_label",
        "note",
    ]
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Complaint]):
    list_display = [
        "reference",
        "status",
        "priority",
        "channel",
        "language",
        "category",
        "received_at",
    ]
    list_filter = ["status", "priority", "channel", "language"]
    search_fields = ["reference", "subject"]
    date_hierarchy = "received_at"
    # Personal data (complainant, on_behalf_of) is left out: reading it is logged through the API.
    exclude = ["access_code_hash", "complainant", "on_behalf_of"]
    inlines = [ComplaintEventInline]
