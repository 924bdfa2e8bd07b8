"""The queue lists the misses behind an "on time" figure (ISO 10002 7.4, 4.15): the conformance
map and the dashboards link to them, and their number is the KPI's own."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sori.accounts.models import Role
from sori.analytics.kpis import kpis
from sori.sla.models import Timer, TimerState

pytestmark = pytest.mark.django_db

QUEUE = "/staff/queue/"


def _stop(reference: str, state: str, stopped: dt.datetime) -> None:
    # Set-up: the acknowledgement clock stopped on this day, met or late.
    Timer.objects.filter(complaint__reference=reference, stage="acknowledge").update(
        state=state, stopped_at=stopped
    )


def test_missed_acknowledgements_in_a_period_are_the_kpis_misses(staff_client, submit):
    late_march = submit("답변이 없습니다.").reference
    late_april = submit("연락이 없습니다.").reference
    on_time = submit("배송이 늦습니다.").reference
    _stop(late_march, TimerState.MISSED, dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC))
    _stop(late_april, TimerState.MISSED, dt.datetime(2026, 4, 2, 3, 0, tzinfo=dt.UTC))
    _stop(on_time, TimerState.MET, dt.datetime(2026, 3, 11, 3, 0, tzinfo=dt.UTC))
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    page = client.get(QUEUE, {"state": "any", "missed": "acknowledge",
                              "missed_from": "2026-03-01", "missed_to": "2026-03-31"})  # fmt: skip
    assert page.status_code == 200
    listed = set(re.findall(r"C-\d{4}-\d{6}", page.content.decode()))
    assert listed == {late_march}
    figure = kpis(viewer=manager, period_from=dt.date(2026, 3, 1),
                  period_to=dt.date(2026, 3, 31)).by_code()["acknowledged_on_time"]  # fmt: skip
    assert (figure.denominator - figure.numerator) == len(listed) == 1
    # Without dates: every complaint whose acknowledgement was late.
    every = client.get(QUEUE, {"state": "any", "missed": "acknowledge"}).content.decode()
    assert set(re.findall(r"C-\d{4}-\d{6}", every)) == {late_march, late_april}


def test_dates_without_a_stage_or_in_the_wrong_order_are_refused_and_kept(staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    page = client.get(QUEUE, {"missed_from": "2026-03-31", "missed_to": "2026-03-01"})
    html = page.content.decode()
    assert "Choose the stage whose deadline was missed." in html
    assert "The end date is before the start date." in html
    assert 'value="2026-03-31"' in html
