from django.contrib import admin

from sori.accounts.models import StaffProfile, Unit
from sori.core.admin_mixins import ReadOnlyAdminMixin


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["code", "name_ko", "name_en"]


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[StaffProfile]):
    # Roles and authority limits change through `sori createuser` (audited), not here.
    list_display = ["user", "role", "unit", "authority_limit"]
    list_filter = ["role", "unit"]
