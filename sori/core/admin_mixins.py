"""Admin pages for records that are evidence: auditors and managers read them, nobody edits them here.

Changes to complaints go through the services (and so the workflow and the audit trail), never
through a form that writes the row directly (ISO 10002 4.9).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
