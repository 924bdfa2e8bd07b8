"""The analysis dashboard in Debian's Chromium: each chart draws as SVG from its specification, and
axe-core finds no WCAG 2.2 AA violation in Korean or English (ISO 10002 8.2; the design's
accessibility promise for every page)."""

from __future__ import annotations

import pytest

from tests.backoffice.queue.test_browser import assert_accessible, session_cookie
from tests.e2e.browser import browser_page, needs_chromium
from tests.integration.analytics.dashboard_seed import seed

__all__ = ["browser_page"]

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_charts_draw_and_the_page_has_no_violations(live_server, browser_page, language):
    seed()
    page = browser_page
    page.context.add_cookies(
        [
            {"name": "django_language", "value": language, "url": live_server.url},
            session_cookie("manager", live_server.url),
        ]
    )
    page.goto(f"{live_server.url}/staff/analytics/?from=2024-12-01&to=2025-03-31")
    assert page.locator("h1").count() == 1
    page.wait_for_function(
        "document.querySelectorAll('.chart svg.marks').length"
        " === document.querySelectorAll('.chart').length"
    )
    assert page.locator(".chart svg.marks").count() == 7
    # The Pareto draws one bar per row of its table.
    bars = page.locator("#chart-categories-figure svg .mark-rect path")
    assert bars.count() == 3
    assert_accessible(page, language)
