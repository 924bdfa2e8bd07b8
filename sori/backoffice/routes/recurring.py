"""Recurring and systemic issues: the groups the scan found and the decisions on them (ISO 10002 8.2)."""

from django.urls import path

from sori.backoffice.views import recurring

urlpatterns = [
    path("analytics/recurring/", recurring.groups, name="recurring"),
    path("analytics/recurring/scan/", recurring.scan, name="recurring-scan"),
    path("analytics/recurring/<int:group_id>/", recurring.group, name="recurring-group"),
    path(
        "analytics/recurring/<int:group_id>/action/",
        recurring.open_action,
        name="recurring-open-action",
    ),
    path(
        "analytics/recurring/<int:group_id>/dismiss/",
        recurring.dismiss,
        name="recurring-dismiss",
    ),
]
