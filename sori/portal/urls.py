from django.urls import path

from sori.portal import status, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("policy/", views.policy, name="policy"),
    path("complaints/new/", views.new, name="new"),
    path("complaints/new/done/", views.confirmation, name="confirmation"),
    path("complaints/status/", status.status, name="status"),
    path("complaints/status/t/<str:token>/", status.status_link, name="status-link"),
    path("complaints/status/files/<int:pk>/", status.attachment, name="attachment"),
]
