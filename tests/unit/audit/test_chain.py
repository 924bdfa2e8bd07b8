"""The audit chain, pure: any edit, deletion or reordering is detected and named (ISO 10002 4.9)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sori.audit.chain import GENESIS, Entry, compute_hash, verify

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def build_chain(actions: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    previous = GENESIS
    for number, action in enumerate(actions, start=1):
        fields = {
            "seq": number,
            "action": action,
            "actor": "staff:7",
            "actor_label": "김담당",
            "object_type": "complaint",
            "object_id": f"C-2026-{number:06d}",
            "data": {"from": "received", "to": "acknowledged", "메모": "한글 자료"},
            "iso_clause": "7.4",
            "occurred_at": START + dt.timedelta(minutes=number),
            "prev_hash": previous,
        }
        digest = compute_hash(**fields)
        entries.append(Entry(id=number * 10, hash=digest, **fields))
        previous = digest
    return entries


def run(entries: list[Entry]) -> list[str]:
    head = entries[-1] if entries else None
    return [
        b.line()
        for b in verify(
            entries, head_seq=head.seq if head else 0, head_hash=head.hash if head else GENESIS
        )
    ]


actions = st.lists(
    st.sampled_from(
        ["sori.complaint.received", "sori.complaint.acknowledged", "sori.complaint.assessed"]
    ),
    min_size=3,
    max_size=25,
)


@given(actions)
def test_an_untouched_chain_verifies(names):
    assert run(build_chain(names)) == []


@given(actions, st.data())
def test_an_edited_entry_is_named(names, data):
    entries = build_chain(names)
    victim = data.draw(st.integers(0, len(entries) - 1))
    entries[victim] = dataclasses.replace(entries[victim], data={"from": "forged"})
    breaks = run(entries)
    assert breaks, "an edit must be detected"
    assert any(line.startswith(f"entry #{victim + 1} ") and "altered" in line for line in breaks)


@given(actions, st.data())
def test_a_deleted_entry_is_named(names, data):
    entries = build_chain(names)
    victim = data.draw(st.integers(0, len(entries) - 2))  # the last one is covered below
    head = entries[-1]
    del entries[victim]
    lines = [b.line() for b in verify(entries, head_seq=head.seq, head_hash=head.hash)]
    assert any(f"#{victim + 1}" in line and "deleted" in line for line in lines)


def test_deleting_the_newest_entry_is_detected_against_the_head():
    entries = build_chain(["a", "b", "c"])
    head = entries[-1]
    lines = [b.line() for b in verify(entries[:-1], head_seq=head.seq, head_hash=head.hash)]
    assert lines == ["entry #3: deleted: entry #3 at the end of the trail is missing"]


@given(actions, st.data())
def test_swapping_two_entries_is_detected(names, data):
    entries = build_chain(names)
    first = data.draw(st.integers(0, len(entries) - 2))
    second = data.draw(st.integers(first + 1, len(entries) - 1))
    a, b = entries[first], entries[second]
    # The attacker swaps their positions: each takes the other's place in the order.
    entries[first] = dataclasses.replace(b, seq=a.seq)
    entries[second] = dataclasses.replace(a, seq=b.seq)
    breaks = verify(entries, head_seq=entries[-1].seq, head_hash=build_chain(names)[-1].hash)
    named = {br.seq for br in breaks}
    assert a.seq in named and b.seq in named


def test_an_empty_trail_is_intact():
    assert verify([], head_seq=0, head_hash=GENESIS) == []


def test_the_hash_covers_the_time_to_the_microsecond():
    entry = build_chain(["x"])[0]
    moved = dataclasses.replace(entry, occurred_at=entry.occurred_at + dt.timedelta(microseconds=1))
    assert run([moved]) != []
