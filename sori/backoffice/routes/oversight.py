"""What auditors check: the audit trail and who read complainants' personal data (ISO 10002 4.10, 8.1)."""

from django.urls import path

from sori.backoffice.views import oversight

urlpatterns = [
    path("audit/", oversight.audit_trail, name="audit-trail"),
    path("audit/verify/", oversight.audit_verify, name="audit-verify"),
    path("audit/personal-data/", oversight.personal_data_log, name="personal-data-log"),
]
