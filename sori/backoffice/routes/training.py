"""Training records and competence (ISO 10002 6.4; 2018: 4.14)."""

from django.urls import path

from sori.backoffice.views import training

urlpatterns = [
    path("training/", training.training, name="training"),
    path("training/<int:user_id>/", training.person, name="training-person"),
    path("training/<int:user_id>/add/", training.add, name="training-record-add"),
    path(
        "training/<int:user_id>/records/<int:record_id>/",
        training.correct,
        name="training-record",
    ),
    path(
        "training/<int:user_id>/records/<int:record_id>/delete/",
        training.delete,
        name="training-record-delete",
    ),
]
