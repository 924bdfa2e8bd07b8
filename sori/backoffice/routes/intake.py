"""Recording a complaint received by phone, letter, in person or email (ISO 10002 7.2)."""

from django.urls import path

from sori.backoffice.views import intake

urlpatterns = [
    path("complaints/new/", intake.new, name="intake"),
    path("complaints/new/done/", intake.done, name="intake_done"),
]
