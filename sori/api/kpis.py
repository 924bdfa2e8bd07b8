"""``GET /api/v1/kpis``: the KPI catalogue's values for a period (ISO 10002 8.4, 6.2).

Thin: the query is shaped here; ``sori.analytics.kpis.kpis`` validates the period and filters
and computes every value, so the API gives the same numbers as the pages.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from sori.analytics.kpis import KpiReport, kpis
from sori.api.auth import staff_token
from sori.api.problems import openapi_problems

router = Router(tags=["analytics"])


class KpiFilters(Schema):
    from_: dt.date = NinjaField(..., alias="from", description="First day (YYYY-MM-DD).")
    to: dt.date = NinjaField(..., description="Last day (YYYY-MM-DD), at most five years on.")
    unit: str | None = NinjaField(None, max_length=40, description="A unit's code.")
    category: str | None = NinjaField(
        None, max_length=60, description="A category's code (its sub-categories included)."
    )
    channel: str | None = NinjaField(None, max_length=12)
    customers: int | None = NinjaField(
        None, ge=1, description="Customers in the period, for complaints per 1,000 customers."
    )


class KpiOut(Schema):
    code: str
    name: str
    value: float | None
    unit: str
    numerator: float | None
    denominator: float | None
    target: float | None
    status: str = NinjaField(description="met, not_met or none.")
    available: bool
    direction: str
    formula: str
    iso_clause: str
    owner_role: str


class KpiReportOut(Schema):
    period_from: dt.date
    period_to: dt.date
    time_zone: str
    unit: str | None
    category: str | None
    channel: str | None
    customers: int | None
    kpis: list[KpiOut]


@router.get(
    "/kpis",
    auth=[staff_token],
    response=KpiReportOut,
    url_name="kpis",
    summary="KPIs for a period (staff)",
    openapi_extra=openapi_problems(401, 403, 422),
)
def read_kpis(request: HttpRequest, filters: Query[KpiFilters]) -> KpiReport:
    """Every KPI over the complaints the caller may see; the days are counted in the
    organisation's time zone. Refusals: 422 ``invalid`` (shape), ``invalid_period``,
    ``period_too_long``, ``unknown_unit``, ``unknown_category``, ``unknown_channel``."""
    return kpis(
        viewer=request.auth,  # type: ignore[attr-defined]
        period_from=filters.from_,
        period_to=filters.to,
        unit=filters.unit,
        category=filters.category,
        channel=filters.channel,
        customers=filters.customers,
    )
