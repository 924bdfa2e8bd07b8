"""Reading the organisation's own settings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sori.core.models import Organisation


def organisation_name() -> str:
    organisation = Organisation.objects.first()
    return organisation.name if organisation else _("Sori")
