"""What the dashboards share: periods cut into months or weeks, the KPI cohorts, queue links.

ISO 10002 8.2, 8.4. Periods are whole days in the organisation's time zone; a complaint's
cohort (received, closed, open at a moment) is the KPI catalogue's (``sori.analytics.kpi_queries``),
so the dashboards and the KPI table count the same complaints. The queue links
(``received_query``, ``closed_query``) name exactly the complaints of a cohort, with the
dashboard's filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from sori.analytics.filters import AnalyticsFilter, month_after, time_zone
from sori.complaints.models import Complaint, ComplaintEvent
from sori.complaints.workflow import ENDED_STATUSES, ENDING_EVENTS, Status
from sori.core import clock

# A period this short is shown week by week; longer ones month by month.
WEEKLY_UP_TO_DAYS = 92
# The queue's "every status but merged": the received cohort of the KPIs, in a drill link.
RECEIVED_STATUSES = tuple(status.value for status in Status if status is not Status.MERGED)


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    """One point of a time series: the month (or week) it stands for and its days in the period."""

    label: dt.date  # the first day of the month, or the Monday of the week
    first: dt.date
    last: dt.date


def buckets(spec: AnalyticsFilter, grain: str) -> list[Bucket]:
    """The months (or weeks) that meet the period, each with the days of it that it holds."""
    found = []
    if grain == "week":
        label = spec.period_from - dt.timedelta(days=spec.period_from.weekday())
        step: Callable[[dt.date], dt.date] = lambda day: day + dt.timedelta(days=7)  # noqa: E731
    else:
        label = spec.period_from.replace(day=1)
        step = month_after
    while label <= spec.period_to:
        following = step(label)
        last = min(following - dt.timedelta(days=1), spec.period_to)
        found.append(Bucket(label=label, first=max(label, spec.period_from), last=last))
        label = following
    return found


def span(bucket: Bucket) -> tuple[dt.datetime, dt.datetime]:
    """[00:00 of the bucket's first day in the period, 00:00 after its last day), in UTC."""
    return midnight(bucket.first), midnight(bucket.last + dt.timedelta(days=1))


def grain(spec: AnalyticsFilter) -> str:
    return "week" if (spec.period_to - spec.period_from).days < WEEKLY_UP_TO_DAYS else "month"


def midnight(day: dt.date) -> dt.datetime:
    """00:00 of ``day`` in the organisation's time zone, in UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=time_zone()).astimezone(dt.UTC)


def local_day(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(time_zone()).date()
    return moment


def cut(spec: AnalyticsFilter) -> tuple[dt.datetime, dt.date, bool]:
    """The moment the backlog is looked at: the end of the period, or now if that is later.

    Returns the moment, the last day counted and whether it is now (the queue shows only now).
    """
    end = midnight(spec.period_to + dt.timedelta(days=1))
    now = clock.now()
    if now < end:
        return now, local_day(now), True
    return end, spec.period_to, False


# --- cohorts (the KPI catalogue's definitions) ------------------------------------------------


def between(name: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{name}__gte": start, f"{name}__lt": end})


def received(start: dt.datetime, end: dt.datetime) -> Q:
    return between("received_at", start, end) & ~Q(status=Status.MERGED)


def closed(start: dt.datetime, end: dt.datetime) -> Q:
    return Q(status=Status.CLOSED) & between("closed_at", start, end)


# A window: complaints received in [since, until) (``since`` None: ever), counted at ``cut``.
Window = tuple[dt.datetime, dt.datetime | None, dt.datetime]


def received_between(since: dt.datetime | None, until: dt.datetime, prefix: str = "") -> Q:
    """Received in [since, until); ``since`` None: at any time before ``until``."""
    found = Q(**{f"{prefix}received_at__lt": until})
    return found & Q(**{f"{prefix}received_at__gte": since}) if since else found


def open_counts(
    rows: QuerySet[Complaint],
    windows: list[Window],
    extra: dict[str, Any] | None = None,
    ended_counts: list[int] | None = None,
) -> tuple[list[int], dict[str, Any]]:
    """For each window (cut, since, until): its complaints still open at ``cut``.

    The KPI's "open": received before the cut, not closed before it (current closure), neither
    withdrawn nor merged before it. Withdrawal and merging leave no date on the complaint, only
    on its timeline; they happen only to open complaints, which have no closure date, so open =
    received − closed − withdrawn or merged, each a plain conditional count: two queries
    whatever the number of windows, and no subquery per complaint. ``extra`` aggregates over
    the same complaints ride along in the first query (their values come back as a dict).
    """
    if not windows:
        return [], {}

    latest = max(until for _cut, _since, until in windows)
    if extra:
        totals = rows.filter(received_at__lt=latest).aggregate(
            **{
                f"{kind}{i}": Count("pk", filter=received_between(since, until) & narrower)
                for i, (cut, since, until) in enumerate(windows)
                for kind, narrower in (("r", Q()), ("c", Q(closed_at__lt=cut)))
            },
            **extra,
        )
    else:
        # Received − closed before the cut = those not closed before it: only the complaints
        # still open or closed after the earliest cut are read (the closed_at index finds them).
        earliest = min(cut for cut, _since, _until in windows)
        totals = (
            rows.filter(received_at__lt=latest)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=earliest))
            .aggregate(
                **{
                    f"r{i}": Count(
                        "pk", filter=received_between(since, until) & ~Q(closed_at__lt=cut)
                    )
                    for i, (cut, since, until) in enumerate(windows)
                }
            )
        )
        totals.update({f"c{i}": 0 for i in range(len(windows))})
    if ended_counts is not None:  # from the pre-aggregated figures (dashboard_figures.ended)
        counts = [totals[f"r{i}"] - totals[f"c{i}"] - ended_counts[i] for i in range(len(windows))]
        return counts, {name: totals[name] for name in extra or {}}
    # Both are final: such a complaint's status says so, which narrows the search by index.
    ended_rows = rows.filter(status__in=ENDED_STATUSES, received_at__lt=latest)
    ended = ComplaintEvent.objects.filter(
        kind__in=ENDING_EVENTS,
        occurred_at__lt=max(cut for cut, _since, _until in windows),
        complaint__in=ended_rows.values("pk"),
    ).aggregate(
        **{
            f"e{i}": Count(
                "complaint", distinct=True,
                filter=Q(occurred_at__lt=cut) & received_between(since, until, "complaint__"),
            )
            for i, (cut, since, until) in enumerate(windows)
        }
    )  # fmt: skip
    counts = [totals[f"r{i}"] - totals[f"c{i}"] - ended[f"e{i}"] for i in range(len(windows))]
    return counts, {name: totals[name] for name in extra or {}}


# --- drill-down links to the queue -------------------------------------------------------------


def query(spec: AnalyticsFilter, **params: Any) -> str:
    """The queue's query string: the dashboard's filters, then ``params`` (which win)."""
    query = QueryDict(mutable=True)
    base = {"unit": spec.unit, "category": spec.category, "channel": spec.channel,
            "product": spec.product.strip()}  # fmt: skip
    for key, value in {**base, **params}.items():
        if value in (None, ""):
            continue
        if isinstance(value, list | tuple):
            query.setlist(key, [str(each) for each in value])
        else:
            query[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return query.urlencode()


def received_query(spec: AnalyticsFilter, first: dt.date, last: dt.date, **params: Any) -> str:
    return query(spec, state="any", status=RECEIVED_STATUSES, received_from=first,
                  received_to=last, **params)  # fmt: skip


def closed_query(spec: AnalyticsFilter, first: dt.date, last: dt.date, **params: Any) -> str:
    return query(spec, state="closed", status=[Status.CLOSED.value], closed_from=first,
                  closed_to=last, **params)  # fmt: skip


def share(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 2) if whole else None
