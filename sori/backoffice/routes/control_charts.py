"""Control charts with their special-cause signals and a manager's answer to each (ISO 10002 8.2)."""

from django.urls import path

from sori.backoffice.views import control_charts

urlpatterns = [
    path("analytics/control-charts/", control_charts.page, name="control-charts"),
    path(
        "analytics/control-charts/acknowledge/",
        control_charts.acknowledge,
        name="control-charts-acknowledge",
    ),
    path(
        "analytics/control-charts/open-action/",
        control_charts.open_action,
        name="control-charts-open-action",
    ),
    path(
        "analytics/control-charts/chart.<str:fmt>",
        control_charts.chart_image,
        name="control-charts-chart",
    ),
]
