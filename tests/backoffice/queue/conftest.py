"""Fixtures for the queue page: arranged complaints and a staff member signed in on the client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model

from sori.core.actors import Actor
from tests.backoffice.workspace.conftest import staff_client  # noqa: F401 (a fixture)
from tests.integration.queue.builders import Casebook


@pytest.fixture
def book(db) -> Casebook:
    return Casebook()


@pytest.fixture
def signed_in(client, book) -> Callable[..., Actor]:
    """A staff member of ``role`` (in ``unit``) signed in on ``client``."""

    def make(role: str, *, username: str = "staff", unit: str | None = None) -> Actor:
        actor = book.worker(role, username=username, unit=unit)
        client.force_login(get_user_model().objects.get(pk=actor.user_id))
        return actor

    return make
