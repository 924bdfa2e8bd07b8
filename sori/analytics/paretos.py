"""Paretos of categories and root causes (ISO 10002 8.2: the few causes behind most complaints).

Counts are grouped in the database by the complaint's own category or root cause; the small
trees are then rolled up in Python to the level shown (top level, or the level just below the
chosen category), never a walk over complaints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from sori.analytics import dashboard_figures as figures
from sori.analytics import dashboard_parts as parts
from sori.analytics.filters import AnalyticsFilter, filtered
from sori.analytics.tables import Column, Table
from sori.complaints.models import Category, RootCause
from sori.core.actors import Actor


def _pareto_rows(
    counts: Iterable[tuple[Any, str, int]], missing: tuple[str, int] | None
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Rows sorted by count (largest first), the "not recorded" row last; and their keys."""
    ordered = sorted((c for c in counts if c[2]), key=lambda c: (-c[2], c[1]))
    if missing is not None and missing[1]:
        ordered.append((None, missing[0], missing[1]))
    total = sum(count for _key, _label, count in ordered)
    rows, keys, running = [], [], 0
    for key, label, count in ordered:
        running += count
        rows.append({"label": label, "count": count, "share": parts.share(count, total),
                     "cumulative": parts.share(running, total)})  # fmt: skip
        keys.append(key)
    return rows, keys


def _pareto_columns(what: str) -> list[Column]:
    return [
        Column("label", what, "text"),
        Column("count", _("Complaints"), "int"),
        Column("share", _("Share (%)"), "percent"),
        Column("cumulative", _("Cumulative share (%)"), "percent"),
    ]


def _roll_up(tree: Mapping[int, int | None], below: int | None) -> Callable[[int], int | None]:
    """Maps a node to its ancestor one level under ``below`` (the top level when None)."""

    def up(node: int) -> int | None:
        seen = 0
        while tree.get(node) != below and seen < 32:
            parent = tree.get(node)
            if parent is None:
                return None  # not under ``below`` at all
            node, seen = parent, seen + 1
        return node

    return up


def categories(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Pareto of categories: top-level ones, or those just below the chosen category (8.2)."""
    rows = filtered(viewer, spec)
    start, end = spec.bounds()
    plan = figures.plan(viewer, spec)
    found: Iterable[dict[str, Any]] = (
        [
            {"category_id": pk, "n": n}
            for pk, n in figures.grouped(plan, spec, "category_id").items()
        ]
        if plan is not None
        else rows.filter(parts.received(start, end))
        .values("category_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tree = {pk: parent for pk, parent in Category.objects.values_list("pk", "parent_id")}
    nodes = {c.pk: c for c in Category.objects.all()}
    chosen = next((c for c in nodes.values() if c.code == spec.category), None)
    up = _roll_up(tree, chosen.pk if chosen else None)
    totals: dict[int, int] = {}
    unclassified = 0
    for row in found:
        pk = row["category_id"]
        group = None if pk is None else (pk if chosen and pk == chosen.pk else up(pk))
        if group is None:
            unclassified += row["n"]
        else:
            totals[group] = totals.get(group, 0) + row["n"]
    counts = [(pk, nodes[pk].label, n) for pk, n in totals.items()]
    missing = None if chosen else (_("Not classified"), unclassified)
    table_rows, keys = _pareto_rows(counts, missing)
    drill: list[str | None] = []
    for key in keys:
        has_children = key is not None and any(parent == key for parent in tree.values())
        if key is None:
            drill.append(parts.received_query(spec, spec.period_from, spec.period_to,
                                              category="none"))  # fmt: skip
        elif chosen is not None and key == chosen.pk and has_children:
            # The chosen category itself, without the sub-categories the queue would add.
            drill.append(parts.received_query(spec, spec.period_from, spec.period_to,
                                              category=chosen.code, category_only="on"))  # fmt: skip
        else:
            drill.append(parts.received_query(spec, spec.period_from, spec.period_to,
                                         category=nodes[key].code))  # fmt: skip
    if chosen is not None:
        for row, key in zip(table_rows, keys, strict=True):
            if key == chosen.pk:
                row["label"] = _("%(category)s (itself)") % {"category": row["label"]}
    return Table(
        key="categories",
        title=_("Pareto of categories"),
        columns=_pareto_columns(_("Category")),
        rows=table_rows,
        drill=drill,
        drill_column="count",
        note=_("Complaints received in the period (merged duplicates not counted)."),
    )


def root_causes(viewer: Actor, spec: AnalyticsFilter) -> Table:
    """Pareto of root causes at the top level of the taxonomy, with those not recorded (8.2)."""
    rows = filtered(viewer, spec)
    start, end = spec.bounds()
    plan = figures.plan(viewer, spec)
    found: Iterable[dict[str, Any]]
    if plan is not None and plan.category_ids is None:  # the cause figures have no category
        by_cause = figures.root_causes(plan, spec)
        found = [{"root_cause_id": pk, "n": n} for pk, n in by_cause.items()]
    else:
        found = (
            rows.filter(parts.received(start, end))
            .values("root_cause_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    nodes = {cause.pk: cause for cause in RootCause.objects.all()}
    up = _roll_up({pk: cause.parent_id for pk, cause in nodes.items()}, None)
    totals: dict[int, int] = {}
    missing = 0
    for row in found:
        group = None if row["root_cause_id"] is None else up(row["root_cause_id"])
        if group is None:
            missing += row["n"]
        else:
            totals[group] = totals.get(group, 0) + row["n"]
    counts = [(pk, nodes[pk].label, n) for pk, n in totals.items()]
    table_rows, keys = _pareto_rows(counts, (_("Not recorded"), missing))
    drill: list[str | None] = [
        parts.received_query(
            spec,
            spec.period_from,
            spec.period_to,
            root_cause=nodes[key].code if key is not None else "none",
        )
        for key in keys
    ]
    return Table(
        key="root_causes",
        title=_("Pareto of root causes"),
        columns=_pareto_columns(_("Root cause")),
        rows=table_rows,
        drill=drill,
        drill_column="count",
        note=_(
            "Complaints received in the period, by the root cause recorded in the "
            "investigation (top level of the taxonomy)."
        ),
    )
