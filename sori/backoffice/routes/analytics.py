"""The analysis dashboard, its exports and its charts (ISO 10002 8.2–8.4)."""

from django.urls import path, re_path

from sori.backoffice.views import analytics

urlpatterns = [
    path("analytics/", analytics.dashboard, name="analytics"),
    re_path(
        r"^analytics/export/(?P<table>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        analytics.export,
        name="analytics-export",
    ),
    re_path(
        r"^analytics/chart/(?P<table>[a-z_]+)\.(?P<fmt>svg|png)$",
        analytics.chart,
        name="analytics-chart",
    ),
]
