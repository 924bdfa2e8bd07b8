"""Fixtures for the queue's selectors, search and saved filters."""

from __future__ import annotations

import pytest

from tests.integration.queue.builders import Casebook


@pytest.fixture
def book(db) -> Casebook:
    return Casebook()
