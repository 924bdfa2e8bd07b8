"""Who reads and who changes each governance record (ISO 10002 5.3 responsibility and authority;
2018: 5.4). One place, so the pages, the menu and the authorisation matrix agree.

The auditor role reads everything here and changes nothing (8.5: a certification or internal
auditor examines the records, they do not make them). An internal audit is carried out by the
staff member the audit names, whatever their role, provided they are independent of the work.
"""

from __future__ import annotations

from sori.accounts.models import Role

MANAGER = Role.COMPLAINTS_MANAGER.value
TOP = Role.TOP_MANAGEMENT.value
AUDITOR = Role.AUDITOR.value
ADMIN = Role.ADMINISTRATOR.value

# Those who oversee the process read every governance record.
OVERSEERS = frozenset({MANAGER, TOP, AUDITOR, ADMIN})
EVERY_STAFF_ROLE = frozenset(Role.values)

# 5.1/5.2 (2018: 5.2/5.3): the complaints manager drafts the policy, top management approves it;
# either publishes an approved version. Every staff member reads and acknowledges it.
POLICY_READERS = EVERY_STAFF_ROLE
POLICY_DRAFTERS = frozenset({MANAGER, TOP})
POLICY_APPROVERS = frozenset({TOP})
POLICY_PUBLISHERS = frozenset({MANAGER, TOP})

# 5.3 (2018: 5.4): everyone may see who holds which duty; top management (and the administrator
# who keeps the accounts) appoints the representative and deputies.
ROLE_MATRIX_READERS = EVERY_STAFF_ROLE
APPOINTERS = frozenset({TOP, ADMIN})

# 6.4: training records are kept by the complaints manager and the administrator; each staff
# member sees their own.
TRAINING_READERS = OVERSEERS
TRAINING_KEEPERS = frozenset({MANAGER, ADMIN})

# 8.5: the complaints manager and top management plan the programme and the audits.
AUDIT_READERS = OVERSEERS
AUDIT_PLANNERS = frozenset({MANAGER, TOP})

# 8.6: top management holds the review; the complaints manager prepares it.
REVIEW_READERS = OVERSEERS
REVIEW_PREPARERS = frozenset({MANAGER, TOP})
REVIEW_HOLDERS = frozenset({TOP})

# The conformance map and the evidence pack (4.1).
CONFORMANCE_READERS = OVERSEERS
