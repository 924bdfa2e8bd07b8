"""Control charts for complaint counts against worked textbook examples (pure core, no database).

ISO 10002 8.3: trends and special causes in complaint numbers are found by analysis, not by eye.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sori.analytics.spc import (
    ChartKind,
    Direction,
    Rule,
    Side,
    SpcError,
    Zone,
    c_chart,
    u_chart,
    western_electric,
)

# Montgomery, *Introduction to Statistical Quality Control* (6th ed.), Example 7.3, Table 7.7:
# nonconformities in 26 successive samples of 100 printed circuit boards (the same data ship as
# the `circuit` data set of the R package qcc, trial samples). Published: c̄ = 19.85,
# UCL = 33.22, LCL = 6.48; samples 6 and 20 fall outside the limits. (Earlier editions number
# the example differently.)
CIRCUIT_BOARDS = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16]
CIRCUIT_BOARDS += [19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]

# NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.3.1 "Counts control charts": defects on
# 25 wafers. Published: c̄ = 16, UCL = 16 + 3·4 = 28, LCL = 16 − 3·4 = 4.
WAFER_DEFECTS = [16, 14, 28, 16, 12, 20, 10, 12, 10, 17, 19, 17, 14, 16, 15, 13, 14, 16, 11]
WAFER_DEFECTS += [20, 11, 19, 16, 31, 13]

# Montgomery (6th ed.), Example 7.5 (u-chart with variable sample size): nonconformities in ten
# rolls of dyed cloth, inspection unit 50 m² (the `dyedcloth` data set of qcc). Published:
# ū = 153 / 107.5 = 1.42; for a roll of 10 units the limits are 2.55 and 0.29; the process is
# in control.
CLOTH_DEFECTS = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
CLOTH_UNITS = [10.0, 8.0, 13.0, 10.0, 9.5, 10.0, 12.0, 10.5, 12.0, 12.5]


def test_c_chart_matches_montgomerys_circuit_board_example() -> None:
    chart = c_chart(CIRCUIT_BOARDS)

    assert chart.kind is ChartKind.C
    assert chart.baseline == 26
    assert round(chart.centre, 2) == 19.85
    # The book works from c̄ rounded to 19.85, so its limits can differ in the last digit.
    assert all(p.lcl == pytest.approx(6.48, abs=0.01) for p in chart.points)
    assert all(p.ucl == pytest.approx(33.22, abs=0.01) for p in chart.points)
    # Samples 6 (5 nonconformities) and 20 (39) — zero-based 5 and 19.
    assert chart.out_of_control == (5, 19)
    beyond = [s for s in chart.signals if s.rule is Rule.BEYOND_LIMITS]
    assert [(s.indices, s.direction) for s in beyond] == [
        ((5,), Direction.DOWN),
        ((19,), Direction.UP),
    ]


def test_c_chart_matches_the_nist_wafer_example_and_a_point_on_the_limit_is_inside() -> None:
    chart = c_chart(WAFER_DEFECTS)

    assert chart.centre == 16
    assert (chart.points[0].lcl, chart.points[0].ucl, chart.points[0].sigma) == (4, 28, 4)
    # Wafer 3 has exactly 28 defects: on the UCL, not beyond it; wafer 24 (31) is beyond.
    assert chart.points[2].zone is Zone.A
    assert chart.points[2].z == 3
    assert chart.out_of_control == (23,)


def test_u_chart_matches_montgomerys_dyed_cloth_example_with_varying_roll_sizes() -> None:
    chart = u_chart(CLOTH_DEFECTS, CLOTH_UNITS)

    assert chart.kind is ChartKind.U
    assert chart.centre == pytest.approx(153 / 107.5)
    assert round(chart.centre, 2) == 1.42
    first = chart.points[0]  # a roll of 10 units
    assert first.value == 1.4
    # The book works from ū rounded to 1.42, so its limits can differ in the last digit.
    assert (first.ucl, first.lcl) == (pytest.approx(2.55, abs=0.01), pytest.approx(0.29, abs=0.01))
    # Limits widen as the exposure shrinks: the 8-unit roll has the widest band.
    widths = {p.exposure: p.ucl - p.lcl for p in chart.points}
    assert max(widths, key=lambda n: widths[n]) == 8.0
    assert min(widths, key=lambda n: widths[n]) == 13.0
    assert chart.out_of_control == ()
    assert chart.signals == ()


def test_u_chart_with_unit_exposures_is_the_c_chart() -> None:
    as_c = c_chart(CIRCUIT_BOARDS)
    as_u = u_chart(CIRCUIT_BOARDS, [1] * len(CIRCUIT_BOARDS))

    assert [(p.lcl, p.ucl, p.zone) for p in as_u.points] == [
        (p.lcl, p.ucl, p.zone) for p in as_c.points
    ]
    assert as_u.signals == as_c.signals


def test_u_chart_accepts_decimal_exposures_like_a_rate_per_thousand_customers() -> None:
    # 12 complaints from 4,000 customers and 3 from 1,500: 3 and 2 per 1,000 customers.
    chart = u_chart([12, 3], [Decimal("4.000"), Decimal("1.5")])

    assert [p.value for p in chart.points] == [3.0, 2.0]
    assert chart.centre == pytest.approx(15 / 5.5)


def test_limits_from_a_baseline_judge_the_later_points() -> None:
    # Phase I: ten quiet weeks around 16 complaints; phase II: a jump to 30.
    chart = c_chart([16, 14, 18, 16, 15, 17, 16, 14, 18, 16, 30], baseline=10)

    assert chart.baseline == 10
    assert chart.centre == 16
    assert chart.points[-1].ucl == 28
    assert chart.out_of_control == (10,)
    # Without a baseline the jump inflates the limits it is judged against.
    assert c_chart([16, 14, 18, 16, 15, 17, 16, 14, 18, 16, 30]).centre > 16


def test_a_lower_limit_below_zero_is_floored_at_zero() -> None:
    chart = c_chart([2, 1, 0, 3, 1, 2])

    assert all(p.lcl == 0 for p in chart.points)
    assert not any(s.direction is Direction.DOWN for s in chart.signals)


def test_a_first_complaint_after_a_silent_baseline_is_beyond_the_limits() -> None:
    chart = c_chart([0, 0, 0, 0, 1], baseline=4)

    assert chart.points[-1].ucl == 0
    assert chart.points[-1].z == float("inf")
    assert chart.out_of_control == (4,)


QUIET = [16] * 10  # c̄ = 16, σ = 4: zones at 12/20 (1σ), 8/24 (2σ), 4/28 (3σ)


def _rules(counts: list[int], **options: int) -> list[tuple[Rule, Direction, tuple[int, ...]]]:
    chart = c_chart(counts, baseline=10, **options)
    return [(s.rule, s.direction, s.indices) for s in chart.signals]


def test_one_point_beyond_three_sigma_is_rule_1() -> None:
    assert _rules([*QUIET, 29]) == [(Rule.BEYOND_LIMITS, Direction.UP, (10,))]
    assert _rules([*QUIET, 3]) == [(Rule.BEYOND_LIMITS, Direction.DOWN, (10,))]


def test_two_of_three_beyond_two_sigma_on_one_side_is_rule_2() -> None:
    assert _rules([*QUIET, 25, 16, 25]) == [(Rule.TWO_OF_THREE, Direction.UP, (10, 12))]
    assert _rules([*QUIET, 7, 7]) == [(Rule.TWO_OF_THREE, Direction.DOWN, (10, 11))]


def test_two_beyond_two_sigma_on_opposite_sides_is_no_signal() -> None:
    assert _rules([*QUIET, 25, 7, 16]) == []


def test_four_of_five_beyond_one_sigma_on_one_side_is_rule_3() -> None:
    assert _rules([*QUIET, 21, 21, 16, 21, 21]) == [
        (Rule.FOUR_OF_FIVE, Direction.UP, (10, 11, 13, 14))
    ]
    assert _rules([*QUIET, 11, 16, 11, 11, 11]) == [
        (Rule.FOUR_OF_FIVE, Direction.DOWN, (10, 12, 13, 14))
    ]


def test_eight_in_a_row_on_one_side_is_rule_4_and_the_length_is_configurable() -> None:
    assert _rules([*QUIET, *[17] * 8]) == [(Rule.RUN, Direction.UP, tuple(range(10, 18)))]
    assert _rules([*QUIET, *[15] * 8]) == [(Rule.RUN, Direction.DOWN, tuple(range(10, 18)))]
    assert _rules([*QUIET, *[17] * 8], run_length=9) == []
    assert _rules([*QUIET, *[17] * 9], run_length=9) == [
        (Rule.RUN, Direction.UP, tuple(range(10, 19)))
    ]


def test_a_point_on_the_centre_line_breaks_a_run() -> None:
    assert _rules([*QUIET, *[17] * 4, 16, *[17] * 4]) == []


def test_six_points_steadily_rising_or_falling_is_a_trend() -> None:
    assert _rules([*QUIET, 13, 14, 15, 16, 17, 18]) == [
        (Rule.TREND, Direction.UP, tuple(range(10, 16)))
    ]
    assert _rules([*QUIET, 19, 18, 17, 16, 15, 14]) == [
        (Rule.TREND, Direction.DOWN, tuple(range(10, 16)))
    ]
    assert _rules([*QUIET, 13, 14, 15, 16, 17]) == []
    assert _rules([*QUIET, 13, 14, 15, 15, 17, 18]) == []


def test_a_long_episode_is_one_signal_covering_every_point() -> None:
    signals = c_chart([*QUIET, *[17] * 12], baseline=10).signals

    assert len(signals) == 1
    assert signals[0].indices == tuple(range(10, 22))
    assert signals[0].detected_at == 17  # the eighth point of the run
    assert signals[0].description == "8 points in a row are above the centre line."


def test_a_stable_alternating_series_has_no_signal() -> None:
    chart = c_chart([15, 17] * 15)

    assert chart.signals == ()
    assert {p.zone for p in chart.points} == {Zone.C}
    assert {p.side for p in chart.points} == {Side.ABOVE, Side.BELOW}


def test_western_electric_can_be_rerun_with_other_lengths() -> None:
    chart = c_chart([*QUIET, *[17] * 8], baseline=10)

    assert [s.rule for s in western_electric(chart)] == [Rule.RUN]
    assert western_electric(chart, run_length=9) == []
    rising = c_chart([*QUIET, 13, 14, 15, 16, 17], baseline=10)
    assert [s.rule for s in western_electric(rising, trend_length=5)] == [Rule.TREND]
    assert western_electric(rising, trend_length=5)[0].params == {"count": 5}


def test_every_signal_has_an_english_description() -> None:
    signal = c_chart([*QUIET, 29], baseline=10).signals[0]

    assert signal.params == {}
    assert signal.description.startswith("A point is above the upper control limit")


@pytest.mark.parametrize(
    ("counts", "exposures", "baseline"),
    [
        ([], [], None),
        ([1, -1], [1, 1], None),
        ([1, 2], [1], None),
        ([1, 2], [1, 0], None),
        ([1, 2], [1, float("nan")], None),
        ([1, 2], [1, 1], 0),
        ([1, 2], [1, 1], 3),
    ],
)
def test_input_a_chart_cannot_be_built_from_is_refused_with_a_message(
    counts: list[int], exposures: list[float], baseline: int | None
) -> None:
    with pytest.raises(SpcError) as caught:
        u_chart(counts, exposures, baseline=baseline)
    assert caught.value.message


def test_a_count_must_be_a_whole_number() -> None:
    with pytest.raises(SpcError, match="whole number"):
        c_chart([1, 2.5])  # type: ignore[list-item]


def test_rule_lengths_too_short_to_mean_anything_are_refused() -> None:
    with pytest.raises(SpcError):
        c_chart([1, 2, 3], run_length=1)
    with pytest.raises(SpcError):
        c_chart([1, 2, 3], trend_length=2)
