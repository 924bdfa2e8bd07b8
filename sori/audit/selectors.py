"""Reading the audit trail (ISO 10002 4.9, 4.10, 8.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sori.audit import chain
from sori.audit.models import AuditChainHead, AuditEntry
from sori.core.actors import Actor
from sori.core.errors import Forbidden

# ISO 10002 8.5: auditors read everything, including the trail; managers and administrators
# answer for it. The same roles as the admin's ``audit.view_auditentry`` permission.
TRAIL_READERS = frozenset({"auditor", "complaints_manager", "administrator"})
# Readings of complainant data by staff (4.10): contact details, and files that may hold them.
PERSONAL_DATA_ACTIONS = ("sori.personal_data.viewed", "sori.attachment.viewed")
PAGE_SIZE = 50


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


def can_read_trail(viewer: Actor) -> bool:
    return viewer.is_staff and viewer.role in TRAIL_READERS


def _require_reader(viewer: Actor) -> None:
    if not can_read_trail(viewer):
        raise Forbidden(_("Only auditors, complaints managers and administrators read the trail."))


@dataclass(frozen=True)
class TrailFilter:
    """What to look for; every part is optional. Dates are whole days in the organisation's zone."""

    action: str = ""  # a prefix: "sori.staff." finds every sign-in, sign-out and account change
    object_id: str = ""  # a complaint reference, a user id, …
    actor: str = ""  # a username (as shown) or an actor id such as "staff:12"
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class TrailPage:
    entries: list[AuditEntry]
    # Pass as ``before`` for the next, older page; None on the last page.
    next_before: int | None


def _day_start(day: dt.date) -> dt.datetime:
    zone = ZoneInfo(str(settings.SORI_TIME_ZONE or "Asia/Seoul"))
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _filtered(filters: TrailFilter) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if filters.action.strip():
        entries = entries.filter(action__startswith=filters.action.strip())
    if filters.object_id.strip():
        wanted = filters.object_id.strip()
        # References are upper case; accept what a person types in lower case too.
        entries = entries.filter(object_id__in={wanted, wanted.upper()})
    if filters.actor.strip():
        who = filters.actor.strip()
        entries = entries.filter(Q(actor=who) | Q(actor_label=who))
    if filters.since is not None:
        entries = entries.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(occurred_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return entries


def _page(entries: QuerySet[AuditEntry], before: int | None, size: int) -> TrailPage:
    # Keyset pagination on the unique ``seq``: each page costs the same however deep it is.
    if before is not None:
        entries = entries.filter(seq__lt=before)
    rows = list(entries.order_by("-seq")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return TrailPage(entries=rows, next_before=rows[-1].seq if more and rows else None)


def trail_page(
    *, viewer: Actor, filters: TrailFilter, before: int | None = None, size: int = PAGE_SIZE
) -> TrailPage:
    """The newest entries first, ``size`` at a time, for the trail's readers (ISO 10002 8.1)."""
    _require_reader(viewer)
    return _page(_filtered(filters), before, size)


def personal_data_views(
    *,
    viewer: Actor,
    staff: str = "",
    complaint: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> TrailPage:
    """Who was shown which complaint's personal data and when, newest first (ISO 10002 4.10)."""
    _require_reader(viewer)
    entries = _filtered(TrailFilter(object_id=complaint, actor=staff, since=since, until=until))
    return _page(entries.filter(action__in=PERSONAL_DATA_ACTIONS), before, size)


def check_trail(*, viewer: Actor) -> list[chain.Break]:
    """``verify_trail`` for a reader of the trail: it reads and changes nothing (ISO 10002 4.9)."""
    _require_reader(viewer)
    return verify_trail()
