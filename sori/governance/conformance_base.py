"""The pieces every conformance rule uses (ISO 10002 4.1; R-4.1.1): the status of a clause's
evidence, the links to the records behind it, and the period being looked at.

A rule answers a ``Finding`` for one clause: ``present`` (the records are there and recent),
``stale`` (there, but older than the staleness limit or below the threshold the rule names) or
``missing`` (no record, or a record kept outside Sori). Links are URL *names* with arguments
and a query, never URLs: the domain layer does not know the back office, the page reverses them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sori.accounts.models import Role
from sori.analytics.filters import period_bounds, time_zone
from sori.analytics.kpis import KpiReport, KpiValue, kpis
from sori.core.actors import Actor, ActorKind

# ISO 10002 8.5, 8.6, 5.2: an audit, a review or a policy approval older than this, counted
# back from the end of the period, no longer shows that the process is looked after.
STALE_AFTER_MONTHS = 12
# ISO 10002 5.3, 6.4 and the record-keeping shares: below this share the evidence is "stale".
SHARE_THRESHOLD = 80.0


class Status(StrEnum):
    PRESENT = "present"
    STALE = "stale"
    MISSING = "missing"


STATUS_LABELS = {
    Status.PRESENT: gettext_lazy("present"),
    Status.STALE: gettext_lazy("stale or short"),
    Status.MISSING: gettext_lazy("missing"),
}
_RANK = {Status.PRESENT: 0, Status.STALE: 1, Status.MISSING: 2}


def worst(*statuses: Status) -> Status:
    return max(statuses, key=_RANK.__getitem__) if statuses else Status.PRESENT


@dataclass(frozen=True)
class Link:
    """A page to open: a back-office URL name (no namespace), its arguments and query."""

    name: str
    label: str
    args: tuple[str | int, ...] = ()
    query: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "label": self.label, "args": list(self.args),
                "query": dict(self.query)}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    status: Status
    summary: str
    details: dict[str, str] = field(default_factory=dict)
    links: tuple[Link, ...] = ()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the last day of that month when it is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months ending today."""
    return months_before(today, 12) + dt.timedelta(days=1), today


def percent(part: float, whole: float) -> float | None:
    return None if not whole else round(part * 100.0 / whole, 1)


def show_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def show_date(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, dt.datetime):
        return moment.astimezone(time_zone()).date().isoformat()
    return moment.isoformat()


def oversight_reader(viewer: Actor) -> Actor:
    """The viewer, or for the command line (a system actor) an actor with the auditor's eyes.

    Some governance selectors (objectives) are written for staff; the auditor role reads every
    record and changes nothing (8.5), which is what the map and the pack need from the CLI.
    """
    if viewer.kind is ActorKind.SYSTEM:
        return Actor(kind=ActorKind.STAFF, label=viewer.label, role=Role.AUDITOR.value)
    return viewer


@dataclass
class Context:
    """What a rule reads: the viewer, the period (whole days in the organisation's zone)."""

    viewer: Actor
    period_from: dt.date
    period_to: dt.date

    @cached_property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return period_bounds(self.period_from, self.period_to)

    @property
    def start(self) -> dt.datetime:
        return self.bounds[0]

    @property
    def end(self) -> dt.datetime:
        return self.bounds[1]

    @cached_property
    def reader(self) -> Actor:
        return oversight_reader(self.viewer)

    @cached_property
    def stale_before(self) -> dt.date:
        """A record dated before this day is stale (``STALE_AFTER_MONTHS`` before the end)."""
        return months_before(self.period_to, STALE_AFTER_MONTHS)

    def is_stale(self, moment: dt.datetime) -> bool:
        """Whether a record made at ``moment`` is older than the staleness limit."""
        return moment.astimezone(time_zone()).date() < self.stale_before

    @cached_property
    def report(self) -> KpiReport:
        return kpis(viewer=self.viewer, period_from=self.period_from, period_to=self.period_to)

    def kpi(self, code: str) -> KpiValue:
        return self.report.by_code()[code]

    def in_period(self, column: str) -> dict[str, dt.datetime]:
        return {f"{column}__gte": self.start, f"{column}__lt": self.end}

    @cached_property
    def period_query(self) -> tuple[tuple[str, str], ...]:
        return (("from", self.period_from.isoformat()), ("to", self.period_to.isoformat()))


def active_staff() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True, staff_profile__isnull=False)


def kpi_finding(ctx: Context, code: str, *, extra: dict[str, str] | None = None) -> Finding:
    """A clause whose evidence is one KPI: missing without a value, stale when it misses its
    target (the catalogue's default target, as on the dashboard)."""
    value = ctx.kpi(code)
    details = {_("indicator"): value.name}
    if value.numerator is not None and value.denominator is not None:
        details[_("counted")] = f"{value.numerator:g} / {value.denominator:g}"
    if value.target is not None:
        details[_("target")] = f"{value.target:g}"
    details.update(extra or {})
    if value.value is None:
        summary = _("%(kpi)s: nothing to measure in the period.") % {"kpi": value.name}
        return Finding(Status.MISSING, summary, details)
    shown = show_percent(value.value) if value.unit == "percent" else f"{value.value:g}"
    summary = _("%(kpi)s: %(value)s") % {"kpi": value.name, "value": shown}
    status = Status.STALE if value.status == "not_met" else Status.PRESENT
    if status is Status.STALE:
        summary += " " + _("(target not met)")
    return Finding(status, summary, details)


def kpi_details(ctx: Context, *codes: str) -> dict[str, str]:
    """One line per KPI (name → value, counted, target), for a clause that rests on several: the
    numbers of each stay apart, as on the dashboard."""
    details = {}
    for code in codes:
        value = ctx.kpi(code)
        shown = show_percent(value.value) if value.unit == "percent" else (
            "—" if value.value is None else f"{value.value:g}")  # fmt: skip
        parts = [shown]
        if value.numerator is not None and value.denominator is not None:
            parts.append(f"{value.numerator:g} / {value.denominator:g}")
        if value.target is not None:
            parts.append(_("target %(target)s") % {"target": f"{value.target:g}"})
        details[value.name] = "; ".join(parts)
    return details
