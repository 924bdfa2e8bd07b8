"""Properties of control charts for any complaint counts (pure core, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sori.analytics.spc import Chart, Rule, Side, Zone, c_chart, u_chart, western_electric

COUNTS = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60)
EXPOSURE = st.one_of(
    st.integers(min_value=1, max_value=100_000),
    st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False),
)


@st.composite
def counts_and_exposures(draw: st.DrawFn) -> tuple[list[int], list[float]]:
    counts = draw(COUNTS)
    exposures = draw(st.lists(EXPOSURE, min_size=len(counts), max_size=len(counts)))
    return counts, [float(n) for n in exposures]


@st.composite
def baselines(draw: st.DrawFn, size: int) -> int | None:
    return draw(st.none() | st.integers(min_value=1, max_value=size))


def _check_limits(chart: Chart) -> None:
    for point in chart.points:
        assert 0 <= point.lcl <= point.centre <= point.ucl
        assert point.centre == chart.centre
        assert point.sigma >= 0


def _check_signals(chart: Chart) -> None:
    size = len(chart.points)
    for signal in chart.signals:
        assert signal.indices
        assert list(signal.indices) == sorted(set(signal.indices))
        assert all(0 <= index < size for index in signal.indices)
        assert signal.detected_at in signal.indices
        assert signal.description
    assert [s.detected_at for s in chart.signals] == sorted(s.detected_at for s in chart.signals)


@given(COUNTS, st.data())
def test_c_chart_limits_bracket_the_centre_and_never_go_below_zero(
    counts: list[int], data: st.DataObject
) -> None:
    chart = c_chart(counts, baseline=data.draw(baselines(len(counts))))

    _check_limits(chart)
    _check_signals(chart)


@given(counts_and_exposures(), st.data())
def test_u_chart_limits_bracket_the_centre_and_never_go_below_zero(
    series: tuple[list[int], list[float]], data: st.DataObject
) -> None:
    counts, exposures = series
    chart = u_chart(counts, exposures, baseline=data.draw(baselines(len(counts))))

    _check_limits(chart)
    _check_signals(chart)


@given(counts_and_exposures(), st.integers(min_value=2, max_value=1_000))
def test_more_exposure_at_the_same_rate_narrows_the_u_chart_limits(
    series: tuple[list[int], list[float]], factor: int
) -> None:
    counts, exposures = series
    chart = u_chart(counts, exposures)
    scaled = u_chart([c * factor for c in counts], [n * factor for n in exposures])

    for before, after in zip(chart.points, scaled.points, strict=True):
        assert after.centre == pytest.approx(before.centre)  # n·k may round in the last bit
        assert after.lcl >= before.lcl
        assert after.ucl <= before.ucl
        if before.centre > 0:
            assert after.ucl < before.ucl


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=60),
    st.data(),
)
def test_a_constant_series_has_no_signal(count: int, size: int, data: st.DataObject) -> None:
    chart = c_chart([count] * size, baseline=data.draw(baselines(size)))

    assert chart.signals == ()
    assert {p.side for p in chart.points} == {Side.ON}


@given(
    st.integers(min_value=0, max_value=50),
    st.lists(st.integers(min_value=1, max_value=5_000), min_size=1, max_size=60),
)
def test_a_constant_rate_over_varying_exposures_has_no_signal(
    rate: int, exposures: list[int]
) -> None:
    chart = u_chart([rate * n for n in exposures], exposures)

    assert not any(s.rule is Rule.BEYOND_LIMITS for s in chart.signals)
    assert chart.signals == ()


@given(COUNTS, st.integers(min_value=2, max_value=12), st.integers(min_value=3, max_value=12))
def test_signals_name_points_of_the_chart_for_any_rule_lengths(
    counts: list[int], run_length: int, trend_length: int
) -> None:
    chart = c_chart(counts)
    signals = western_electric(chart, run_length=run_length, trend_length=trend_length)

    _check_signals(chart)
    for signal in signals:
        assert all(0 <= index < len(counts) for index in signal.indices)
        if signal.rule is Rule.BEYOND_LIMITS:
            assert chart.points[signal.indices[0]].zone is Zone.BEYOND
