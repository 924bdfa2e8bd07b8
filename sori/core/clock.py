"""The one source of 'now' for services, so tests and the demo can move time deliberately."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: list[dt.datetime] = []


def now() -> dt.datetime:
    """The current time in UTC (or the time a test or the demo set)."""
    if _frozen:
        return _frozen[-1]
    return timezone.now()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    _frozen.append(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _frozen.pop()
