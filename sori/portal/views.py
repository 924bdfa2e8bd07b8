"""The public landing page (the full portal is built on the same services in a later issue)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sori.core.selectors import organisation_name


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"organisation": organisation_name()})
