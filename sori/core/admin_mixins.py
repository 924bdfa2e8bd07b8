"""Admin permissions by staff role.

- ``ReadOnlyAdminMixin``: records that are evidence. Auditors and managers read them, nobody edits
  them here: changes to complaints go through the services (and so the workflow and the audit
  trail), never through a form that writes the row directly (ISO 10002 4.9).
- ``ConfigurationAdminMixin``: the configuration the complaints process runs on (categories,
  priority matrix, root causes, letter templates, external bodies). Complaints managers and
  administrators change it (ISO 10002 5.3, 6.1); auditors read it and change nothing (8.5).

The role is read from the user's staff profile through its relation, so this module depends on
no domain app (the import-linter contract of ``sori.core``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# Who changes the configuration, and who may only read it.
CONFIGURING_ROLES = frozenset({"complaints_manager", "administrator"})
CONFIGURATION_READERS = CONFIGURING_ROLES | {"auditor"}


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def staff_role(request: HttpRequest) -> str | None:
    """The signed-in user's Sori role, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    # RelatedObjectDoesNotExist is an AttributeError: no profile, no role.
    profile = getattr(user, "staff_profile", None)
    return str(profile.role) if profile is not None else None


class ConfigurationAdminMixin:
    """Managers and administrators edit; auditors read; nobody else sees it."""

    def _is_superuser(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_active and user.is_superuser)

    def _may_read(self, request: HttpRequest) -> bool:
        return self._is_superuser(request) or staff_role(request) in CONFIGURATION_READERS

    def _may_change(self, request: HttpRequest) -> bool:
        return self._is_superuser(request) or staff_role(request) in CONFIGURING_ROLES

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_read(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_read(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request)
