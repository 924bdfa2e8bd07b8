"""Statistical process control for complaint counts: c-charts, u-charts and Western Electric signals.

ISO 10002 8.3 asks the organisation to analyse complaints for systemic and recurring problems and
trends, and 8.4 to act on what it finds. A control chart separates the common-cause week-to-week
noise of complaint numbers from a special cause worth a manager's attention: the "signals" here are
what the back office lists for acknowledgement or an improvement action.

Pure (stdlib only), like `sori.sla.calendar`: callers pass plain counts and exposures. Limits,
centre and zones are computed in exact rational arithmetic (`Fraction`) so that a point lying
exactly on a limit or on the centre line is classified the same way on every machine; `Point`
carries floats for display.

- c-chart: counts in equal-sized periods (complaints per week). c̄ = mean count,
  limits c̄ ± 3√c̄.
- u-chart: counts over a varying exposure n_i (complaints per 1,000 customers: pass
  customers / 1000 as the exposure). ū = Σc / Σn, per-point limits ū ± 3√(ū / n_i).
Lower limits are floored at 0: a count cannot be negative.

The limits come from a baseline window (phase I: the first `baseline` points) or from all points,
and every point is then judged against them (phase II).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import partial

DEFAULT_RUN_LENGTH = 8
DEFAULT_TREND_LENGTH = 6


def gettext_noop(message: str) -> str:
    """Mark a msgid for `makemessages` without importing Django; callers translate it on display."""
    return message


class SpcError(ValueError):
    """Input a chart cannot be built from. `message` is an English msgid with %-placeholders
    filled from `params`, so a front-end can show ``gettext(err.message) % err.params``."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


class ChartKind(StrEnum):
    C = "c"
    U = "u"


class Zone(StrEnum):
    """How far a point lies from the centre line, in standard deviations of that point.

    The Western Electric handbook names the bands from the centre out C, B and A."""

    C = "C"  # within 1σ
    B = "B"  # beyond 1σ, within 2σ
    A = "A"  # beyond 2σ, within 3σ
    BEYOND = "beyond"  # beyond 3σ: outside the control limits


class Side(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    ON = "on"  # exactly on the centre line: breaks a run on either side


class Direction(StrEnum):
    """Above/below the centre line for the zone and run rules; increasing/decreasing for a trend."""

    UP = "up"
    DOWN = "down"


class Rule(StrEnum):
    """Stable codes: later stored with a manager's acknowledgement, so never renamed."""

    BEYOND_LIMITS = "beyond_limits"  # Western Electric rule 1
    TWO_OF_THREE = "two_of_three"  # rule 2
    FOUR_OF_FIVE = "four_of_five"  # rule 3
    RUN = "run"  # rule 4
    TREND = "trend"  # six points steadily increasing or decreasing


_ZONES = (Zone.C, Zone.B, Zone.A, Zone.BEYOND)
_RULE_ORDER = {rule: position for position, rule in enumerate(Rule)}

_MESSAGES: dict[tuple[Rule, Direction], str] = {
    (Rule.BEYOND_LIMITS, Direction.UP): gettext_noop(
        "A point is above the upper control limit, more than three standard deviations above "
        "the centre line."
    ),
    (Rule.BEYOND_LIMITS, Direction.DOWN): gettext_noop(
        "A point is below the lower control limit, more than three standard deviations below "
        "the centre line."
    ),
    (Rule.TWO_OF_THREE, Direction.UP): gettext_noop(
        "Two of three points in a row are more than two standard deviations above the centre line."
    ),
    (Rule.TWO_OF_THREE, Direction.DOWN): gettext_noop(
        "Two of three points in a row are more than two standard deviations below the centre line."
    ),
    (Rule.FOUR_OF_FIVE, Direction.UP): gettext_noop(
        "Four of five points in a row are more than one standard deviation above the centre line."
    ),
    (Rule.FOUR_OF_FIVE, Direction.DOWN): gettext_noop(
        "Four of five points in a row are more than one standard deviation below the centre line."
    ),
    (Rule.RUN, Direction.UP): gettext_noop("%(count)d points in a row are above the centre line."),
    (Rule.RUN, Direction.DOWN): gettext_noop(
        "%(count)d points in a row are below the centre line."
    ),
    (Rule.TREND, Direction.UP): gettext_noop("%(count)d points in a row are steadily increasing."),
    (Rule.TREND, Direction.DOWN): gettext_noop(
        "%(count)d points in a row are steadily decreasing."
    ),
}


@dataclass(frozen=True)
class Point:
    """One plotted period: its count, exposure, plotted value (count / exposure) and its limits."""

    index: int
    count: int
    exposure: float
    value: float
    centre: float
    lcl: float
    ucl: float
    sigma: float
    z: float  # (value − centre) / sigma; ±inf when sigma is 0 and the value is off the centre
    zone: Zone
    side: Side


@dataclass(frozen=True)
class Signal:
    """A special cause: the rule, the direction, the points involved (ascending) and the point at
    which the rule first fired. `message` is an English msgid; show
    ``gettext(signal.message) % signal.params``."""

    rule: Rule
    direction: Direction
    indices: tuple[int, ...]
    detected_at: int
    count: int | None = None  # the run or trend length the rule was configured with

    @property
    def params(self) -> dict[str, int]:
        return {} if self.count is None else {"count": self.count}

    @property
    def message(self) -> str:
        return _MESSAGES[self.rule, self.direction]

    @property
    def description(self) -> str:
        """The English text, for logs and tests; people read the translated `message`."""
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    centre: float
    baseline: int  # how many leading points the limits were computed from
    points: tuple[Point, ...]
    signals: tuple[Signal, ...]

    @property
    def out_of_control(self) -> tuple[int, ...]:
        """Indices of the points outside the control limits (rule 1)."""
        return tuple(point.index for point in self.points if point.zone is Zone.BEYOND)


def c_chart(
    counts: Sequence[int],
    *,
    baseline: int | None = None,
    run_length: int = DEFAULT_RUN_LENGTH,
    trend_length: int = DEFAULT_TREND_LENGTH,
) -> Chart:
    """A c-chart of counts in equal-sized periods, limits from the first `baseline` points (all
    points when None), with its Western Electric signals."""
    exact_counts = _counts(counts)
    return _chart(
        ChartKind.C,
        exact_counts,
        [Fraction(1)] * len(exact_counts),
        baseline=baseline,
        run_length=run_length,
        trend_length=trend_length,
    )


def u_chart(
    counts: Sequence[int],
    exposures: Sequence[float | Decimal],
    *,
    baseline: int | None = None,
    run_length: int = DEFAULT_RUN_LENGTH,
    trend_length: int = DEFAULT_TREND_LENGTH,
) -> Chart:
    """A u-chart of counts per unit of exposure (which may differ from point to point), limits from
    the first `baseline` points (all points when None), with its Western Electric signals."""
    exact_counts = _counts(counts)
    if len(exposures) != len(exact_counts):
        raise SpcError(
            gettext_noop("There are %(counts)d counts but %(exposures)d exposures."),
            counts=len(exact_counts),
            exposures=len(exposures),
        )
    exact_exposures = [_exposure(value, index) for index, value in enumerate(exposures)]
    return _chart(
        ChartKind.U,
        exact_counts,
        exact_exposures,
        baseline=baseline,
        run_length=run_length,
        trend_length=trend_length,
    )


def western_electric(
    chart: Chart,
    *,
    run_length: int = DEFAULT_RUN_LENGTH,
    trend_length: int = DEFAULT_TREND_LENGTH,
) -> list[Signal]:
    """The special-cause signals in a chart, ordered by the point at which each was detected.

    Rule 1: one point beyond 3σ. Rule 2: two of three consecutive points beyond 2σ on one side.
    Rule 3: four of five beyond 1σ on one side. Rule 4: `run_length` points in a row on one side
    of the centre (8 in Montgomery and AIAG, 9 in Nelson). Trend: `trend_length` points in a row
    each higher (or each lower) than the one before. A point exactly on the centre line breaks a
    run. Overlapping firings of one rule in one direction are one signal (one episode for the
    manager to look at), covering every point involved; rule 1 gives one signal per point.
    """
    if run_length < 2:
        raise SpcError(gettext_noop("A run needs at least 2 points."))
    if trend_length < 3:
        raise SpcError(gettext_noop("A trend needs at least 3 points."))
    points = chart.points
    signals: list[Signal] = []
    for point in points:
        if point.zone is Zone.BEYOND:
            direction = Direction.UP if point.side is Side.ABOVE else Direction.DOWN
            signals.append(Signal(Rule.BEYOND_LIMITS, direction, (point.index,), point.index))
    for direction in Direction:
        side = Side.ABOVE if direction is Direction.UP else Side.BELOW
        signals += _windows(
            points,
            Rule.TWO_OF_THREE,
            direction,
            width=3,
            involved=partial(_beyond, side=side, zone=Zone.A),
            enough=2,
        )
        signals += _windows(
            points,
            Rule.FOUR_OF_FIVE,
            direction,
            width=5,
            involved=partial(_beyond, side=side, zone=Zone.B),
            enough=4,
        )
        signals += _windows(
            points,
            Rule.RUN,
            direction,
            width=run_length,
            involved=partial(_beyond, side=side, zone=Zone.C),
            enough=run_length,
            count=run_length,
        )
        signals += _windows(
            points,
            Rule.TREND,
            direction,
            width=trend_length,
            involved=partial(_monotonic, direction=direction),
            enough=trend_length,
            count=trend_length,
        )
    signals.sort(key=lambda s: (s.detected_at, _RULE_ORDER[s.rule], s.direction, s.indices))
    return signals


def _counts(counts: Sequence[int]) -> list[int]:
    if not counts:
        raise SpcError(gettext_noop("A control chart needs at least one point."))
    for index, count in enumerate(counts):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise SpcError(
                gettext_noop("Point %(index)d: a count must be a whole number, 0 or more."),
                index=index + 1,
            )
    return list(counts)


def _exposure(value: float | Decimal, index: int) -> Fraction:
    if isinstance(value, Decimal):
        finite = value.is_finite()
    else:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        finite = number and math.isfinite(value)
    if not finite:
        raise SpcError(
            gettext_noop("Point %(index)d: the exposure must be a number."), index=index + 1
        )
    exact = Fraction(value)
    if exact <= 0:
        raise SpcError(
            gettext_noop("Point %(index)d: the exposure must be more than 0."), index=index + 1
        )
    return exact


def _chart(
    kind: ChartKind,
    counts: list[int],
    exposures: list[Fraction],
    *,
    baseline: int | None,
    run_length: int,
    trend_length: int,
) -> Chart:
    size = len(counts) if baseline is None else baseline
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= len(counts):
        raise SpcError(
            gettext_noop("The baseline must be between 1 and %(points)d points."),
            points=len(counts),
        )
    # Σc / Σn is the pooled rate: each period weighs by its exposure, as Montgomery's ū does.
    centre = Fraction(sum(counts[:size])) / sum(exposures[:size])
    points = tuple(
        _point(index, count, exposure, centre)
        for index, (count, exposure) in enumerate(zip(counts, exposures, strict=True))
    )
    chart = Chart(kind=kind, centre=float(centre), baseline=size, points=points, signals=())
    signals = western_electric(chart, run_length=run_length, trend_length=trend_length)
    return replace(chart, signals=tuple(signals))


def _point(index: int, count: int, exposure: Fraction, centre: Fraction) -> Point:
    value = count / exposure
    variance = centre / exposure  # Poisson: variance of c/n is λ/n
    deviation = value - centre
    # Exact comparison: |d| > kσ  ⇔  d² > k²σ², so a point on a limit is never "beyond" it.
    level = sum(1 for k in (1, 2, 3) if deviation * deviation > k * k * variance)
    sigma = math.sqrt(variance)
    if deviation == 0:
        z = 0.0
    elif sigma == 0:
        z = math.copysign(math.inf, deviation)
    else:
        z = float(deviation) / sigma
    side = Side.ON if deviation == 0 else Side.ABOVE if deviation > 0 else Side.BELOW
    return Point(
        index=index,
        count=count,
        exposure=float(exposure),
        value=float(value),
        centre=float(centre),
        lcl=max(0.0, float(centre) - 3 * sigma),
        ucl=float(centre) + 3 * sigma,
        sigma=sigma,
        z=z,
        zone=_ZONES[level],
        side=side,
    )


def _beyond(window: Sequence[Point], side: Side, zone: Zone) -> list[int]:
    floor = _ZONES.index(zone)
    return [p.index for p in window if p.side is side and _ZONES.index(p.zone) >= floor]


def _monotonic(window: Sequence[Point], direction: Direction) -> list[int]:
    pairs = list(itertools.pairwise(window))
    if direction is Direction.UP:
        steady = all(later.value > earlier.value for earlier, later in pairs)
    else:
        steady = all(later.value < earlier.value for earlier, later in pairs)
    return [p.index for p in window] if steady else []


def _windows(
    points: Sequence[Point],
    rule: Rule,
    direction: Direction,
    *,
    width: int,
    involved: Callable[[Sequence[Point]], list[int]],
    enough: int,
    count: int | None = None,
) -> list[Signal]:
    """Slide a window of `width` points; where at least `enough` points are involved the rule
    fires, and a firing that shares a point with the previous one extends it."""
    found: list[Signal] = []
    for end in range(width - 1, len(points)):
        hits = involved(points[end - width + 1 : end + 1])
        if len(hits) < enough:
            continue
        if found and set(hits) & set(found[-1].indices):
            last = found[-1]
            merged = tuple(sorted(set(last.indices) | set(hits)))
            found[-1] = Signal(rule, direction, merged, last.detected_at, count)
        else:
            found.append(Signal(rule, direction, tuple(hits), hits[-1], count))
    return found
