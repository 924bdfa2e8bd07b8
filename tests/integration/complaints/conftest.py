"""Staff in the roles the lifecycle needs, and the organisation's waiting period (ISO 10002 7.9)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.core.actors import Actor
from sori.core.models import Organisation


@pytest.fixture
def handler2(make_staff) -> Actor:
    return make_staff(Role.HANDLER, username="handler2")


@pytest.fixture
def approver(make_staff) -> Actor:
    return make_staff(Role.APPROVER, username="approver")


@pytest.fixture
def manager(make_staff) -> Actor:
    return make_staff(Role.COMPLAINTS_MANAGER, username="manager")


@pytest.fixture
def auditor(make_staff) -> Actor:
    return make_staff(Role.AUDITOR, username="auditor")


@pytest.fixture
def organisation(db) -> Organisation:
    # The organisation's settings have no service yet; the row is test set-up, not behaviour.
    return Organisation.objects.create(
        name_ko="소리 테스트", name_en="Sori Test", reaction_wait_days=7
    )
