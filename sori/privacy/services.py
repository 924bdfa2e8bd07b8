"""Writes about personal data: every staff reading of complainant data is logged (ISO 10002 4.10)."""

from __future__ import annotations

from django.db import transaction

from sori.audit import services as audit
from sori.core.actors import Actor


def record_personal_data_view(*, actor: Actor, complaint_reference: str) -> None:
    """Log that ``actor`` was shown the complainant's personal data on this complaint.

    Called by the selectors that reveal contact data, in the request that reveals it, so the
    trail answers "who saw this person's details, and when" (ISO 10002 4.10 confidentiality).
    """
    with transaction.atomic():
        audit.record(
            action="sori.personal_data.viewed",
            actor=actor,
            object_type="complaint",
            object_id=complaint_reference,
            data={"role": actor.role},
            iso_clause="4.10",
        )
