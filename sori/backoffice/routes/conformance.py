"""The conformance map and the evidence pack (ISO 10002 4.1; R-4.1.1)."""

from django.urls import path

from sori.backoffice.views import conformance

urlpatterns = [
    path("conformance/", conformance.page, name="conformance"),
    path("conformance/pack.zip", conformance.pack, name="conformance-pack"),
]
