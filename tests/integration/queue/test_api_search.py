"""The API's complaint list takes the queue's keyword search, inside the same scope (ISO 10002 7.3,
4.10)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sori.accounts.models import Role
from sori.accounts.services import create_token
from sori.core.actors import SYSTEM

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints"


def bearer(actor) -> dict[str, str]:
    user = get_user_model().objects.get(pk=actor.user_id)
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(actor=SYSTEM, user=user)}"}


def listed(client: Client, actor, **query) -> list[str]:
    answer = client.get(URL, query, **bearer(actor))
    assert answer.status_code == 200, answer.content
    return [item["reference"] for item in answer.json()["items"]]


def test_q_finds_complaints_by_keyword_in_korean_and_english(book, client):
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="manager")
    korean = book.complaint("제품이 고장 나서 환불을 요청합니다.")
    english = book.complaint("I asked for a refund twice.", language="en")
    book.complaint("배송이 늦었습니다.")
    assert listed(client, manager, q="환불") == [korean.reference]
    assert listed(client, manager, q="REFUND") == [english.reference]
    assert len(listed(client, manager)) == 3
    assert listed(client, manager, q="!!!") == []
    assert listed(client, manager, q='NEAR( "AND" *') == []


def test_q_never_reaches_outside_the_handlers_scope(book, client):
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    ours = book.complaint("환불을 요청합니다.", unit="north")
    book.complaint("환불을 요청합니다.", unit="south")
    assert listed(client, handler, q="환불") == [ours.reference]


def test_q_is_bounded_in_length(book, client):
    manager = book.worker(Role.COMPLAINTS_MANAGER, username="manager")
    answer = client.get(URL, {"q": "x" * 201}, **bearer(manager))
    assert answer.status_code == 422
