"""A table of figures as the dashboards, exports and charts share it (ISO 10002 8.2, 8.4).

A selector returns a ``Table``; the page renders it, ``exports`` turns it into CSV or XLSX and
``charts`` into a Vega-Lite chart, so the three always show the same numbers. Rows hold plain
values (numbers, dates, strings), never formatted text: formatting belongs to whoever shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# How a column's values are shown and exported.
KINDS = frozenset({"text", "int", "float", "percent", "days", "money", "date", "month"})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    # drill[i]: the queue's query string for the complaints behind row i, or None when the queue
    # cannot show exactly that set.
    drill: list[str | None] | None = None
    note: str = ""
    # The column whose cells link to the queue (the count of complaints), if any.
    drill_column: str = ""
    # links[i][column]: a query string for another cell of row i (a trend's "closed", say).
    links: list[dict[str, str | None]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def cells(self) -> list[list[Any]]:
        """The rows as lists in column order (what exports write)."""
        return [[row.get(column.key) for column in self.columns] for row in self.rows]

    def drill_for(self, index: int) -> str | None:
        if self.drill is None or index >= len(self.drill):
            return None
        return self.drill[index]

    def link(self, index: int, key: str) -> str | None:
        """The queue's query string for cell (row ``index``, column ``key``), or None."""
        if self.links is not None and index < len(self.links) and key in self.links[index]:
            return self.links[index][key]
        if key == self.drill_column:
            return self.drill_for(index)
        return None
