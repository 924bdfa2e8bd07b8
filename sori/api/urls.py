"""URLs of the API; the project's urls.py includes this module at the site root."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja.openapi.views import openapi_view

from sori.api.main import api


def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI for the API, served from ninja's bundled static files (no CDN)."""
    return openapi_view(request, api)


urlpatterns = [
    path("api/v1/", api.urls),
    path("api/docs", docs, name="api-docs"),
]
