"""SLA policies, business calendars and complaint types in the admin (``/staff/admin/``).

Complaints managers and administrators edit them; auditors read them and change nothing
(ISO 10002 5.3, 8.5). Every change — a policy, each of its stage targets, a calendar and each of
its closures, switching templates on or off — is written to the audit trail in the same
transaction (ISO 10002 4.15, 7.3). Timers are evidence: shown here, changed only by the workflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sori.complaints.admin import AuditedConfigurationAdmin
from sori.complaints.models import ComplaintType
from sori.core.admin_mixins import ConfigurationAdminMixin, ReadOnlyAdminMixin
from sori.sla.alerts import warn_percentages
from sori.sla.calendar import Calendar, CalendarError, parse_shifts, parse_week
from sori.sla.models import BusinessCalendar, CalendarDay, DayKind, SlaPolicy, SlaTarget, Timer


def _plain(value: Any) -> Any:
    """A form value as the audit trail stores it (JSON)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, list | tuple | QuerySet):
        return [_plain(item) for item in value]
    return value


def _calendar_message(error: CalendarError) -> str:
    """The calendar's own message (an English msgid) in the reader's language."""
    return gettext(error.message) % error.params if error.params else gettext(error.message)


class AuditedSlaAdmin(AuditedConfigurationAdmin):
    """Also audits the rows edited inline (targets, calendar days) with their parent."""

    audit_clause = "4.15"

    def _inline_data(self, form: forms.ModelForm[Any], parent: models.Model) -> dict[str, Any]:
        return {
            "parent": {"type": parent._meta.label_lower, "id": parent.pk},
            "fields": {name: _plain(form.cleaned_data.get(name)) for name in form.changed_data},
        }

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Any],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        parent = form.instance
        with transaction.atomic():
            # Recorded before the delete, while the row still has its id and label.
            removed = [f for f in formset.deleted_forms if f.instance.pk is not None]
            for inline in removed:
                self._record(request, "deleted", inline.instance, self._inline_data(inline, parent))
            changed = [
                (inline, inline.instance.pk is None)
                for inline in formset.forms
                if inline.has_changed() and inline not in removed
            ]
            super().save_formset(request, form, formset, change)
            for inline, new in changed:
                if inline.instance.pk is not None:
                    action = "added" if new else "changed"
                    self._record(
                        request, action, inline.instance, self._inline_data(inline, parent)
                    )


# --- calendars -------------------------------------------------------------------------------


class BusinessCalendarForm(forms.ModelForm[BusinessCalendar]):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "country", "subdivision", "hours", "is_default"]

    def clean_time_zone(self) -> str:
        zone = str(self.cleaned_data["time_zone"]).strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _("%(zone)s is not a time zone; use a name such as Asia/Seoul or Europe/London."),
                code="invalid",
                params={"zone": zone},
            ) from None
        return zone

    def clean_hours(self) -> Any:
        hours = self.cleaned_data["hours"]
        if not isinstance(hours, Mapping):
            raise forms.ValidationError(
                _('Give the hours per weekday, for example {"mon": [["09:00", "18:00"]]}.'),
                code="invalid",
            )
        try:
            week = parse_week(hours)
        except CalendarError as error:
            raise forms.ValidationError(_calendar_message(error), code="invalid") from None
        if not any(week):
            raise forms.ValidationError(
                _("The calendar has no working hours: give at least one day's shifts."),
                code="invalid",
            )
        return hours

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = str(data.get("country") or "").strip().upper()
        subdivision = str(data.get("subdivision") or "").strip().upper()
        data["country"], data["subdivision"] = country, subdivision
        if subdivision and not country:
            self.add_error("country", _("A region needs the country it belongs to."))
        elif country:
            try:
                Calendar(time_zone="UTC", country=country, subdivision=subdivision or None)
            except CalendarError:
                self.add_error(
                    "country",
                    _("Public holidays of %(country)s %(region)s are not known.")
                    % {"country": country, "region": subdivision},
                )
        return data


class CalendarDayForm(forms.ModelForm[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "hours", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, hours = data.get("kind"), data.get("hours")
        if kind == DayKind.CLOSED:
            data["hours"] = []
        elif kind == DayKind.WORKING:
            if not hours or not isinstance(hours, list):
                self.add_error(
                    "hours",
                    _('An extra working day needs its hours, for example [["09:00", "13:00"]].'),
                )
            else:
                label = data["date"].isoformat() if data.get("date") else gettext("this day")
                try:
                    parse_shifts(hours, label)
                except CalendarError as error:
                    self.add_error("hours", _calendar_message(error))
        return data


class CalendarDayInline(
    ConfigurationAdminMixin, admin.TabularInline[CalendarDay, BusinessCalendar]
):
    model = CalendarDay
    form = CalendarDayForm
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedSlaAdmin):
    form = BusinessCalendarForm
    list_display = ["name", "time_zone", "country", "subdivision", "is_default"]
    list_filter = ["is_default", "country"]
    search_fields = ["name"]
    inlines = [CalendarDayInline]
    audit_clause = "7.3"


# --- policies --------------------------------------------------------------------------------


def _https_urls(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    # A web address typed without a scheme is taken as https (Django 6's default).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SlaPolicyForm(forms.ModelForm[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        formfield_callback = _https_urls
        fields = [
            "code",
            "name_ko",
            "name_en",
            "active",
            "source",
            "source_url",
            "calendar",
            "priority",
            "category",
            "channel",
            "complaint_type",
            "warn_percentages",
            "position",
        ]

    def clean_warn_percentages(self) -> str:
        text = str(self.cleaned_data.get("warn_percentages") or "").strip()
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if len(warn_percentages(text)) != len(set(parts)):
            raise forms.ValidationError(
                _("Give whole numbers from 1 to 99, separated by commas, for example 75,90."),
                code="invalid",
            )
        return ",".join(str(percent) for percent in warn_percentages(text))


class SlaTargetForm(forms.ModelForm[SlaTarget]):
    class Meta:
        model = SlaTarget
        fields = [
            "stage",
            "amount",
            "unit",
            "extension_allowed",
            "max_extension",
            "holding_notice_percent",
            "notify_complainant_on_breach",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("max_extension") is not None and not data.get("extension_allowed"):
            self.add_error(
                "max_extension", _("A longest extension needs the extension to be allowed.")
            )
        return data


class SlaTargetInline(ConfigurationAdminMixin, admin.TabularInline[SlaTarget, SlaPolicy]):
    model = SlaTarget
    form = SlaTargetForm
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedSlaAdmin):
    form = SlaPolicyForm
    list_display = ["code", "name", "active", "selectors", "source_summary", "position"]
    list_filter = ["active", "calendar", "complaint_type"]
    search_fields = ["code", "name_ko", "name_en", "source"]
    list_select_related = ["calendar", "category", "complaint_type"]
    fieldsets = [
        (None, {"fields": ["code", "name_ko", "name_en", "active", "position"]}),
        # Each template names the rule its numbers come from (shown in the list too).
        (_("Source"), {"fields": ["source", "source_url"]}),
        (
            _("Which complaints it applies to (empty: all)"),
            {"fields": ["priority", "category", "channel", "complaint_type"]},
        ),
        (_("Counting and warnings"), {"fields": ["calendar", "warn_percentages"]}),
    ]
    inlines = [SlaTargetInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["use_policies", "stop_using_policies"]

    @admin.display(description=_("applies to"))
    def selectors(self, policy: SlaPolicy) -> str:
        parts = []
        if policy.priority:
            parts.append(f"{gettext('priority')}: {policy.priority}")
        if policy.category_id is not None:
            parts.append(f"{gettext('category')}: {policy.category}")
        if policy.channel:
            parts.append(f"{gettext('channel')}: {policy.channel}")
        if policy.complaint_type_id is not None:
            parts.append(f"{gettext('complaint type')}: {policy.complaint_type}")
        return "; ".join(parts) or gettext("every complaint")

    @admin.display(description=_("source"))
    def source_summary(self, policy: SlaPolicy) -> str:
        text = " ".join(policy.source.split())
        return text if len(text) <= 120 else f"{text[:119]}…"

    def _set_active(self, request: HttpRequest, queryset: QuerySet[SlaPolicy], on: bool) -> int:
        changed = 0
        with transaction.atomic():
            for policy in queryset.select_for_update(of=("self",)).select_related("complaint_type"):
                if policy.active != on:
                    policy.active = on
                    policy.save(update_fields=["active"])
                    self._record(request, "changed", policy, {"fields": {"active": on}})
                    changed += 1
                kind = policy.complaint_type
                # A template's complaint type is offered to handlers once the template is used.
                if on and kind is not None and not kind.active:
                    kind.active = True
                    kind.save(update_fields=["active"])
                    self._record(request, "changed", kind, {"fields": {"active": True}})
        return changed

    @admin.action(description=_("Use these policies"), permissions=["change"])
    def use_policies(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        count = self._set_active(request, queryset, True)
        self.message_user(
            request,
            ngettext("%(count)d policy is now in use.", "%(count)d policies are now in use.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Stop using these policies"), permissions=["change"])
    def stop_using_policies(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        count = self._set_active(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d policy is no longer in use.",
                "%(count)d policies are no longer in use.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ComplaintType)
class ComplaintTypeAdmin(AuditedConfigurationAdmin):
    # Registered here rather than in the complaints app: complaint types exist to choose the
    # SLA policy (ISO 10002 7.3).
    list_display = ["code", "label_ko", "label_en", "active", "position"]
    list_filter = ["active"]
    search_fields = ["code", "label_ko", "label_en"]
    fields = ["code", "label_ko", "label_en", "active", "position"]
    audit_clause = "7.3"


# --- timers ----------------------------------------------------------------------------------


@admin.register(Timer)
class TimerAdmin(ReadOnlyAdminMixin, ConfigurationAdminMixin, admin.ModelAdmin[Timer]):
    """The clocks set on complaints: evidence (ISO 10002 7.3), changed only by the workflow."""

    list_display = [
        "complaint",
        "stage",
        "round",
        "state",
        "policy",
        "started_at",
        "due_at",
        "original_due_at",
        "stopped_at",
        "extended_at",
        "breached_at",
    ]
    list_filter = ["state", "stage", "policy"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint", "policy"]
    date_hierarchy = "due_at"
    ordering = ["-started_at", "-id"]
