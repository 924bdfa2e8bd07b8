"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

from sori.audit import chain
from sori.audit.models import AuditChainHead, AuditEntry


def _entries() -> Iterator[chain.Entry]:
    rows = AuditEntry.objects.order_by("seq").values_list(
        "id",
        "seq",
        "action",
        "actor",
        "actor_label",
        "object_type",
        "object_id",
        "data",
        "iso_clause",
        "occurred_at",
        "prev_hash",
        "hash",
    )
    for row in rows.iterator(chunk_size=2000):
        yield chain.Entry(*row)


def verify_trail() -> list[chain.Break]:
    """Every break in the trail; an empty list means it is intact."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return chain.verify(
        _entries(),
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head else chain.GENESIS,
    )


def entries_for(object_type: str, object_id: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("seq")
    )
