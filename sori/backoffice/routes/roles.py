"""Roles and responsibilities: holders, RACI, appointments (ISO 10002 5.3; 2018: 5.4)."""

from django.urls import path

from sori.backoffice.views import roles

urlpatterns = [
    path("roles/", roles.roles, name="roles"),
    path("roles/appoint/", roles.appoint, name="roles-appoint"),
    path("roles/appointments/<int:appointment_id>/end/", roles.end, name="roles-end"),
]
