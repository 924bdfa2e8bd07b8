"""Django permissions (used by the admin pages) as ``rules`` predicates over the staff role."""

from __future__ import annotations

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from sori.accounts.models import StaffProfile
from sori.complaints.policies import READING_ROLES


def _role(user: AbstractBaseUser | AnonymousUser) -> str | None:
    if not user.is_authenticated:
        return None
    return StaffProfile.objects.filter(user_id=user.pk).values_list("role", flat=True).first()


@rules.predicate
def reads_case_records(user: AbstractBaseUser | AnonymousUser) -> bool:
    return _role(user) in READING_ROLES


@rules.predicate
def reads_audit_trail(user: AbstractBaseUser | AnonymousUser) -> bool:
    # ISO 10002 8.5: auditors read everything, including the trail; managers answer for it.
    return _role(user) in ("auditor", "complaints_manager", "administrator")


rules.add_perm("complaints", reads_case_records)
rules.add_perm("complaints.view_complaint", reads_case_records)
rules.add_perm("complaints.view_category", reads_case_records)
rules.add_perm("complaints.view_complaintevent", reads_case_records)
rules.add_perm("audit", reads_audit_trail)
rules.add_perm("audit.view_auditentry", reads_audit_trail)
