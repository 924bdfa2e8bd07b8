"""The dashboard's KPI table: the catalogue's values for the filter, in words a reader follows
(ISO 10002 8.4). The values are ``sori.analytics.kpis``'s, so the table, the API and the objectives
show one number."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sori.analytics.filters import AnalyticsFilter
from sori.analytics.kpis import KpiValue, kpis
from sori.analytics.tables import Column, Table
from sori.core.actors import Actor


def kpi_table(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """The KPI catalogue's values for the filter, as ``sori.analytics.kpis`` gives them (8.4)."""
    report = kpis(
        viewer=viewer,
        period_from=spec.period_from,
        period_to=spec.period_to,
        unit=spec.unit or None,
        category=spec.category or None,
        channel=spec.channel or None,
        product=spec.product or None,
        customers=spec.customers,
    )
    words = {"met": _("target met"), "not_met": _("target not met"), "none": _("no target")}
    table_rows = [
        {
            "code": kpi.code,
            "name": kpi.name,
            "value": kpi.value,
            "unit": MEASURES[kpi.unit]() if kpi.unit in MEASURES else kpi.unit,
            "target": kpi.target,
            "status": _status_words(kpi, words),
            "formula": kpi.formula,
            "iso_clause": kpi.iso_clause,
            "measure": kpi.unit,
            "status_code": kpi.status,
        }
        for kpi in report.kpis
    ]
    return Table(
        key="kpis",
        title=_("Key performance indicators"),
        columns=[
            Column("name", _("Indicator"), "text"),
            Column("value", _("Value"), "float"),
            Column("unit", pgettext("unit of measure", "Unit"), "text"),
            Column("target", _("Target"), "float"),
            Column("status", _("Result"), "text"),
            Column("formula", _("Formula"), "text"),
            Column("iso_clause", _("ISO 10002 clause"), "text"),
        ],
        rows=table_rows,
        note=_("Targets are the catalogue's defaults until objectives are set."),
    )


def _status_words(kpi: KpiValue, words: dict[str, str]) -> str:
    if not kpi.available:
        return _("not available")
    if kpi.value is None:
        return _("no data in the period")
    return words[kpi.status]


MEASURES: dict[str, Callable[[], str]] = {
    "count": lambda: "",
    "percent": lambda: "%",
    "days": lambda: _("days"),
    "score": lambda: _("score (1–5)"),
    "money": lambda: _("won"),
    "per_1000_customers": lambda: _("per 1,000 customers"),
}
