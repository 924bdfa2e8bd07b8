"""Shared fixtures: staff in every role, and complaints submitted through the real service."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from sori.accounts.models import Role
from sori.accounts.services import actor_for_user, create_staff_user
from sori.complaints.services.intake import (
    ComplainantInput,
    ComplaintInput,
    Receipt,
    submit_complaint,
)
from sori.core.actors import SYSTEM, Actor

PASSWORD = "correct-horse-battery-staple-7"

AUTHORITY = {
    Role.HANDLER: Decimal("100000"),
    Role.APPROVER: Decimal("5000000"),
    Role.COMPLAINTS_MANAGER: Decimal("1000000"),
}


@pytest.fixture
def make_staff(db) -> Callable[..., Actor]:
    counter = iter(range(1, 10_000))

    def make(
        role: str = Role.HANDLER,
        *,
        username: str | None = None,
        authority_limit: Decimal | None = None,
    ) -> Actor:
        name = username or f"{role}-{next(counter)}"
        user = create_staff_user(
            actor=SYSTEM,
            username=name,
            role=role,
            password=PASSWORD,
            authority_limit=authority_limit if authority_limit is not None else AUTHORITY.get(role),
        )
        actor = actor_for_user(user)
        assert actor is not None
        return actor

    return make


@pytest.fixture
def handler(make_staff) -> Actor:
    return make_staff(Role.HANDLER, username="handler")


@pytest.fixture
def submit(db) -> Callable[..., Receipt]:
    def make(
        description: str = "택배가 2주째 도착하지 않았습니다.", *, anonymous: bool = False, **fields
    ) -> Receipt:
        person = (
            None
            if anonymous
            else ComplainantInput(name="김민지", email="minji@example.kr", phone="010-1234-5678")
        )
        return submit_complaint(
            actor=SYSTEM, data=ComplaintInput(description=description, complainant=person, **fields)
        )

    return make


@pytest.fixture(autouse=True)
def _shipped_sla_policies(request):
    """The calendars and SLA policies migration sla 0002 installs, as every installation has them.

    A transactional test's flush removes rows written by data migrations; the next test in the
    process would then run without any deadline. Put them back (the migration is idempotent).
    """
    names = set(request.fixturenames)
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("_django_db_helper")
    else:
        return
    from django.apps import apps

    from sori.sla.models import SlaPolicy

    if not SlaPolicy.objects.filter(code="iso-default").exists():
        importlib.import_module("sori.sla.migrations.0002_shipped_templates").forwards(apps, None)


@pytest.fixture(autouse=True)
def _default_language():
    # A request through LocaleMiddleware leaves its language active in the thread; each test
    # starts in Sori's default language (Korean) so output never depends on the test order.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
