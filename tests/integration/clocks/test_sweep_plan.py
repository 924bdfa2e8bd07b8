"""The sweep finds due alerts through the alert index, not by reading every timer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from sori.sla.services.sweep import due_timers

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            # Tiny tables make a scan look cheapest; rule it out to see whether the index serves.
            for method in ("seqscan", "bitmapscan", "sort", "incremental_sort"):
                cursor.execute(f"SET LOCAL enable_{method} = off")
            cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("after", [None, (NOW - dt.timedelta(hours=1), 42)], ids=["first", "next"])
def test_the_sweep_reads_due_timers_through_the_alert_index(after):
    plan = _plan(due_timers(NOW, after).values_list("next_alert_at", "pk")[:200])
    assert "sla_timer_alert_idx" in plan, plan
    assert "SCAN sla_timer\n" not in plan + "\n", plan
