"""Staff signed in on a test client, with a unit and an email address when the test needs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sori.accounts.models import Role, StaffProfile, Unit
from sori.accounts.services import actor_for_user
from sori.complaints.models import Complaint
from sori.core.actors import Actor

User = get_user_model()


def place(actor: Actor, *, unit: Unit | None = None, email: str = "") -> Actor:
    """The same staff member, moved to ``unit`` and given ``email`` (set-up, not behaviour)."""
    if unit is not None:
        StaffProfile.objects.filter(user_id=actor.user_id).update(unit=unit)
    if email:
        User.objects.filter(pk=actor.user_id).update(email=email)
    fresh = actor_for_user(User.objects.get(pk=actor.user_id))
    assert fresh is not None
    return fresh


@pytest.fixture
def unit(db) -> Callable[[str], Unit]:
    def make(code: str) -> Unit:
        return Unit.objects.get_or_create(
            code=code, defaults={"name_ko": f"{code} 팀", "name_en": f"{code} team"}
        )[0]

    return make


@pytest.fixture
def staff_client(make_staff) -> Callable[..., tuple[Client, Actor]]:
    """A fresh client signed in as a new staff member of ``role``."""

    def make(
        role: str = Role.HANDLER,
        *,
        username: str | None = None,
        unit: Unit | None = None,
        email: str = "",
        language: str = "en",
    ) -> tuple[Client, Actor]:
        actor = place(make_staff(role, username=username), unit=unit, email=email)
        client = Client()
        client.force_login(User.objects.get(pk=actor.user_id))
        client.cookies["django_language"] = language
        return client, actor

    return make


def url(reference: str, part: str = "") -> str:
    return f"/staff/complaints/{reference}/{part}"


def version(reference: str) -> int:
    return Complaint.objects.values_list("version", flat=True).get(reference=reference)


def htmx(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, headers={"HX-Request": "true"})
