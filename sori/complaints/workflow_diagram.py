"""Draw the transition table of ``workflow.py`` for the documentation (``docs/workflow.md``).

The generated text sits between markers in the document; a test regenerates it and fails if the
document has drifted from the table. To refresh the document after changing the table, run
``python -m sori.complaints.workflow_diagram docs/workflow.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from sori.complaints.workflow import FINAL_STATUSES, OPEN_STATUSES, TRANSITIONS, Status, Transition

BEGIN = "<!-- BEGIN GENERATED from sori/complaints/workflow.py; do not edit by hand -->"
END = "<!-- END GENERATED -->"
ANY_OPEN = "any_open_status"


def _everywhere_events(transitions: Iterable[Transition]) -> list[tuple[str, Status]]:
    """Events possible alike from every open status (withdraw, merge)."""
    rows = list(transitions)
    found: list[tuple[str, Status]] = []
    for event in dict.fromkeys(t.event for t in rows):
        mine = [t for t in rows if t.event is event]
        # Drawn once only when every row is the same but for its source.
        alike = {(t.target, t.guards, t.sla, t.notify, t.iso_clause, t.public) for t in mine}
        if {t.source for t in mine} == OPEN_STATUSES and len(alike) == 1:
            found.append((event.value, mine[0].target))
    return found


def mermaid(transitions: Iterable[Transition] = TRANSITIONS) -> str:
    """Two Mermaid state diagrams: the main flow, and the events possible from every open status."""
    rows = list(transitions)
    everywhere = {event for event, _target in _everywhere_events(rows)}
    edges: dict[tuple[Status, Status], list[str]] = {}
    for t in rows:
        if t.event.value not in everywhere:
            edges.setdefault((t.source, t.target), []).append(t.event.value)
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {Status.RECEIVED.value}"]
    for (source, target), events in edges.items():
        lines.append(f"    {source.value} --> {target.value}: {', '.join(events)}")
    reached = {target for _source, target in edges}
    for status in Status:
        if status in FINAL_STATUSES and status in reached:
            lines.append(f"    {status.value} --> [*]")
    lines.append("```")
    if everywhere:
        lines += ["", "```mermaid", "stateDiagram-v2"]
        lines.append(f'    state "any open status" as {ANY_OPEN}')
        for event, target in _everywhere_events(rows):
            lines.append(f"    {ANY_OPEN} --> {target.value}: {event}")
        for _event, target in _everywhere_events(rows):
            lines.append(f"    {target.value} --> [*]")
        lines.append("```")
    return "\n".join(lines)


def table(transitions: Iterable[Transition] = TRANSITIONS) -> str:
    """Every row of the table: guards, SLA effect, notification, ISO clause, audit action."""
    head = [
        "| from | event | to | guards | SLA clock | notification | ISO 10002 | audit action "
        "| timeline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = list(transitions)
    everywhere = {event for event, _target in _everywhere_events(rows)}
    shown: list[tuple[str, Transition]] = []
    for t in rows:
        if t.event.value not in everywhere:
            shown.append((t.source.value, t))
        elif t.event.value not in {row.event.value for _source, row in shown}:
            # One line for an event possible from every open status, like the diagram.
            shown.append(("*any open status*", t))
    body = [
        "| {} | {} | {} | {} | {} | {} | {} | `{}` | {} |".format(
            source,
            t.event.value,
            t.target.value,
            ", ".join(f"`{g.__name__}`" for g in t.guards) or "—",
            t.sla.value,
            f"`{t.notify}`" if t.notify else "—",
            t.iso_clause,
            t.action,
            "public" if t.public else "internal",
        )
        for source, t in shown
    ]
    return "\n".join(head + body)


def generated(transitions: Iterable[Transition] = TRANSITIONS) -> str:
    rows = list(transitions)
    return "\n".join([BEGIN, "", mermaid(rows), "", table(rows), "", END])


def update(document: str) -> str:
    """The document with its generated part replaced by a fresh one."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + generated() + document[end:]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "docs/workflow.md")
    text = path.read_text(encoding="utf-8")
    fresh = update(text)
    if fresh != text:
        path.write_text(fresh, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
