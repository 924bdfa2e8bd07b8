"""Fixtures for the analysis pages: the seeded dashboard data and a signed-in client."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sori.core.actors import Actor
from tests.integration.analytics.dashboard_seed import DashboardBook, seed

# The dashboard's period in the seed: December 2024 to March 2025.
PERIOD_QUERY = {"from": "2024-12-01", "to": "2025-03-31"}


@pytest.fixture
def book(db) -> DashboardBook:
    return seed()


@pytest.fixture
def signed_in(client) -> Callable[[Actor], Client]:
    def sign_in(actor: Actor) -> Client:
        client.force_login(get_user_model().objects.get(pk=actor.user_id))
        return client

    return sign_in


class PageTables(HTMLParser):
    """Reads the page's tables: for each ``data-table``, its rows of cells.

    A cell is (data-value, shown text, link or None).
    """

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str, str | None]]]] = {}
        self.headers: dict[str, list[str]] = {}
        self._table: str | None = None
        self._section = ""
        self._cell: dict[str, Any] | None = None
        self._row: list[tuple[str, str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self._table = found["data-table"]
            self.tables[self._table] = []
            self.headers[self._table] = []
        elif self._table is None:
            return
        elif tag in {"thead", "tbody"}:
            self._section = tag
        elif tag == "tr" and self._section == "tbody":
            self._row = []
        elif tag in {"td", "th"}:
            self._cell = {"value": found.get("data-value"), "text": "", "link": None}
        elif tag == "a" and self._cell is not None:
            self._cell["link"] = found.get("href")
        elif tag == "details" and self._cell is not None:
            self._cell["details"] = True

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag == "table":
            self._table = None
        elif tag in {"td", "th"} and self._cell is not None:
            text = " ".join(self._cell["text"].split())
            if self._section == "thead":
                self.headers[self._table].append(text)
            elif self._row is not None:
                self._row.append((self._cell["value"], text, self._cell["link"]))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data


def page_tables(html: str) -> PageTables:
    parser = PageTables()
    parser.feed(html)
    return parser
