"""The Vega-Lite definition of a control chart, for the page and the printed report (ISO 10002 8.2).

One definition (altair): the monthly values as a line with points, the centre line, the upper and
lower control limits as step lines (a u-chart's limits move with each month's customers), and the
points that belong to a special-cause signal marked. The page draws it with vega-embed and
``sori.analytics.charts.render_svg`` / ``render_png`` draw the same definition without a browser.
Titles and labels are in the reader's language.
"""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sori.analytics.charts import FONT_FAMILY, HEIGHT, LINE_COLOUR, WIDTH
from sori.analytics.control_charts import Series

VALUE_COLOUR = "#4c78a8"
LIMIT_COLOUR = "#72727a"
CENTRE_COLOUR = "#54a24b"


def _value_title(series: Series) -> str:
    if series.kind == "u":
        return _("Complaints per 1,000 customers")
    return _("Complaints")


def control_chart_spec(series: Series) -> dict[str, Any]:
    """The Vega-Lite specification of one series' control chart."""
    month, value = _("Month"), _value_title(series)
    centre, ucl, lcl = _("Centre line"), _("Upper control limit"), _("Lower control limit")
    records = [
        {
            "month": point.month.isoformat(),
            "value": round(point.value, 4),
            "count": point.count,
            "centre": round(point.centre, 4),
            "ucl": round(point.ucl, 4),
            "lcl": round(point.lcl, 4),
            "signal": point.signalled,
        }
        for point in series.points
    ]
    x = alt.X("month:T", title=month, timeUnit="yearmonth", axis=alt.Axis(format="%Y-%m"))
    tooltip = [
        alt.Tooltip("month:T", title=month, format="%Y-%m"),
        alt.Tooltip("count:Q", title=_("Complaints")),
        # A c-chart plots the count itself; a u-chart the rate per 1,000 customers.
        *([alt.Tooltip("value:Q", title=value, format=",.2f")] if series.kind == "u" else []),
        alt.Tooltip("centre:Q", title=centre, format=",.2f"),
        alt.Tooltip("lcl:Q", title=lcl, format=",.2f"),
        alt.Tooltip("ucl:Q", title=ucl, format=",.2f"),
    ]
    base = alt.Chart(alt.Data(values=records)).encode(x=x)
    limits = [
        base.mark_line(interpolate="step", color=LIMIT_COLOUR, strokeDash=[6, 3]).encode(
            y=alt.Y(f"{name}:Q", title=value)
        )
        for name in ("ucl", "lcl")
    ]
    centre_line = base.mark_line(interpolate="step", color=CENTRE_COLOUR).encode(
        y=alt.Y("centre:Q", title=value)
    )
    values = base.mark_line(
        color=VALUE_COLOUR, point=alt.OverlayMarkDef(color=VALUE_COLOUR)
    ).encode(y=alt.Y("value:Q", title=value), tooltip=tooltip)
    # Signalled points stand out by shape and size as well as colour (not by colour alone).
    signals = (
        base.transform_filter(alt.datum.signal)
        .mark_point(shape="diamond", size=140, filled=True, color=LINE_COLOUR)
        .encode(y=alt.Y("value:Q", title=value), tooltip=tooltip)
    )
    chart = alt.layer(*limits, centre_line, values, signals).properties(width=WIDTH, height=HEIGHT)
    title = f"{series.label} — {series.kind_label}"
    flagged = sum(1 for point in series.points if point.signalled)
    description = ngettext(
        "Control chart of %(what)s from %(first)s to %(last)s: the monthly values as a blue "
        "line, the centre line in green, the upper and lower control limits as grey dashed "
        "lines; %(flagged)d point belongs to a special-cause signal (a red diamond).",
        "Control chart of %(what)s from %(first)s to %(last)s: the monthly values as a blue "
        "line, the centre line in green, the upper and lower control limits as grey dashed "
        "lines; %(flagged)d points belong to a special-cause signal (red diamonds).",
        flagged,
    ) % {
        "what": series.label,
        "first": f"{series.points[0].month:%Y-%m}" if series.points else "",
        "last": f"{series.points[-1].month:%Y-%m}" if series.points else "",
        "flagged": flagged,
    }
    spec: dict[str, Any] = chart.to_dict()
    spec["title"] = title
    spec["description"] = description
    spec["config"] = {
        "font": FONT_FAMILY,
        "axis": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY, "labelFontSize": 11},
        "legend": {"labelFont": FONT_FAMILY, "titleFont": FONT_FAMILY},
        "title": {"font": FONT_FAMILY},
        "view": {"stroke": None},
    }
    return spec
