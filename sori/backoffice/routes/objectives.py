"""Measurable objectives with their red / amber / green results (ISO 10002 6.2)."""

from django.urls import path

from sori.backoffice.views import objectives

urlpatterns = [
    path("objectives/", objectives.objectives, name="objectives"),
    path("objectives/new/", objectives.new, name="objectives-new"),
    path("objectives/<int:objective_id>/", objectives.objective, name="objective"),
    path("objectives/<int:objective_id>/edit/", objectives.edit, name="objective-edit"),
    path("objectives/<int:objective_id>/retire/", objectives.retire, name="objective-retire"),
    path(
        "objectives/<int:objective_id>/action/",
        objectives.open_action,
        name="objective-open-action",
    ),
]
