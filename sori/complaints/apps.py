from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    # Django rebuilds a table on SQLite for some migrations, dropping its triggers; put the
    # keyword-search triggers back (ISO 10002 7.3: the queue's search must stay complete).
    from sori.complaints import search

    search.ensure_installed(connections[using])


class ComplaintsConfig(AppConfig):
    name = "sori.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        post_migrate.connect(_repair_search_index, sender=self, dispatch_uid="sori.search")
