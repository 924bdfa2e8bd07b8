"""Elapsed time between two timestamps, and its percentiles, computed by the database (ISO 10002 8.4).

PostgreSQL has ``percentile_cont``; SQLite has none, so there one query numbers the values in
order (``ROW_NUMBER``) and returns the two ranks around each interpolation point — the same
definition (linear interpolation between the two closest ranks), so both engines agree.
Nothing loads the rows into Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
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
    values = rows.annotate(_value=expression).filter(_value__isnull=False).values_list("_value")
    try:
        inner, params = values.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing, such as ``.none()``
        return dict.fromkeys(fractions)
    # One sort for every fraction: number the values in order, keep the ranks on either side of
    # each interpolation point. (The SQL is Django's own query, wrapped; its parameters stay bound.)
    wanted = " OR ".join(
        f"(r = CAST({fraction!r} * (n - 1) AS INTEGER) OR r = CAST({fraction!r} * (n - 1) AS INTEGER) + 1)"
        for fraction in fractions
    )
    sql = (
        "SELECT r, n, v FROM (SELECT _value AS v, ROW_NUMBER() OVER (ORDER BY _value) - 1 AS r, "  # noqa: S608
        f"COUNT(*) OVER () AS n FROM ({inner}) AS inner_values) AS ranked WHERE {wanted}"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        ranked = {rank: (count, value) for rank, count, value in cursor.fetchall()}
    answer: dict[float, float | None] = {}
    for fraction in fractions:
        if not ranked:
            answer[fraction] = None
            continue
        count = next(iter(ranked.values()))[0]
        position = fraction * (count - 1)
        low = math.floor(position)
        below = ranked[low][1]
        above = ranked[low + 1][1] if low + 1 in ranked else below
        answer[fraction] = below + (above - below) * (position - low)
    return answer
