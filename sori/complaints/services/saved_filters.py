"""A staff member's own queue filters, saved under a name (ISO 10002 7.3: finding one's work).

A saved filter is a personal preference, not a record of the complaint handling, so it leaves
no audit entry. Only the filter part of a queue address is kept (``queue.normalise_query``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sori.complaints.models import SavedFilter
from sori.complaints.queue import normalise_query
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound

MAX_NAME = 100
# Enough for anyone's habits; a bound on what one person can store.
MAX_FILTERS = 50


def _owner(actor: Actor) -> int:
    if not actor.is_staff or actor.user_id is None:
        raise Forbidden(_("Only staff save queue filters."))
    return actor.user_id


def save_filter(*, actor: Actor, name: str, query: str) -> SavedFilter:
    """Save ``query`` under ``name``; the same name again replaces the filter saved before."""
    owner = _owner(actor)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the filter a name."), code="required", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(
            _("A filter name has at most %(max)d characters.") % {"max": MAX_NAME},
            code="too_long",
            field="name",
        )
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(owner_id=owner, name=name).first()
        if existing is not None:
            existing.query = normalise_query(query)
            existing.save(update_fields=["query"])
            return existing
        if SavedFilter.objects.filter(owner_id=owner).count() >= MAX_FILTERS:
            raise InvalidInput(
                _("You have %(max)d saved filters; delete one before saving another.")
                % {"max": MAX_FILTERS},
                code="too_many_filters",
                field="name",
            )
        return SavedFilter.objects.create(
            owner_id=owner, name=name, query=normalise_query(query), created_at=clock.now()
        )


def delete_filter(*, actor: Actor, filter_id: int) -> str:
    """Delete one of the actor's own saved filters; returns its name."""
    owner = _owner(actor)
    with transaction.atomic():
        saved = SavedFilter.objects.select_for_update().filter(pk=filter_id, owner_id=owner).first()
        if saved is None:
            # Someone else's filter looks the same as a missing one.
            raise NotFound(_("No saved filter of yours has this number."))
        name = saved.name
        saved.delete()
    return name
