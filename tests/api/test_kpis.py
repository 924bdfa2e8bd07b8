"""``GET /api/v1/kpis``: staff only, validated, scoped, and equal to the selector (ISO 10002 8.4)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from sori.accounts.services import create_token
from sori.analytics.kpis import kpis
from sori.core.actors import SYSTEM, Actor
from tests.integration.analytics.test_kpis import Book, at

URL = "/api/v1/kpis"


def _headers(actor: Actor) -> dict[str, str]:
    user = get_user_model().objects.get(pk=actor.user_id)
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(actor=SYSTEM, user=user)}"}


@pytest.fixture
def book(db) -> Book:
    book = Book()
    for day, email, category in ((3, "a@example.kr", "delivery"), (4, "b@example.kr", "delivery"),
                                 (5, "c@example.kr", "billing")):  # fmt: skip
        book.submit(at(3, day), email, category)
    ref = book.submit(at(3, 6), "a@example.kr", "delivery")
    book.decide(at(3, 8), book.north_handler, ref, "upheld", 10_000)
    return book


def _get(api, headers, **params):
    return api.get(URL, {"from": "2025-03-01", "to": "2025-03-31", **params}, **headers)


def test_the_api_gives_the_same_numbers_as_the_selector(api, book):
    response = _get(api, _headers(book.manager), customers=500)
    assert response.status_code == 200, response.content
    body = response.json()
    report = kpis(viewer=book.manager, period_from=dt.date(2025, 3, 1),
                  period_to=dt.date(2025, 3, 31), customers=500)  # fmt: skip
    expected = [dataclasses.asdict(kpi) for kpi in report.kpis]
    assert body["kpis"] == expected
    assert (body["period_from"], body["period_to"], body["customers"]) == (
        "2025-03-01", "2025-03-31", 500)  # fmt: skip
    values = {kpi["code"]: kpi for kpi in body["kpis"]}
    assert values["received"]["value"] == 4
    assert values["received_per_1000_customers"]["value"] == 8.0
    assert values["upheld"] == {**values["upheld"], "value": 100.0, "numerator": 1,
                                "denominator": 1}  # fmt: skip


def test_a_handler_sees_only_their_units_numbers(api, book):
    north = _get(api, _headers(book.north_handler)).json()
    south = _get(api, _headers(book.south_handler)).json()
    count = {side: {k["code"]: k["value"] for k in body["kpis"]}["received"]
             for side, body in (("north", north), ("south", south))}  # fmt: skip
    assert count == {"north": 3, "south": 1}


def test_filters_are_passed_to_the_selector(api, book):
    body = _get(api, _headers(book.manager), unit="south").json()
    assert {k["code"]: k["value"] for k in body["kpis"]}["received"] == 1
    assert body["unit"] == "south"


def test_the_kpis_need_a_staff_token(api, book):
    response = _get(api, {})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"from": "2025-03-02", "to": "2025-03-01"}, "invalid_period", "from"),
        ({"from": "2020-01-01", "to": "2025-01-02"}, "period_too_long", "to"),
        ({"from": "2025-13-01"}, "invalid", "from"),
        ({"to": ""}, "invalid", "to"),
        ({"unit": "west"}, "unknown_unit", "unit"),
        ({"category": "nope"}, "unknown_category", "category"),
        ({"channel": "fax"}, "unknown_channel", "channel"),
        ({"customers": "0"}, "invalid", "customers"),
    ],
)
def test_bad_parameters_are_a_422_problem(api, book, params, code, field):
    response = _get(api, _headers(book.manager), **params)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert field in {error["field"] for error in body.get("errors", [])}
