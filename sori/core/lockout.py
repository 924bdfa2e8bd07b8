"""Locking a reference's look-up after repeated wrong access codes (ISO 10002 4.10 confidentiality).

Five wrong codes for one reference within 15 minutes lock that reference's look-up for 15
minutes; while locked even the right code is refused, so guessing gains nothing. Wrong codes
are also counted per client address (with a higher limit), so one client cannot sweep many
references. Counters live in the database (``LookupLock``) so every process sees them; unknown
references are counted like real ones, so a lock says nothing about whether a reference exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sori.core import clock
from sori.core.errors import DomainError
from sori.core.models import LookupLock

MAX_FAILURES = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)


class LookupLocked(DomainError):
    code = "lookup_locked"
    status = 429


def reference_key(reference: str) -> str:
    return f"ref:{reference.strip().upper()[:100]}"


def client_key(client: str) -> str:
    return f"ip:{client[:100]}"


def _keys(reference: str, client: str | None) -> list[tuple[str, int]]:
    keys = [(reference_key(reference), MAX_FAILURES)]
    if client:
        keys.append((client_key(client), MAX_FAILURES_PER_CLIENT))
    return keys


def _locked_error(until: dt.datetime) -> LookupLocked:
    local = until.astimezone(ZoneInfo(str(settings.SORI_TIME_ZONE or "Asia/Seoul")))
    return LookupLocked(
        _(
            "Too many wrong access codes were entered. For your protection, look-ups are "
            "paused until %(time)s (Korea time). Please try again then."
        )
        % {"time": local.strftime("%H:%M")},
        retry_at=until.isoformat(),
    )


def locked_until(keys: Iterable[str]) -> dt.datetime | None:
    """The latest moment any of ``keys`` stays locked, or None when none is locked now."""
    return (
        LookupLock.objects.filter(key__in=list(keys), locked_until__gt=clock.now())
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def check(*, reference: str, client: str | None = None) -> None:
    """Raise ``LookupLocked`` while the reference (or the client) is locked."""
    until = locked_until(key for key, _limit in _keys(reference, client))
    if until is not None:
        raise _locked_error(until)


@dataclass(frozen=True)
class Failure:
    failures: int
    newly_locked: list[str]
    locked_until: dt.datetime | None


def _row(key: str, now: dt.datetime) -> LookupLock:
    try:
        with transaction.atomic():
            LookupLock.objects.get_or_create(key=key, defaults={"window_started_at": now})
    except IntegrityError:  # created by a concurrent failure: lock that row below
        pass
    return LookupLock.objects.select_for_update().get(key=key)


@dataclass(frozen=True)
class Counted:
    failures: dict[str, int]
    newly_locked: list[str]
    locked_until: dt.datetime | None


def count_failure(keys: Sequence[tuple[str, int]]) -> Counted:
    """Count one failure against each ``(key, limit)``; a key reaching its limit is locked.

    The caller runs this in a transaction with its audit entry. Any kind of secret guessed
    (an access code, a staff password) shares these rows, each under its own key prefix.
    """
    now = clock.now()
    newly_locked: list[str] = []
    until = None
    failures: dict[str, int] = {}
    for key, limit in keys:
        row = _row(key, now)
        if row.window_started_at + WINDOW <= now:
            row.window_started_at, row.failures = now, 0
        row.failures += 1
        if row.failures >= limit and not (row.locked_until and row.locked_until > now):
            row.locked_until = now + LOCK
            row.failures, row.window_started_at = 0, now
            newly_locked.append(key)
            until = row.locked_until
        row.save()
        failures[key] = row.failures
    return Counted(failures=failures, newly_locked=newly_locked, locked_until=until)


def forget(key: str) -> None:
    """The right secret was given: the key's count of wrong ones starts again (a lock stays)."""
    # Read first: a success writes nothing unless there is a count to forget.
    stale = LookupLock.objects.filter(key=key).exclude(locked_until__gt=clock.now())
    if stale.exists():
        stale.delete()


def record_failure(*, reference: str, client: str | None = None) -> Failure:
    """Count one wrong code; the caller runs this in a transaction with its audit entry."""
    counted = count_failure(_keys(reference, client))
    return Failure(
        failures=counted.failures[reference_key(reference)],
        newly_locked=counted.newly_locked,
        locked_until=counted.locked_until,
    )


def clear(*, reference: str) -> None:
    """The right code was given: the reference's count of wrong ones starts again."""
    forget(reference_key(reference))
