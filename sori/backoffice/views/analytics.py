"""The analysis dashboard: KPIs, trends, Paretos, ageing, SLA, satisfaction (ISO 10002 8.2–8.4).

Every staff role may open it; what each person sees is bounded by their scope, because every
table comes from a selector in ``sori.analytics.dashboards`` that starts from the viewer's
complaints. The same GET filters drive the page, each table's CSV/XLSX export and each chart's
SVG/PNG, so a downloaded file shows what the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from sori.analytics.charts import chart_spec, render_png, render_svg
from sori.analytics.dashboards import TABLES
from sori.analytics.exports import cell_text, table_csv, table_xlsx
from sori.analytics.filters import AnalyticsFilter, filtered, time_zone
from sori.analytics.tables import Column, Table
from sori.backoffice.auth import StaffRequest, staff_required
from sori.backoffice.errors import add_form_errors
from sori.backoffice.forms.analytics import AnalyticsFilterForm
from sori.complaints.queue import filter_choices
from sori.complaints.scope import SCOPED_ROLES
from sori.core import clock
from sori.core.errors import InvalidInput

NUMERIC = frozenset({"int", "float", "percent", "days", "money"})
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
}


@dataclass(frozen=True)
class Cell:
    text: str
    value: str  # what the CSV holds for this cell
    numeric: bool
    url: str | None = None


@dataclass(frozen=True)
class ChartBlock:
    id: str
    spec_id: str
    spec: dict[str, Any]
    caption: str
    svg_url: str
    png_url: str


@dataclass(frozen=True)
class Header:
    label: str
    numeric: bool


@dataclass(frozen=True)
class Section:
    table: Table
    header: list[Header]
    rows: list[list[Cell]]
    csv_url: str
    xlsx_url: str
    chart: ChartBlock | None


def _shown(value: Any, column: Column) -> str:
    """A cell as the page shows it, in the person's language (grouping, per cent signs)."""
    if value is None:
        return "—"
    if column.kind in NUMERIC and isinstance(value, int | float):
        text = number_format(value, force_grouping=True)
        return f"{text}%" if column.kind == "percent" else text
    return cell_text(value, column)


def _filter(request: StaffRequest) -> tuple[AnalyticsFilterForm, AnalyticsFilter | None]:
    """The bound filter form, and the filter when it is valid (codes and period checked)."""
    today = clock.now().astimezone(time_zone()).date()
    form = AnalyticsFilterForm(
        AnalyticsFilterForm.with_defaults(request.GET, today),
        choices=filter_choices(viewer=request.actor),
    )
    if not form.is_valid():
        return form, None
    spec = form.to_filter()
    try:
        filtered(request.actor, spec)  # refuses a bad period or an unknown code
    except InvalidInput as error:
        add_form_errors(form, error)
        return form, None
    return form, spec


def _query(spec: AnalyticsFilter) -> str:
    query = QueryDict(mutable=True)
    query["from"], query["to"] = spec.period_from.isoformat(), spec.period_to.isoformat()
    for key in ("unit", "category", "channel", "product", "customers"):
        value = getattr(spec, key)
        if value:
            query[key] = str(value)
    return query.urlencode()


def _section(table: Table, query: str) -> Section:
    queue = reverse("backoffice:queue")
    rows = []
    for index, row in enumerate(table.rows):
        cells = []
        for column in table.columns:
            value = row.get(column.key)
            link = table.link(index, column.key)
            cells.append(
                Cell(
                    text=_shown(value, column),
                    value=cell_text(value, column),
                    numeric=column.kind in NUMERIC,
                    url=f"{queue}?{link}" if link is not None else None,
                )
            )
        rows.append(cells)

    def url(name: str, fmt: str) -> str:
        return reverse(name, kwargs={"table": table.key, "fmt": fmt}) + f"?{query}"

    spec = chart_spec(table) if table.rows else None
    chart = (
        ChartBlock(
            id=f"chart-{table.key}",
            spec_id=f"chart-{table.key}-spec",
            spec=spec,
            caption=str(table.title),
            svg_url=url("backoffice:analytics-chart", "svg"),
            png_url=url("backoffice:analytics-chart", "png"),
        )
        if spec is not None
        else None
    )
    return Section(
        table=table,
        header=[Header(str(c.label), c.kind in NUMERIC) for c in table.columns],
        rows=rows,
        csv_url=url("backoffice:analytics-export", "csv"),
        xlsx_url=url("backoffice:analytics-export", "xlsx"),
        chart=chart,
    )


def _page(
    request: StaffRequest, form: AnalyticsFilterForm, sections: list[Section], status: int = 200
) -> HttpResponse:
    kpi = next((s for s in sections if s.table.key == "kpis"), None)
    context = {
        "form": form,
        "kpi": kpi,
        "kpi_rows": list(zip(kpi.table.rows, kpi.rows, strict=True)) if kpi else [],
        "sections": [s for s in sections if s.table.key != "kpis"],
        "scoped": request.actor.role in SCOPED_ROLES,
        "has_errors": bool(form.errors),
    }
    return render(request, "backoffice/analytics/dashboard.html", context, status=status)


@require_GET
@staff_required
def dashboard(request: StaffRequest) -> HttpResponse:
    form, spec = _filter(request)
    if spec is None:
        return _page(request, form, [], status=400)
    query = _query(spec)
    sections = [_section(select(request.actor, spec), query) for select in TABLES.values()]
    return _page(request, form, sections)


def _one(request: StaffRequest, key: str) -> tuple[Table | None, AnalyticsFilter | None, Any]:
    if key not in TABLES:
        raise Http404
    form, spec = _filter(request)
    if spec is None:
        return None, None, form
    return TABLES[key](request.actor, spec), spec, form


def _download(body: bytes, fmt: str, name: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    return response


def _file_name(table: Table, spec: AnalyticsFilter) -> str:
    return f"sori-{table.key}-{spec.period_from.isoformat()}-{spec.period_to.isoformat()}"


@require_GET
@staff_required
def export(request: StaffRequest, table: str, fmt: str) -> HttpResponse:
    """One table as CSV or XLSX, for the page's filters."""
    found, spec, form = _one(request, table)
    if found is None or spec is None:
        return _page(request, form, [], status=400)
    body = table_csv(found) if fmt == "csv" else table_xlsx(found)
    return _download(body, fmt, _file_name(found, spec), attachment=True)


@require_GET
@staff_required
def chart(request: StaffRequest, table: str, fmt: str) -> HttpResponse:
    """One table's chart as SVG or PNG (for printed reports), for the page's filters."""
    found, spec, form = _one(request, table)
    if found is None or spec is None:
        return _page(request, form, [], status=400)
    vega = chart_spec(found)
    if vega is None:
        raise Http404
    body = render_svg(vega) if fmt == "svg" else render_png(vega)
    return _download(body, fmt, _file_name(found, spec), attachment=False)
