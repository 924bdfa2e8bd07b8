"""Routes for the roles pages (filled in by the governance work)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
