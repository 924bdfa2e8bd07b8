from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sori.complaints.models import Category, Complaint, ComplaintEvent
from sori.core.admin_mixins import ReadOnlyAdminMixin

admin.site.site_header = _("Sori complaints handling")
admin.site.site_title = _("Sori")
admin.site.index_title = _("Administration")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["code", "label_ko", "label_en", "parent", "active"]
    list_filter = ["active"]
    search_fields = ["code", "label_ko", "label_en"]


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
