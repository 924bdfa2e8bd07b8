"""Every dashboard table downloads as CSV and XLSX with the page's figures, and every chart as SVG
and PNG with Korean text (ISO 10002 8.2: analysis that can be shared and printed)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sori.analytics.dashboards import TABLES, table
from sori.analytics.filters import AnalyticsFilter
from sori.backoffice.views.analytics import NUMERIC
from sori.core import clock
from tests.backoffice.analytics.conftest import PERIOD_QUERY, page_tables
from tests.integration.analytics.dashboard_seed import AFTER, PERIOD

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _get(client, path, params=None, language=None):
    if language:
        client.cookies["django_language"] = language
    with clock.frozen_at(AFTER):
        return client.get(path, params if params is not None else PERIOD_QUERY)


def _csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # Excel reads the Korean text as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _page(client, language=None):
    return page_tables(_get(client, "/staff/analytics/", language=language).content.decode())


@pytest.mark.parametrize("key", [key for key in TABLES if key != "kpis"])
def test_the_csv_holds_the_pages_table(book, signed_in, key):
    client = signed_in(book.manager)
    page = _page(client)
    response = _get(client, f"/staff/analytics/export/{key}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="sori-{key}-2024-12-01-2025-03-31.csv"'
    )
    header, *rows = _csv(response)
    assert header == page.headers[key]
    assert rows == [[value for value, _text, _link in row] for row in page.tables[key]]
    assert rows  # the seed fills every table


def test_the_kpi_csv_holds_the_pages_values_and_targets(book, signed_in):
    client = signed_in(book.manager)
    page = _page(client, language="en")
    header, *rows = _csv(_get(client, "/staff/analytics/export/kpis.csv"))
    assert header == ["Indicator", "Value", "Unit", "Target", "Result", "Formula",
                      "ISO 10002 clause"]  # fmt: skip
    shown = page.tables["kpis"]
    assert [(r[1], r[3], r[4]) for r in rows] == [(c[1][0], c[2][0], c[3][0]) for c in shown]
    assert rows[0][:2] == ["Complaints received", "10"]


@pytest.mark.parametrize("key", list(TABLES))
def test_the_xlsx_opens_and_holds_the_same_figures_typed(book, signed_in, key):
    client = signed_in(book.manager)
    response = _get(client, f"/staff/analytics/export/{key}.xlsx", language="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *expected = _csv(_get(client, f"/staff/analytics/export/{key}.csv"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    title = sheet["A1"].value
    # The sheet is named after the table (Excel allows 31 characters and no colon).
    assert title and sheet.title == title.replace(":", " ")[:31].strip()
    assert [cell.value for cell in sheet[2]] == header
    assert all(cell.font.bold for cell in sheet[2])
    rows = [
        list(r) for r in sheet.iter_rows(min_row=3, max_row=2 + len(expected), values_only=True)
    ]
    assert len(rows) == len(expected)
    with clock.frozen_at(AFTER):
        kinds = [c.kind for c in table(book.manager, AnalyticsFilter(*PERIOD), key).columns]
    for row, csv_row in zip(rows, expected, strict=True):
        for value, text, kind in zip(row, csv_row, kinds, strict=True):
            if kind in NUMERIC and value is not None:
                assert isinstance(value, int | float), (key, value)
            if isinstance(value, bool) or value is None or isinstance(value, str):
                assert (value or "") == text, (key, value, text)
            elif isinstance(value, int | float):
                # Numbers stay numbers, equal to what the CSV (and the page) holds.
                assert value == float(text), (key, value, text)
            else:
                assert isinstance(value, dt.datetime)
                assert text in {value.date().isoformat(), value.strftime("%Y-%m")}
    assert sheet.column_dimensions["A"].width > 8


def test_the_xlsx_keeps_dates_as_dates_and_formats_them(book, signed_in):
    client = signed_in(book.manager)
    response = _get(client, "/staff/analytics/export/trend.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value == dt.datetime(2024, 12, 1)
    assert sheet["A3"].number_format == "yyyy-mm"
    assert sheet["B5"].value == 4 and isinstance(sheet["B5"].value, int)


def test_an_unknown_table_is_not_found(book, signed_in):
    client = signed_in(book.manager)
    assert _get(client, "/staff/analytics/export/everything.csv").status_code == 404
    assert _get(client, "/staff/analytics/chart/kpis.svg").status_code == 404


def test_an_export_with_an_invalid_filter_shows_the_form(book, signed_in):
    client = signed_in(book.manager)
    response = _get(client, "/staff/analytics/export/trend.csv", {"from": "2025-03-31",
                                                                   "to": "2025-03-01"})  # fmt: skip
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()


def test_the_svg_carries_the_korean_axis_titles_and_labels(book, signed_in):
    client = signed_in(book.manager)
    response = _get(client, "/staff/analytics/chart/categories.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert ">유형</text>" in svg  # x axis: Category
    assert ">불만</text>" in svg  # y axis: Complaints
    assert ">배송</text>" in svg
    # The chart describes itself for assistive technology.
    assert 'aria-label="' in svg or "<desc>" in svg


@pytest.mark.parametrize("key", [key for key in TABLES if key != "kpis"])
def test_every_chart_renders_as_png(book, signed_in, key):
    client = signed_in(book.manager)
    response = _get(client, f"/staff/analytics/chart/{key}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    # Drawn at twice the size for print: far more than a blank image.
    assert len(response.content) > 20_000
    width = int.from_bytes(response.content[16:20], "big")
    assert width > 1000
