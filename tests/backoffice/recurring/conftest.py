"""Staff on a test client, and complaints seeded for the recurring-issue pages."""

from __future__ import annotations

import pytest

from sori.analytics.services.recurring_scan import scan_recurring
from tests.backoffice.workspace.conftest import staff_client, unit  # noqa: F401 (fixtures)

from .seed import NOW, categories, days_ago, file


@pytest.fixture
def rising(db) -> list[str]:
    """Billing rises to 12 complaints in the last 30 days against 2 a month before; scanned."""
    categories()
    file("오래전 민원입니다.", when=days_ago(100), category="health")
    for day in (80, 70, 50, 40):
        file(f"요금이 이상합니다 {day}", when=days_ago(day), category="billing")
    recent = [
        file(f"요금이 두 번 청구되었습니다 {n}", when=days_ago(1 + n, hour=9), category="billing")
        for n in range(12)
    ]
    scan_recurring(now=NOW)
    return recent
