"""Staff on a test client at a fixed "now" (ISO 10002 8.2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sori.core import clock
from tests.backoffice.workspace.conftest import staff_client, unit  # noqa: F401 (fixtures)

from .seed import NOW


@pytest.fixture
def at_now() -> Iterator[None]:
    with clock.frozen_at(NOW):
        yield
