"""Improvement actions: the list, a new action and one action with its steps (ISO 10002 8.7)."""

from django.urls import path

from sori.backoffice.views import improvement_actions as views

_A = "improvement-actions/<str:reference>/"

urlpatterns = [
    path("improvement-actions/", views.action_list, name="improvement-actions"),
    path("improvement-actions/new/", views.new_action, name="improvement-action-new"),
    path(_A, views.action_detail, name="improvement-action"),
    path(f"{_A}update/", views.update, name="improvement-action-update"),
    path(f"{_A}start/", views.start, name="improvement-action-start"),
    path(f"{_A}implementation/", views.implement, name="improvement-action-implement"),
    path(f"{_A}effectiveness/", views.check, name="improvement-action-check"),
    path(f"{_A}cancel/", views.cancel, name="improvement-action-cancel"),
]
