"""Signing in through the real sign-in page, as a person does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from sori.core.actors import Actor
from tests.conftest import PASSWORD

LOGIN = "/staff/login/"


def sign_in(
    client: Client,
    username: str,
    password: str = PASSWORD,
    *,
    next: str | None = None,
    address: str = "127.0.0.1",
):
    data = {"username": username, "password": password}
    if next is not None:
        data["next"] = next
    return client.post(LOGIN, data, REMOTE_ADDR=address)


@pytest.fixture
def signed_in(client, make_staff) -> Callable[..., Actor]:
    """A staff member of ``role`` signed in on ``client`` through the sign-in page."""

    def make(role: str, *, username: str | None = None) -> Actor:
        actor = make_staff(role, username=username)
        answer = sign_in(client, actor.label)
        assert answer.status_code == 302, answer.content.decode()
        return actor

    return make
