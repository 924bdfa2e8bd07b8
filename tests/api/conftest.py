"""Fixtures for the REST API tests: real HTTP through Django's test client, real tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from sori.accounts.services import create_token
from sori.core.actors import SYSTEM
from tests.api.helpers import URL


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the process's cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed_db(transactional_db) -> Iterator[None]:
    """Committed data that other threads' connections can see (a transactional test)."""
    yield


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def bearer(make_staff) -> Callable[..., dict[str, str]]:
    """Headers with a fresh staff token for a new user in ``role``."""

    def make(role: str = "handler", **kwargs: Any) -> dict[str, str]:
        actor = make_staff(role, **kwargs)
        user = get_user_model().objects.get(pk=actor.user_id)
        token = create_token(actor=SYSTEM, user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make


@pytest.fixture
def file_complaint(api) -> Callable[..., dict[str, Any]]:
    """Submit through the public endpoint; returns the receipt body."""

    def make(**body: Any) -> dict[str, Any]:
        body.setdefault("description", "택배가 2주째 도착하지 않았습니다.")
        response = api.post(URL, body, content_type="application/json")
        assert response.status_code == 201, response.content
        return response.json()

    return make
