"""The analysis dashboard page: ko/en, filters, errors that keep the input, scope, drill-downs, and
the KPI table equal to the API (ISO 10002 8.2–8.4)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from sori.accounts.models import Role
from sori.accounts.services import create_token
from sori.core import clock
from sori.core.actors import SYSTEM
from tests.backoffice.analytics.conftest import PERIOD_QUERY, page_tables
from tests.integration.analytics.dashboard_seed import AFTER, LAST_DAY_NOON

URL = "/staff/analytics/"


def _get(client, params=None, *, at=AFTER, language=None, **extra):
    if language:
        client.cookies["django_language"] = language
    with clock.frozen_at(at):
        return client.get(URL, params if params is not None else PERIOD_QUERY, **extra)


def _count(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_page_renders_in_korean_by_default(book, signed_in):
    response = _get(signed_in(book.manager))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko">' in html
    tables = page_tables(html)
    assert set(tables.tables) == {"kpis", "trend", "categories", "root_causes", "ageing", "sla",
                                  "satisfaction", "channels"}  # fmt: skip
    # Korean labels from the data and the model choices.
    assert [row[0][1] for row in tables.tables["categories"][:2]] == ["배송", "요금"]
    assert [row[0][1] for row in tables.tables["sla"]] == ["접수 통지", "결정", "종결"]
    assert [row[0][1] for row in tables.tables["channels"]][:2] == ["웹 양식", "이메일"]
    # Every chart is on the page with its data and its static images; the scripts come along.
    assert html.count('<div class="chart" data-spec-id=') == 7
    assert 'id="chart-trend-spec" type="application/json"' in html
    assert "vendor/vega/vega-embed.min.js" in html
    assert "/staff/analytics/chart/trend.svg?from=2024-12-01&amp;to=2025-03-31" in html


def test_the_page_renders_in_english(book, signed_in):
    response = _get(signed_in(book.manager), language="en")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Analysis</h1>" in html
    tables = page_tables(html)
    assert tables.headers["channels"] == ["Channel", "Complaints", "Share (%)"]
    assert [row[0][1] for row in tables.tables["categories"]] == [
        "Delivery",
        "Billing",
        "Not classified",
    ]
    assert tables.tables["trend"][0][0][1] == "2024-12"


def test_the_default_period_is_twelve_monthly_points_up_to_today(book, signed_in):
    response = _get(signed_in(book.manager), {}, at=AFTER)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["from"].value(), form["to"].value()) == ("2024-05-01", "2025-04-10")
    assert len(page_tables(response.content.decode()).tables["trend"]) == 12


def test_filters_narrow_the_figures(book, signed_in):
    response = _get(signed_in(book.manager), {**PERIOD_QUERY, "unit": "south"})
    tables = page_tables(response.content.decode()).tables
    assert [(r[0][1], r[1][0]) for r in tables["categories"]] == [("요금", "4")]
    # The filter travels with the exports and charts.
    assert (
        "/staff/analytics/export/channels.csv?from=2024-12-01&amp;to=2025-03-31&amp;unit=south"
        in (response.content.decode())
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2025-13-01", "to": "2025-03-31"}, "from", "Enter a date like 2026-03-01."),
        (
            {"from": "2025-03-31", "to": "2025-03-01"},
            "from",
            "The start of the period must not be after its end.",
        ),
        (
            {"from": "2019-01-01", "to": "2025-03-01"},
            "to",
            "The period may be at most five years long.",
        ),
        ({**PERIOD_QUERY, "unit": "west"}, "unit", "Choose one of the options in the list."),
        ({"from": "", "to": "2025-03-01"}, "from", "Enter the first day of the period."),
    ],
)
def test_an_invalid_filter_shows_the_form_with_its_error_and_keeps_what_was_typed(
    book, signed_in, params, field, message
):
    response = _get(signed_in(book.manager), {**params, "product": "택배 서비스"}, language="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert message in html
    assert response.context["form"].errors[field]
    for key, value in params.items():
        if value and key in {"from", "to"}:
            assert f'value="{value}"' in html
    assert 'value="택배 서비스"' in html
    assert "<title>Error:" in html
    assert page_tables(html).tables == {}


def test_a_handler_sees_only_their_units_figures(book, signed_in):
    response = _get(signed_in(book.north_handler), language="en")
    html = response.content.decode()
    tables = page_tables(html).tables
    assert [_count(row[1][1]) for row in tables["trend"]] == [1, 2, 1, 1]
    assert [row[0][1] for row in tables["categories"]] == ["Delivery"]
    assert "The figures cover the complaints you may see" in html


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_staff_role_may_open_the_dashboard(book, signed_in, make_staff, role):
    response = _get(signed_in(make_staff(role)))
    assert response.status_code == 200


def test_someone_not_signed_in_is_sent_to_sign_in(book, client):
    response = _get(client)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/staff/login/"


def _queue_count(client, link: str, at) -> int:
    with clock.frozen_at(at):
        response = client.get(link)
    assert response.status_code == 200, link
    return response.context["counts"].results.value


@pytest.mark.parametrize("at", [AFTER, LAST_DAY_NOON], ids=["past-period", "period-ends-today"])
def test_every_drill_down_link_shows_as_many_complaints_in_the_queue(book, signed_in, at):
    client = signed_in(book.manager)
    tables = page_tables(_get(client, at=at).content.decode()).tables
    checked = 0
    for key, rows in tables.items():
        for row in rows:
            for value, text, link in row:
                if link is None:
                    continue
                assert link.startswith("/staff/queue/?"), link
                assert _queue_count(client, link, at) == _count(text) == int(value), (key, link)
                checked += 1
    # Every count that stands for a set of complaints links to it: 39 cells, the same whether the
    # period has ended or not (a past month's "open at the end" and a past backlog use the
    # queue's "open at the end of"; the current ones the open queue; survey answers the queue's
    # "survey answered").
    assert checked == 39


def test_a_categorys_drill_down_links_agree_with_the_queue_its_own_row_too(book, signed_in):
    client = signed_in(book.manager)
    page = _get(client, {**PERIOD_QUERY, "category": "delivery"})
    tables = page_tables(page.content.decode()).tables
    links = [(text, link) for rows in tables.values() for row in rows
             for _value, text, link in row if link]  # fmt: skip
    assert any("category_only=on" in link for _text, link in links)  # "delivery itself"
    for text, link in links:
        assert _queue_count(client, link, AFTER) == _count(text), link


def test_a_handlers_drill_down_links_agree_with_their_queue(book, signed_in):
    client = signed_in(book.south_handler)
    tables = page_tables(_get(client).content.decode()).tables
    for row in tables["channels"] + tables["root_causes"]:
        _value, text, link = row[1]
        if link:
            assert _queue_count(client, link, AFTER) == _count(text)


def test_the_kpi_table_shows_the_same_numbers_as_the_api(book, signed_in, client):
    page = _get(signed_in(book.manager), language="en")
    rows = page_tables(page.content.decode()).tables["kpis"]
    user = get_user_model().objects.get(pk=book.manager.user_id)
    token = create_token(actor=SYSTEM, user=user)
    client.logout()
    with clock.frozen_at(AFTER):
        api = client.get("/api/v1/kpis", PERIOD_QUERY, HTTP_AUTHORIZATION=f"Bearer {token}",
                         HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert api.status_code == 200
    kpis = api.json()["kpis"]
    assert len(rows) == len(kpis)
    for row, kpi in zip(rows, kpis, strict=True):
        name, value, target = row[0], row[1], row[2]
        assert name[1].startswith(kpi["name"])
        assert kpi["formula"] in name[1]  # the formula is in the details
        assert (float(value[0]) if value[0] else None) == kpi["value"]
        assert (float(target[0]) if target[0] else None) == kpi["target"]
    received = next(row for row in rows if row[0][1].startswith("Complaints received"))
    assert received[1][1] == "10"
    decided = next(row for row in rows if row[0][1].startswith("Decided on time (stage 1)"))
    assert (decided[1][1], decided[3][1]) == ("75.0 %", "target not met")


def test_numbers_are_shown_with_grouping_and_per_cent_signs(book, signed_in):
    tables = page_tables(_get(signed_in(book.manager), language="en").content.decode()).tables
    share = tables["channels"][0][2]
    assert (share[0], share[1]) == ("50.0", "50.0%")
    assert re.fullmatch(r"\d+", tables["trend"][0][1][1])


def _per_thousand(page) -> tuple[str, str]:
    rows = page_tables(page.content.decode()).tables["kpis"]
    row = next(row for row in rows if row[0][1].startswith("Complaints per 1,000 customers"))
    return row[1][0], row[1][1]


def test_the_rate_per_1000_customers_comes_from_the_form_or_the_monthly_figures(book, signed_in):
    from sori.analytics.models import ExposureFigure

    client = signed_in(book.manager)
    # Nothing entered and no figures: no rate rather than a guess.
    assert _per_thousand(_get(client, language="en"))[0] == ""
    # Entered on the page: 10 complaints received over 5,000 customers.
    entered = _get(client, {**PERIOD_QUERY, "customers": "5000"}, language="en")
    assert _per_thousand(entered)[0] == "2.0"
    assert "customers=5000" in entered.content.decode()  # kept in the export links
    # From the organisation's monthly figures, when every month of the period has one.
    months = ["2024-12-01", "2025-01-01", "2025-02-01"]
    for month in months:
        ExposureFigure.objects.create(month=month, customers=1000)
    assert _per_thousand(_get(client, language="en"))[0] == ""  # March is missing
    ExposureFigure.objects.create(month="2025-03-01", customers=1000)
    assert _per_thousand(_get(client, language="en"))[0] == "2.5"
    # A period that cuts a month uses no figures.
    cut = _get(client, {"from": "2024-12-02", "to": "2025-03-31"}, language="en")
    assert _per_thousand(cut)[0] == ""


def test_a_wrong_number_of_customers_is_refused_and_the_rest_kept(book, signed_in):
    page = _get(signed_in(book.manager), {**PERIOD_QUERY, "customers": "0", "product": "정기 배송"},
                language="en")  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 400
    assert "The number of customers must be at least 1." in text
    assert 'value="정기 배송"' in text
