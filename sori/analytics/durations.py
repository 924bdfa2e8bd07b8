"""Elapsed time between two timestamps, and its percentiles, computed by the database (ISO 10002 8.4).

PostgreSQL has ``percentile_cont``; SQLite has none, so there the value is read with one
``ORDER BY … LIMIT 2 OFFSET k`` query per percentile around the interpolation point — the same
definition (linear interpolation between the two closest ranks), so both engines agree.
Nothing loads the rows into Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.db import connections
from django.db.models import Aggregate, F, FloatField, Func, QuerySet

SECONDS_PER_DAY = 86_400.0


class Seconds(Func):
    """``end − start`` in seconds, as a float."""

    output_field = FloatField()
    arity = 2
    # SQLite keeps timestamps as ISO text in UTC; julianday() reads that format.
    template = "((julianday(%(expressions)s)) * 86400.0)"
    arg_joiner = ") - julianday("

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)",
            arg_joiner=" - ",
            **extra,
        )


def seconds_between(start: str, end: str) -> Seconds:
    return Seconds(F(end), F(start))


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles(
    rows: QuerySet[Any], expression: Func, fractions: Iterable[float]
) -> dict[float, float | None]:
    """Each fraction's interpolated percentile of ``expression`` over ``rows`` (None if empty)."""
    fractions = tuple(fractions)
    rows = rows.order_by()
    if connections[rows.db].vendor == "postgresql":
        names = {f"p{i}": fraction for i, fraction in enumerate(fractions)}
        found = rows.aggregate(
            **{name: PercentileCont(expression, fraction) for name, fraction in names.items()}
        )
        return {fraction: found[name] for name, fraction in names.items()}
    ordered = rows.annotate(_value=expression).filter(_value__isnull=False).order_by("_value")
    count = ordered.count()
    answer: dict[float, float | None] = {}
    for fraction in fractions:
        if count == 0:
            answer[fraction] = None
            continue
        position = fraction * (count - 1)
        low = math.floor(position)
        values = list(ordered.values_list("_value", flat=True)[low : low + 2])
        below = values[0]
        above = values[1] if len(values) > 1 else below
        answer[fraction] = below + (above - below) * (position - low)
    return answer
