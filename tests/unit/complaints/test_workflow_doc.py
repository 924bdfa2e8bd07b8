"""``docs/workflow.md`` cannot drift from the transition table it documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from decimal import Decimal
from pathlib import Path

from sori.complaints.workflow import (
    OPEN_STATUSES,
    TRANSITIONS,
    Facts,
    Reaction,
    Status,
)
from sori.complaints.workflow_diagram import ANY_OPEN, generated, mermaid, update

DOC = Path(__file__).resolve().parents[3] / "docs" / "workflow.md"


def test_the_documented_diagram_and_table_are_generated_from_the_transition_table():
    text = DOC.read_text(encoding="utf-8")
    assert generated() in text, (
        "docs/workflow.md is out of date: run "
        "`python -m sori.complaints.workflow_diagram docs/workflow.md`"
    )
    assert update(text) == text


def test_every_row_of_the_table_is_drawn():
    edges = {
        (source, target): set(events.split(", "))
        for source, target, events in re.findall(r"^    (\w+) --> (\w+): (.+)$", mermaid(), re.M)
    }
    for t in TRANSITIONS:
        drawn = t.event.value in edges.get((t.source.value, t.target.value), set())
        drawn_for_every_open_status = t.event.value in edges.get((ANY_OPEN, t.target.value), set())
        assert drawn or drawn_for_every_open_status, t
    # "Any open status" is drawn only for events that really are possible from all of them.
    for (source, target), events in edges.items():
        if source == ANY_OPEN:
            for event in events:
                sources = {t.source for t in TRANSITIONS if t.event.value == event}
                assert sources == OPEN_STATUSES
                assert {t.target.value for t in TRANSITIONS if t.event.value == event} == {target}
    assert "[*] --> received" in mermaid()


def test_a_changed_table_changes_the_generated_text():
    # Dropping one row, or changing one guard, must show in the document.
    assert generated(TRANSITIONS[:-1]) != generated()
    first = dataclasses.replace(TRANSITIONS[1], guards=())
    assert generated((TRANSITIONS[0], first, *TRANSITIONS[2:])) != generated()


def _codes_by_guard() -> dict[str, set[str]]:
    """Every refusal code each guard of the table can give, found by trying many facts."""
    guards = {g.__name__: g for t in TRANSITIONS for g in t.guards}
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    codes: dict[str, set[str]] = {name: set() for name in guards}
    booleans = (False, True)
    choices = {
        "reaction": (None, *Reaction),
        "assessment_complete": booleans,
        "response_recorded": booleans,
        "approved": booleans,
        "internal_review_done": booleans,
        "external_routes_given": booleans,
        "actor_is_proposer": booleans,
        "actor_handled_first_stage": booleans,
        "remedy_amount": (None, Decimal(50), Decimal(500)),
        "proposer_authority_limit": (None, Decimal(100)),
        "actor_authority_limit": (None, Decimal(100)),
        "decision_issued_at": (None, now, now - dt.timedelta(days=30)),
    }
    for combo in itertools.product(*choices.values()):
        facts = Facts(
            status=Status.DECISION_COMMUNICATED, now=now, **dict(zip(choices, combo, strict=False))
        )
        for name, guard in guards.items():
            refusal = guard(facts)
            if refusal is not None:
                codes[name].add(refusal.code)
    return codes


def test_every_guard_and_each_of_its_refusal_codes_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name, codes in _codes_by_guard().items():
        assert codes, f"{name} never refused anything"
        rows = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
        assert len(rows) == 1, f"{name} needs one row in the guard table of docs/workflow.md"
        for code in codes:
            assert f"`{code}`" in rows[0], f"{name} can refuse with {code}; document it"
