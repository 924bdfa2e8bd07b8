"""Human-friendly, never-reused references such as ``C-2026-000123`` (ISO 10002 7.2)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from sori.core.models import ReferenceCounter


def allocate(prefix: str, year: int) -> str:
    """The next reference for ``prefix`` and ``year``. Call inside the transaction that uses it.

    The UPDATE takes a row lock (PostgreSQL) or runs under the writer lock that SQLite's
    IMMEDIATE transactions hold, so two submissions can never read the same number.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside the transaction that stores the reference")
    counter = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    if not counter.update(last_value=F("last_value") + 1):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(prefix=prefix, year=year, last_value=0)
        except IntegrityError:
            pass  # another transaction created the counter first; the update below waits for it
        counter.update(last_value=F("last_value") + 1)
    value = counter.values_list("last_value", flat=True).get()
    return format_reference(prefix, year, value)


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"
