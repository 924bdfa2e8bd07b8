"""The back office under ``/staff/``: each feature keeps its routes in its own module."""

from django.urls import include, path

app_name = "backoffice"

urlpatterns = [
    path("", include("sori.backoffice.routes.auth")),
    path("", include("sori.backoffice.routes.queue")),
    path("", include("sori.backoffice.routes.intake")),
    path("", include("sori.backoffice.routes.workspace")),
    path("", include("sori.backoffice.routes.response")),
    path("", include("sori.backoffice.routes.oversight")),
    path("", include("sori.backoffice.routes.mail")),
    path("", include("sori.backoffice.routes.analytics")),
    path("", include("sori.backoffice.routes.recurring")),
    path("", include("sori.backoffice.routes.objectives")),
    path("", include("sori.backoffice.routes.control_charts")),
    path("", include("sori.backoffice.routes.improvement_actions")),
    path("", include("sori.backoffice.routes.policy")),
    path("", include("sori.backoffice.routes.roles")),
    path("", include("sori.backoffice.routes.training")),
    path("", include("sori.backoffice.routes.audits")),
    path("", include("sori.backoffice.routes.reviews")),
    path("", include("sori.backoffice.routes.conformance")),
]
