"""The complaints queue and the filters staff save for it (ISO 10002 7.3, 4.15)."""

from django.urls import path

from sori.backoffice.views import queue

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("queue/filters/", queue.save, name="queue-save-filter"),
    path("queue/filters/<int:filter_id>/delete/", queue.delete, name="queue-delete-filter"),
]
