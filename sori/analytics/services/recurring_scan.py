"""The recurring-issue scan: groups of complaints that belong together (ISO 10002 8.2).

ISO 10002 8.2 asks that complaints be classified and analysed to identify systemic, recurring and
single problems and trends. The scan looks at the complaints received in a window (90 days by
default) three ways and stores what it finds as ``RecurringGroup`` rows:

1. **similar text** — the same complaint said again (a template letter, a re-posted petition, one
   fault described by many customers): subject and description through
   ``sori.analytics.text_groups.group_similar`` (character n-gram TF-IDF, Korean and English),
   compared only within the same category (and the same product or service, when recorded);
2. **the same complainant coming back** — one person (the blind index of their e-mail address,
   else of their phone number; nothing is decrypted) with at least ``SORI_RECURRING_RETURNING_MIN``
   complaints in the window, found by one grouped aggregate;
3. **a category rising** — complaints per top-level category in the last 30 days against the mean
   of the months before them, flagged when a Poisson test finds the count unlikely
   (P(X ≥ count) < 0.01) and it exceeds the expected by at least ``SORI_RECURRING_RISE_MIN_EXCESS``.

A group found again keeps its record: a finding is matched to the stored group of the same kind
and key that shares the most members with it, so dismissals and improvement actions stick while
a group grows. Members are only ever added (the evidence behind an action stays linked); a group
the scan no longer finds stays as it was, its ``scanned_at`` telling when it was last seen.

Stored fields beyond the model's names: for a similar-text group ``key`` is
``<category code>|<product or service>`` and ``score`` the mean pairwise cosine similarity; for a
returning complainant ``key`` is a digest of the blind index (never the address itself) and
``score`` 0; for a rising category ``key`` is the category's code and ``score`` the number of
complaints expected in 30 days.

The reading and the text grouping run before the transaction; the writes and the audit entry run
in one short transaction, one scan at a time. The worker runs ``scheduled_scan`` every
``SORI_RECURRING_SCAN_SECONDS``; "scan now" (``request_scan``) queues ``scan_in_background``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils.translation import gettext as _
from django_tasks import task

from sori.accounts.services import actor_for_user
from sori.analytics.filters import time_zone
from sori.analytics.models import GroupKind, RecurringGroup
from sori.audit.models import AuditEntry
from sori.audit.services import record
from sori.complaints.models import Category, Complaint
from sori.complaints.workflow import Status
from sori.core import clock
from sori.core.actors import SYSTEM, Actor
from sori.core.errors import Forbidden, InvalidInput

if TYPE_CHECKING:
    from sori.analytics.text_groups import TextItem

SCANNED = "sori.analytics.recurring_scanned"
DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 730
# The rise is judged over the last 30 days, against the same length of time before them.
RECENT_DAYS = 30
# The baseline is the rest of the window when it holds two months or more, else six months.
SHORT_WINDOW_BASELINE_DAYS = 150
MIN_BASELINE_DAYS = 28
SIGNIFICANCE = 0.01
# Rows read per round trip while collecting the texts.
CHUNK = 2000
# Rows per IN (...) list: under every database's limit on query parameters.
IN_BATCH = 500
# Any fixed number: the PostgreSQL advisory lock that keeps two scans from writing at once.
_LOCK_KEY = 0x5A0B_8200
_SNIPPET = 120
# Who may start a scan by hand: those who decide about its groups.
SCAN_REQUESTERS = frozenset({"complaints_manager", "top_management"})


def interval_seconds() -> float:
    """How often the worker runs the scan (``SORI_RECURRING_SCAN_SECONDS``, 6 hours by default)."""
    return float(getattr(settings, "SORI_RECURRING_SCAN_SECONDS", 21600))


def text_limit() -> int:
    """The most recent texts the similar-text detector reads (``SORI_RECURRING_MAX_TEXTS``)."""
    return int(getattr(settings, "SORI_RECURRING_MAX_TEXTS", 20000))


def returning_minimum() -> int:
    return max(2, int(getattr(settings, "SORI_RECURRING_RETURNING_MIN", 3)))


def rise_min_excess() -> int:
    return int(getattr(settings, "SORI_RECURRING_RISE_MIN_EXCESS", 5))


def similarity_threshold() -> float:
    from sori.analytics.text_groups import DEFAULT_THRESHOLD

    return float(getattr(settings, "SORI_RECURRING_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class ScanSummary:
    """What one scan read and found; stored as the data of its audit entry."""

    scanned_at: dt.datetime
    window_from: dt.datetime
    window_days: int
    texts_read: int
    text_limit: int
    # True when the window held more texts than the limit: only the most recent were compared.
    texts_capped: bool
    similar: int
    returning: int
    rising: int
    # Days of history the rising-category test compared against; 0 when there was too little.
    baseline_days: int
    created: int
    updated: int

    @property
    def found(self) -> int:
        return self.similar + self.returning + self.rising

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["scanned_at"] = self.scanned_at.isoformat()
        data["window_from"] = self.window_from.isoformat()
        return data


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    members: list[int]  # complaint ids, oldest first
    score: float
    title: str = ""
    received: list[dt.datetime] = field(default_factory=list)


def scan_recurring(
    *,
    now: dt.datetime | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    actor: Actor = SYSTEM,
) -> ScanSummary:
    """Find and store the recurring groups of the ``window_days`` before ``now`` (ISO 10002 8.2)."""
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(
            _("The scan window must be between 1 and %(days)d days.") % {"days": MAX_WINDOW_DAYS},
            code="invalid_window",
            field="window_days",
        )
    now = now or clock.now()
    start = now - dt.timedelta(days=window_days)
    # Every complaint counts, whoever runs the scan: the pages show each viewer only the members
    # they may see. Merged duplicates are the same complaint twice and are left out.
    base = Complaint.objects.exclude(status=Status.MERGED)
    in_window = base.filter(received_at__gte=start, received_at__lte=now)
    limit = text_limit()
    similar, texts_read, capped = _similar_text(in_window, window_days, limit)
    returning = _returning(in_window)
    rising, baseline_days = _rising(base, now, window_days)
    with transaction.atomic():
        _one_scan_at_a_time()
        created, updated = _store([*similar, *returning, *rising], now)
        summary = ScanSummary(
            scanned_at=now,
            window_from=start,
            window_days=window_days,
            texts_read=texts_read,
            text_limit=limit,
            texts_capped=capped,
            similar=len(similar),
            returning=len(returning),
            rising=len(rising),
            baseline_days=baseline_days,
            created=created,
            updated=updated,
        )
        record(
            action=SCANNED,
            actor=actor,
            object_type="recurring_scan",
            object_id=now.isoformat(timespec="seconds")[:64],
            data=summary.as_data(),
            iso_clause="8.2",
        )
    return summary


@task()
def scan_in_background(user_id: int | None = None) -> dict[str, Any]:
    """The scan as a background task, named after the person who asked for it."""
    actor = SYSTEM
    if user_id is not None:
        user = get_user_model().objects.filter(pk=user_id).first()
        actor = (actor_for_user(user) if user is not None else None) or SYSTEM
    return scan_recurring(actor=actor).as_data()


def request_scan(*, actor: Actor) -> None:
    """“Scan now”: the scan runs in the worker, as it can take a minute on a large window (8.2)."""
    if not (actor.is_staff and actor.role in SCAN_REQUESTERS):
        raise Forbidden(_("Only complaints managers and top management start a scan."))
    scan_in_background.enqueue(actor.user_id)


def scheduled_scan() -> ScanSummary | None:
    """The worker's periodic job: a scan, unless one ran less than half an interval ago.

    Every worker runs its periodic jobs; this keeps several workers from scanning in turn.
    """
    last = (
        AuditEntry.objects.filter(action=SCANNED)
        .order_by("-seq")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if last is not None and (clock.now() - last).total_seconds() < interval_seconds() / 2:
        return None
    return scan_recurring()


# --- 1. similar text ---------------------------------------------------------------------------


def _text_key(category: str | None, product: str) -> str:
    product = " ".join(product.split())
    return f"{category or ''}|{product}"[:200]


def _similar_text(
    rows: QuerySet[Complaint], window_days: int, limit: int
) -> tuple[list[Finding], int, bool]:
    """Groups of near-identical texts in one category (and product); the newest ``limit`` texts."""
    # Imported here: scikit-learn and SciPy load in the process that scans, not in every page.
    from sori.analytics.text_groups import MAX_CHARS, TextItem, group_similar, normalise_text

    zone = time_zone()
    query = rows.order_by("-received_at", "-pk").values_list(
        "pk",
        "subject",
        Substr("description", 1, MAX_CHARS),
        "received_at",
        "category__code",
        "product_or_service",
    )[: limit + 1]
    items: list[TextItem] = []
    received: dict[int, dt.datetime] = {}
    subjects: dict[int, str] = {}
    capped = False
    # Pages of rows, not the whole result at once.
    for pk, subject, description, when, category, product in query.iterator(chunk_size=CHUNK):
        if len(items) == limit:
            capped = True
            break
        text = f"{subject}\n{description}" if subject else description
        items.append(
            TextItem(pk, text, when.astimezone(zone).date(), _text_key(category, product or ""))
        )
        received[pk] = when
        subjects[pk] = subject or normalise_text(description)[:_SNIPPET]
    findings = []
    for group in group_similar(items, threshold=similarity_threshold(), window_days=window_days):
        members = [cast(int, member) for member in group.members]
        findings.append(
            Finding(
                kind=GroupKind.SIMILAR,
                key=group.key or "",
                members=members,
                score=group.score,
                title=subjects[members[0]][:300],
                received=[received[member] for member in members],
            )
        )
    return findings, len(items), capped


# --- 2. the same complainant coming back -------------------------------------------------------


def _identity() -> Case:
    # The person by the blind index of their e-mail address, else of their phone number.
    return Case(
        When(
            ~Q(complainant__email_index=""),
            then=Concat(Value("e:"), F("complainant__email_index")),
        ),
        When(
            ~Q(complainant__phone_index=""),
            then=Concat(Value("p:"), F("complainant__phone_index")),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def _returning(rows: QuerySet[Complaint]) -> list[Finding]:
    people = (
        rows.filter(complainant__isnull=False)
        .annotate(identity=_identity())
        .exclude(identity="")
        .values("identity")
        .annotate(complaints=Count("pk"))
        .filter(complaints__gte=returning_minimum())
        .values("identity")
    )
    members: dict[str, list[tuple[int, dt.datetime]]] = defaultdict(list)
    found = (
        rows.filter(complainant__isnull=False)
        .annotate(identity=_identity())
        .filter(identity__in=people)
        .order_by("received_at", "pk")
        .values_list("identity", "pk", "received_at")
    )
    for identity, pk, when in found.iterator(chunk_size=CHUNK):
        members[identity].append((pk, when))
    return [
        Finding(
            kind=GroupKind.RETURNING,
            # A digest of the blind index: the group names the person without revealing anything.
            key="person:" + hashlib.sha256(identity.encode()).hexdigest()[:32],
            members=[pk for pk, _when in rows_],
            score=0.0,
            received=[when for _pk, when in rows_],
        )
        for identity, rows_ in members.items()
    ]


# --- 3. a category rising ----------------------------------------------------------------------


def _top_category() -> Coalesce:
    return Coalesce("category__parent__parent_id", "category__parent_id", "category_id")


def _baseline_start(recent_start: dt.datetime, window_days: int) -> dt.datetime | None:
    """Where the baseline begins: the window before the last 30 days, or six months, but never
    before the first complaint on record (a new installation has no history to compare with)."""
    length = window_days - RECENT_DAYS
    if length < 2 * RECENT_DAYS:
        length = SHORT_WINDOW_BASELINE_DAYS
    start = recent_start - dt.timedelta(days=length)
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return None
    start = max(start, first)
    if (recent_start - start).total_seconds() < MIN_BASELINE_DAYS * 86400:
        return None
    return start


def _rising(
    rows: QuerySet[Complaint], now: dt.datetime, window_days: int
) -> tuple[list[Finding], int]:
    from scipy.stats import poisson  # type: ignore[import-untyped]

    recent_start = now - dt.timedelta(days=RECENT_DAYS)
    baseline_start = _baseline_start(recent_start, window_days)
    if baseline_start is None:
        return [], 0
    baseline_days = (recent_start - baseline_start).total_seconds() / 86400
    counts = (
        rows.filter(received_at__gte=baseline_start, received_at__lte=now, category__isnull=False)
        .annotate(top=_top_category())
        .values("top")
        .annotate(
            recent=Count("pk", filter=Q(received_at__gte=recent_start)),
            before=Count("pk", filter=Q(received_at__lt=recent_start)),
        )
    )
    expected_by_top: dict[int, float] = {}
    for row in counts:
        expected = row["before"] * RECENT_DAYS / baseline_days
        observed = row["recent"]
        if observed - expected < rise_min_excess():
            continue
        # P(X ≥ observed) for a Poisson count with the baseline's mean.
        chance = 0.0 if expected <= 0 else float(poisson.sf(observed - 1, expected))
        if chance < SIGNIFICANCE:
            expected_by_top[row["top"]] = expected
    if not expected_by_top:
        return [], round(baseline_days)
    codes = dict(Category.objects.filter(pk__in=expected_by_top).values_list("pk", "code"))
    members: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    found = (
        rows.filter(received_at__gte=recent_start, received_at__lte=now)
        .annotate(top=_top_category())
        .filter(top__in=list(expected_by_top))
        .order_by("received_at", "pk")
        .values_list("top", "pk", "received_at")
    )
    for top, pk, when in found.iterator(chunk_size=CHUNK):
        members[top].append((pk, when))
    findings = [
        Finding(
            kind=GroupKind.RISING,
            key=codes[top],
            members=[pk for pk, _when in rows_],
            score=round(expected_by_top[top], 2),
            title=codes[top],
            received=[when for _pk, when in rows_],
        )
        for top, rows_ in members.items()
    ]
    return findings, round(baseline_days)


# --- storing ------------------------------------------------------------------------------------


def _one_scan_at_a_time() -> None:
    # SQLite's IMMEDIATE transactions already admit one writer; PostgreSQL needs a lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _batches(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), IN_BATCH):
        yield values[start : start + IN_BATCH]


def _fingerprint(kind: str, key: str, first: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"{kind}:{digest}:{first}"


def _stored_groups(kind: str, members: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """complaint id → the stored groups of ``kind`` it belongs to, with their keys."""
    through = RecurringGroup.complaints.through
    owners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for batch in _batches(sorted(set(members))):
        rows = through.objects.filter(
            complaint_id__in=batch, recurringgroup__kind=kind
        ).values_list("complaint_id", "recurringgroup_id", "recurringgroup__key")
        for complaint_id, group_id, key in rows:
            owners[complaint_id].append((group_id, key))
    return owners


def _store(findings: list[Finding], now: dt.datetime) -> tuple[int, int]:
    """Match each finding to its stored group (or a new one), add its members, refresh the sizes."""
    matched: list[tuple[Finding, int]] = []
    new: list[Finding] = []
    by_kind: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_kind[finding.kind].append(finding)
    for kind, kind_findings in by_kind.items():
        owners = _stored_groups(kind, (pk for f in kind_findings for pk in f.members))
        claimed: set[int] = set()
        # The largest finding chooses first, so a group that split keeps its record in its
        # larger part.
        for finding in sorted(kind_findings, key=lambda f: (-len(f.members), f.members[0])):
            overlap = Counter(
                group_id
                for pk in finding.members
                for group_id, key in owners.get(pk, [])
                if key == finding.key and group_id not in claimed
            )
            if overlap:
                group_id = min(overlap, key=lambda g: (-overlap[g], g))
                claimed.add(group_id)
                matched.append((finding, group_id))
            else:
                new.append(finding)
    created = _create(new, now)
    touched = matched + created
    through = RecurringGroup.complaints.through
    through.objects.bulk_create(
        [
            through(recurringgroup_id=group_id, complaint_id=pk)
            for finding, group_id in touched
            for pk in finding.members
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    _refresh(dict((group_id, finding) for finding, group_id in matched), now)
    return len(created), len(matched)


def _create(findings: list[Finding], now: dt.datetime) -> list[tuple[Finding, int]]:
    """New groups for the findings no stored group matched, each under a fingerprint of its own."""
    if not findings:
        return []
    wanted = {_fingerprint(f.kind, f.key, f.members[0]): f for f in findings}
    taken: set[str] = set()
    for start in range(0, len(wanted), IN_BATCH):
        names = list(wanted)[start : start + IN_BATCH]
        taken.update(
            RecurringGroup.objects.filter(fingerprint__in=names).values_list(
                "fingerprint", flat=True
            )
        )
    # Rare: a stored group already has the name (its first member now starts a new finding).
    for base in list(taken):
        taken.update(
            RecurringGroup.objects.filter(fingerprint__startswith=f"{base}:").values_list(
                "fingerprint", flat=True
            )
        )
    rows = []
    for base, finding in wanted.items():
        fingerprint, suffix = base, 1
        while fingerprint in taken:
            suffix += 1
            fingerprint = f"{base}:{suffix}"
        rows.append(
            RecurringGroup(
                kind=finding.kind,
                fingerprint=fingerprint,
                key=finding.key,
                title=finding.title,
                score=finding.score,
                size=len(finding.members),
                first_at=min(finding.received),
                last_at=max(finding.received),
                detected_at=now,
                scanned_at=now,
            )
        )
    RecurringGroup.objects.bulk_create(rows, batch_size=500)
    ids: dict[str, int] = {}
    names = [row.fingerprint for row in rows]
    for start in range(0, len(names), IN_BATCH):
        ids.update(
            RecurringGroup.objects.filter(
                fingerprint__in=names[start : start + IN_BATCH]
            ).values_list("fingerprint", "pk")
        )
    return [
        (finding, ids[row.fingerprint]) for row, finding in zip(rows, wanted.values(), strict=True)
    ]


def _refresh(touched: dict[int, Finding], now: dt.datetime) -> None:
    """Size and first / last received of the groups found again, from all their members."""
    through = RecurringGroup.complaints.through
    # One grouped row per group: its member count and first / last received.
    members: Any = through.objects.filter(recurringgroup_id=OuterRef("pk")).values(
        "recurringgroup_id"
    )
    changed = []
    for batch in _batches(sorted(touched)):
        RecurringGroup.objects.filter(pk__in=batch).update(
            size=Subquery(members.annotate(n=Count("complaint_id")).values("n")),
            first_at=Subquery(members.annotate(at=Min("complaint__received_at")).values("at")),
            last_at=Subquery(members.annotate(at=Max("complaint__received_at")).values("at")),
            scanned_at=now,
        )
        # The score (and a similar group's title) follow the latest finding; most do not move.
        for pk, score, title in RecurringGroup.objects.filter(pk__in=batch).values_list(
            "pk", "score", "title"
        ):
            finding = touched[pk]
            new_title = finding.title or title
            if score != finding.score or title != new_title:
                changed.append(RecurringGroup(pk=pk, score=finding.score, title=new_title))
    RecurringGroup.objects.bulk_update(changed, ["score", "title"], batch_size=500)
