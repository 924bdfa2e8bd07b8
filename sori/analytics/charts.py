"""One chart definition per kind of table, for the page and for printed reports (ISO 10002 8.2).

``chart_spec(table)`` builds a Vega-Lite specification with altair from a ``Table``; the back
office draws it in the browser with vega-embed, and ``render_svg`` / ``render_png`` draw the very
same specification without a browser (vl-convert), so a printed report shows what the page shows.
Korean labels need a Korean font in PNG: the font directory is registered once with vl-convert
(``SORI_CHART_FONT_DIR``, or Debian's fonts-nanum), and the spec names the family.

Control charts (u and c charts) reuse ``render_svg``/``render_png`` with their own specs.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert
from django.conf import settings
from django.utils.translation import gettext as _

from sori.analytics.tables import Table

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/nanum"
# The first family is the bundled Korean font; browsers without it fall back to their own.
FONT_FAMILY = "NanumGothic, 'Noto Sans CJK KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif"
WIDTH = 560
HEIGHT = 260
# Colour-blind-safe pair from the Tableau 10 scheme, as Vega's default uses.
BAR_COLOUR = "#4c78a8"
LINE_COLOUR = "#e45756"
# Counts of complaints are whole numbers: no 0.5 ticks.
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")

# The browser draws with the vendored Vega-Lite 5 (sori/static/vendor/vega); altair writes the
# newest schema, so the specs say v5 and vl-convert renders them with its newest 5.x: the page
# and the printed report draw the same chart.
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

_fonts_lock = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    """Tell vl-convert where the Korean font is, once per process."""
    global _fonts_registered
    if _fonts_registered:
        return
    with _fonts_lock:
        if _fonts_registered:
            return
        directory = str(getattr(settings, "SORI_CHART_FONT_DIR", "") or DEFAULT_FONT_DIR)
        if Path(directory).is_dir():
            vl_convert.register_font_directory(directory)
        _fonts_registered = True


def _plain(value: Any) -> Any:
    """A value as JSON can carry it (dates as ISO text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | float | str) or value is None:
        return value
    return float(value) if hasattr(value, "__float__") else str(value)


def _cell(table: Table, key: str, value: Any) -> Any:
    # Months and weeks go on an ordinal axis as text: a browser would read an ISO date as UTC
    # midnight and draw it in its own time zone, a day (and a month) early west of Greenwich.
    if isinstance(value, dt.date) and table.column(key).kind == "month":
        return value.strftime("%Y-%m")
    return _plain(value)


def _records(table: Table, keys: list[str]) -> list[dict[str, Any]]:
    return [{key: _cell(table, key, row.get(key)) for key in keys} for row in table.rows]


def _label(table: Table, key: str) -> str:
    return str(table.column(key).label)


# Checking each spec against the Vega-Lite schema costs more than computing the dashboard's
# figures; the specs come from the fixed builders below, which the tests check with this on
# (tests/integration/analytics/test_figures_dashboards.py).
VALIDATE = False


def _config(chart: alt.TopLevelMixin, table: Table, description: str) -> dict[str, Any]:
    spec: dict[str, Any] = chart.properties(description=description).to_dict(validate=VALIDATE)
    spec["config"] = {
        "font": FONT_FAMILY,
        "axis": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY, "labelFontSize": 11},
        "legend": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY},
        "title": {"font": FONT_FAMILY},
        "view": {"stroke": None},
    }
    spec["title"] = str(table.title)
    spec["description"] = description
    spec["$schema"] = SCHEMA
    return spec


def _trend(table: Table) -> dict[str, Any]:
    # Long form with translated series names, so the legend reads in the person's language.
    series = [(key, _label(table, key)) for key in ("received", "closed", "open")]
    values = [
        {
            "period": _cell(table, "period", row["period"]),
            "series": name,
            "count": row.get(key) or 0,
        }
        for row in table.rows
        for key, name in series
    ]
    periods = [_cell(table, "period", row["period"]) for row in table.rows]
    period = _label(table, "period")
    count = _("Complaints")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=period, sort=periods, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("count:Q", title=count, axis=COUNT_AXIS),
            color=alt.Color(
                "series:N",
                title=_("Series"),
                sort=[name for _key, name in series],
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("period:O", title=period),
                alt.Tooltip("series:N", title=_("Series")),
                alt.Tooltip("count:Q", title=count),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    description = _(
        "Line chart of complaints received, closed and still open in each period, "
        "from %(first)s to %(last)s."
    ) % {
        "first": periods[0] if periods else "",
        "last": periods[-1] if periods else "",
    }
    return _config(chart, table, description)


def _pareto(table: Table) -> dict[str, Any]:
    values = _records(table, ["label", "count", "cumulative"])
    label, count, cumulative = (_label(table, key) for key in ("label", "count", "cumulative"))
    order = [row["label"] for row in values]  # already sorted by count, largest first
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("label:N", title=label, sort=order, axis=alt.Axis(labelAngle=-40, labelLimit=140))
    )
    bars = base.mark_bar(color=BAR_COLOUR).encode(
        y=alt.Y("count:Q", title=count, axis=COUNT_AXIS),
        tooltip=[
            alt.Tooltip("label:N", title=label),
            alt.Tooltip("count:Q", title=count),
            alt.Tooltip("cumulative:Q", title=cumulative, format=".1f"),
        ],
    )
    line = base.mark_line(color=LINE_COLOUR, point=alt.OverlayMarkDef(color=LINE_COLOUR)).encode(
        y=alt.Y(
            "cumulative:Q",
            title=cumulative,
            scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(titleColor=LINE_COLOUR),
        ),
    )
    chart = (
        alt.layer(bars, line).resolve_scale(y="independent").properties(width=WIDTH, height=HEIGHT)
    )
    top = values[0] if values else None
    description = _(
        "Pareto chart: bars give the number of complaints per %(what)s, largest first; "
        "the line gives the cumulative share in per cent."
    ) % {"what": label}
    if top is not None:
        description += " " + _("The largest is %(name)s with %(count)s complaints.") % {
            "name": top["label"],
            "count": top["count"],
        }
    return _config(chart, table, description)


def _bars(
    table: Table, category: str, value: str, *, percent: bool = False, sort: bool = False
) -> dict[str, Any]:
    values = _records(table, [category, value])
    category_label, value_label = _label(table, category), _label(table, value)
    order = [row[category] for row in values]
    y = alt.Y(
        f"{value}:Q",
        title=value_label,
        scale=alt.Scale(domain=[0, 100]) if percent else alt.Undefined,
        axis=alt.Undefined if percent else COUNT_AXIS,
    )
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X(
                f"{category}:N",
                title=category_label,
                sort="-y" if sort else order,
                axis=alt.Axis(labelAngle=0 if len(values) <= 6 else -40, labelLimit=140),
            ),
            y=y,
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_label),
                alt.Tooltip(f"{value}:Q", title=value_label, format=".1f" if percent else ","),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    description = _("Bar chart of %(value)s by %(category)s.") % {
        "value": value_label,
        "category": category_label,
    }
    return _config(chart, table, description)


def _ageing(table: Table) -> dict[str, Any]:
    return _bars(table, "bucket", "count")


def _sla(table: Table) -> dict[str, Any]:
    return _bars(table, "stage", "percent_met", percent=True)


def _channels(table: Table) -> dict[str, Any]:
    return _bars(table, "channel", "count", sort=True)


def _satisfaction(table: Table) -> dict[str, Any]:
    values = [row for row in _records(table, ["month", "average"]) if row["average"] is not None]
    months = [_cell(table, "month", row["month"]) for row in table.rows]
    month, average = _label(table, "month"), _label(table, "average")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, color=BAR_COLOUR)
        .encode(
            x=alt.X("month:O", title=month, sort=months, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("average:Q", title=average, scale=alt.Scale(domain=[1, 5])),
            tooltip=[
                alt.Tooltip("month:O", title=month),
                alt.Tooltip("average:Q", title=average, format=".2f"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    description = _(
        "Line chart of the average satisfaction score (1 to 5) of survey answers in each month."
    )
    return _config(chart, table, description)


BUILDERS: dict[str, Callable[[Table], dict[str, Any]]] = {
    "trend": _trend,
    "categories": _pareto,
    "root_causes": _pareto,
    "ageing": _ageing,
    "sla": _sla,
    "satisfaction": _satisfaction,
    "channels": _channels,
}


def chart_spec(table: Table) -> dict[str, Any] | None:
    """The Vega-Lite specification for a table, or None when the table has no chart."""
    builder = BUILDERS.get(table.key)
    if builder is None:
        return None
    return builder(table)


def _vl_version(spec: dict[str, Any]) -> str | None:
    """The vl-convert Vega-Lite version for the spec's schema (its newest 5.x for a v5 spec)."""
    schema = str(spec.get("$schema", ""))
    if "/vega-lite/v5" not in schema:
        return None
    fives = [v for v in vl_convert.get_vegalite_versions() if v.startswith("5.")]
    return max(fives, key=lambda v: tuple(int(part) for part in v.split("."))) if fives else None


def render_svg(spec: dict[str, Any]) -> bytes:
    """The chart as an SVG document (text stays text, so it can be searched and read)."""
    _register_fonts()
    plain = json.loads(json.dumps(spec))
    return vl_convert.vegalite_to_svg(plain, vl_version=_vl_version(plain)).encode("utf-8")


def render_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    """The chart as a PNG image at ``scale`` times its size (2 for print)."""
    _register_fonts()
    plain = json.loads(json.dumps(spec))
    return bytes(vl_convert.vegalite_to_png(plain, vl_version=_vl_version(plain), scale=scale))
