"""Writing to the audit trail. Called by other services inside their own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from sori.audit.chain import GENESIS, compute_hash
from sori.audit.models import AuditChainHead, AuditEntry
from sori.core import clock
from sori.core.actors import Actor


def record(
    *,
    action: str,
    actor: Actor,
    object_type: str,
    object_id: str,
    data: Mapping[str, Any] | None = None,
    iso_clause: str = "",
) -> AuditEntry:
    """Append one entry; it commits or rolls back with the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries are written in the same transaction as the change")
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "action": action,
        "actor": actor.audit_id,
        "actor_label": actor.label,
        "object_type": object_type,
        "object_id": object_id,
        "data": dict(data or {}),
        "iso_clause": iso_clause,
        "occurred_at": clock.now(),
        "prev_hash": head.hash,
    }
    entry = AuditEntry.objects.create(**fields, hash=compute_hash(**fields))
    AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry
