"""Staff with email addresses and units, for the casework services (ISO 10002 7.5, 4.7, 8.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sori.accounts.models import Role, StaffProfile, Unit
from sori.accounts.services import actor_for_user
from sori.complaints.services.transitions import EventData
from sori.core.actors import Actor

User = get_user_model()

ASSESSMENT: dict[str, Any] = {
    "severity": "medium",
    "safety_risk": False,
    "complexity": "low",
    "impact": "medium",
    "immediate_action_needed": False,
}


def assessment(**changes: Any) -> EventData:
    return EventData(**{**ASSESSMENT, **changes})


@pytest.fixture
def staff(make_staff) -> Callable[..., Actor]:
    """A staff member of ``role`` with an email address, optionally in a unit."""

    def make(role: str = Role.HANDLER, *, email: str = "", unit: str | None = None,
             username: str | None = None) -> Actor:  # fmt: skip
        actor = make_staff(role, username=username)
        if email:
            User.objects.filter(pk=actor.user_id).update(email=email)
        if unit is not None:
            team = Unit.objects.get_or_create(
                code=unit, defaults={"name_ko": unit, "name_en": unit}
            )[0]
            StaffProfile.objects.filter(user_id=actor.user_id).update(unit=team)
        fresh = actor_for_user(User.objects.get(pk=actor.user_id))
        assert fresh is not None
        return fresh

    return make
