"""The hash chain of the audit trail, pure: how an entry is hashed and how a chain is verified.

Each entry's hash covers its position (``seq``), its content and the previous entry's hash, so an
edited, deleted, inserted or reordered entry breaks the chain at a point ``verify`` can name
(ISO 10002 4.9 information integrity, 8.1 records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    id: int
    seq: int
    action: str
    actor: str
    actor_label: str
    object_type: str
    object_id: str
    data: Mapping[str, Any]
    iso_clause: str
    occurred_at: dt.datetime
    prev_hash: str
    hash: str


def canonical_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(
    *,
    seq: int,
    action: str,
    actor: str,
    actor_label: str,
    object_type: str,
    object_id: str,
    data: Mapping[str, Any],
    iso_clause: str,
    occurred_at: dt.datetime,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            seq,
            action,
            actor,
            actor_label,
            object_type,
            object_id,
            data,
            iso_clause,
            canonical_time(occurred_at),
            prev_hash,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(entry: Entry) -> str:
    return compute_hash(
        seq=entry.seq,
        action=entry.action,
        actor=entry.actor,
        actor_label=entry.actor_label,
        object_type=entry.object_type,
        object_id=entry.object_id,
        data=entry.data,
        iso_clause=entry.iso_clause,
        occurred_at=entry.occurred_at,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True)
class Break:
    seq: int
    entry_id: int | None
    kind: str
    detail: str

    def line(self) -> str:
        who = f"entry #{self.seq}" + (f" (id {self.entry_id})" if self.entry_id is not None else "")
        return f"{who}: {self.kind}: {self.detail}"


def verify(entries: Iterable[Entry], *, head_seq: int, head_hash: str) -> list[Break]:
    """Every break in ``entries`` (read in ``seq`` order) and against the recorded head."""
    breaks: list[Break] = []
    previous_seq = 0
    previous_hash = GENESIS
    previous_id = 0
    for entry in entries:
        if entry.seq > previous_seq + 1:
            first, last = previous_seq + 1, entry.seq - 1
            span = f"#{first}" if first == last else f"#{first}–#{last}"
            breaks.append(
                Break(
                    first,
                    None,
                    "deleted",
                    f"entry {span} is missing between #{previous_seq} and #{entry.seq}",
                )
            )
        if entry.id < previous_id:
            breaks.append(
                Break(
                    entry.seq,
                    entry.id,
                    "reordered",
                    "it was written before the entry it now follows",
                )
            )
        if hash_of(entry) != entry.hash:
            breaks.append(
                Break(entry.seq, entry.id, "altered", "its content no longer matches its hash")
            )
        elif entry.prev_hash != previous_hash and entry.seq == previous_seq + 1:
            breaks.append(
                Break(
                    entry.seq, entry.id, "broken link", f"it does not follow entry #{previous_seq}"
                )
            )
        previous_seq, previous_hash, previous_id = entry.seq, entry.hash, entry.id
    if head_seq > previous_seq:
        first = previous_seq + 1
        span = f"#{first}" if first == head_seq else f"#{first}–#{head_seq}"
        breaks.append(
            Break(first, None, "deleted", f"entry {span} at the end of the trail is missing")
        )
    elif head_seq == previous_seq and head_hash != previous_hash and previous_seq:
        breaks.append(
            Break(
                previous_seq,
                None,
                "altered",
                "the last entry differs from the one recorded as last",
            )
        )
    return breaks
