"""Upgrading an installation whose figures were built before the histogram had a unit.

Migration ``analytics/0005_durationbin_unit`` drops the unit-less duration bins and marks the
figures unbuilt, so no reader mixes the old histogram with the new (ISO 10002 8.4): every reader
uses the live queries until the worker's next run rebuilds them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("analytics", "0004_ended_complaints")]
AFTER = [("analytics", "0005_durationbin_unit")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_upgrading_drops_the_unitless_histogram_and_marks_the_figures_for_a_rebuild():
    from sori.analytics import figures
    from sori.analytics.services.figures import refresh_figures
    from sori.core.actors import SYSTEM

    try:
        old = _migrate(BEFORE)
        state = old.get_model("analytics", "FigureState").objects.create(
            pk=1, built_through=dt.date(2026, 11, 1), time_zone="Asia/Seoul",
            changes_since=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )  # fmt: skip
        old.get_model("analytics", "DurationBin").objects.create(
            grain="d", day=dt.date(2026, 10, 31), measure="close", hour=30, count=4
        )
        new = _migrate(AFTER)
        assert not new.get_model("analytics", "DurationBin").objects.exists()
        state = new.get_model("analytics", "FigureState").objects.get(pk=1)
        assert state.built_through is None and state.changes_since is None
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert figures.plan(SYSTEM) is None  # the live queries answer meanwhile
    summary = refresh_figures(actor=SYSTEM)  # the worker's next run rebuilds everything
    assert summary is not None and summary.full
