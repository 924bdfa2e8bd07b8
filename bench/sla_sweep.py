"""What the SLA clocks cost: the worker's periodic sweep, and the clocks started at intake (ISO 10002 7.3).

Fills a fresh database with ``bench/queue.py``'s complaints (100,000 per scale), gives them the
decision and closure timers the engine would have left on them under the shipped ``iso-default``
policy, then prints:

1. the idle sweep, ``sweep_timers()`` when nothing is due (p50/p95), with the plan of its
   selection query: it must read the ``next_alert_at`` index, not the whole timer table;
2. a sweep with a small share of the running timers due (warnings and breaches: outbox rows,
   timeline events, audit entries), in seconds and milliseconds per timer;
3. intake: ``start_on_receipt`` on a fresh complaint, and the policy choice alone (p50/p95).

    python bench/sla_sweep.py --scale 1       # 100,000 complaints in a fresh SQLite file
    python bench/sla_sweep.py --scale 0.01    # 1,000: a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sori_bench_sla python bench/sla_sweep.py --scale 0.1

``--data-dir`` keeps the database (a later run of the same scale reuses the complaints, also
those of ``bench/queue.py``; the timers are made again on every run). With ``DATABASE_URL`` the
database must be empty (fresh from ``createdb``); its keys are written into the data directory.

Timers, as the engine leaves them: every complaint has a decision and a closure timer (counted
from receipt, 14 and 30 calendar days). Closed complaints' timers are stopped (met or missed),
withdrawn and merged ones' cancelled; an open complaint awaiting the complainant has both paused,
one whose decision went out has its decision timer stopped. A running timer carries the warnings
and breach already passed as sent, and ``next_alert_at`` is its next alert, except for a sample
of ``--due-share`` of the running timers (half warnings, half breaches) whose last passed alert
the sweep has not sent yet.
Staff get email addresses and half the sampled complaints a complainant with one, so the notices
are written. No mail leaves: messages go to the database task queue, which no worker reads here,
and the mail backend is swapped for Django's in-memory one.
"""

from __future__ import annotations

import sys

# Run as ``python bench/sla_sweep.py``, this folder comes first on the path, and bench/queue.py
# would hide the standard library's ``queue`` (which Django's threads import).
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    del sys.path[0]

import argparse
import datetime as dt
import importlib.util
import os
import random
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("decision", "close")
DECIDED = ("decision_communicated", "escalated", "referred")
CANCELLED = ("withdrawn", "merged")
BATCH = 2_000
BENCH_PREFIX = "BENCH-"


def load_queue_bench() -> ModuleType:
    """bench/queue.py, loaded from its file (its name would shadow the standard library's)."""
    spec = importlib.util.spec_from_file_location("sori_bench_queue", HERE / "queue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare_environment(data_dir: Path) -> None:
    """Messages go to the database task queue (no worker here); PostgreSQL gets keys of its own."""
    os.environ["SORI_TASKS_IMMEDIATE"] = "0"
    os.environ["SORI_SMTP_HOST"] = "127.0.0.1"
    if not os.environ.get("DATABASE_URL"):
        return
    from sori.privacy.crypto import FieldKey

    # On PostgreSQL Sori never generates keys; this throwaway installation keeps its own.
    os.environ["SORI_DATA_DIR"] = str(data_dir)
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700, exist_ok=True)
    for name, make in (
        ("SORI_SECRET_KEY", lambda: secrets.token_urlsafe(48)),
        ("SORI_FIELD_KEYS", lambda: FieldKey.generate().encoded()),
        ("SORI_BLIND_INDEX_KEY", lambda: secrets.token_urlsafe(48)),
    ):
        stored = keys / name.lower()
        if not os.environ.get(name) and not stored.exists():
            stored.write_text(make() + "\n", encoding="utf-8")
            stored.chmod(0o600)


def no_mail_leaves() -> None:
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        sys.exit(f"Tasks would run at once ({backend}); unset SORI_TASKS_IMMEDIATE.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Alerts:
    """A timer's alerts (warnings, holding reply, breach) as ``sori.sla.alerts.pending`` lists them,
    with the targets read once instead of once per timer."""

    def __init__(self, policy: Any, targets: dict[str, Any], calendar: Any) -> None:
        from sori.sla import alerts

        self.alerts, self.calendar, self.targets = alerts, calendar, targets
        self.percents = alerts.warn_percentages(policy.warn_percentages)

    def of(self, timer: Any) -> list[tuple[dt.datetime, str, int]]:
        instant = self.alerts.instant_at
        items = [(instant(timer, self.calendar, p), "warning", p) for p in self.percents]
        holding = self.targets[timer.stage].holding_notice_percent
        if holding:
            items.append((instant(timer, self.calendar, holding), "holding", holding))
        items.append((timer.due_at, "breach", 100))
        return sorted(items)


def settle(timer: Any, items: list[tuple[dt.datetime, str, int]], upto: dt.datetime) -> None:
    """Mark the alerts up to ``upto`` as sent, as the sweep would have; the next one is due."""
    timer.next_alert_at = None
    for when, kind, percent in items:
        if when > upto:
            timer.next_alert_at = when
            return
        if kind == "warning":
            timer.warned_percent = max(timer.warned_percent, percent)
        elif kind == "holding":
            timer.holding_sent_at = when
        else:
            timer.breached_at, timer.warned_percent = when, 100


def make_timers(now: dt.datetime, rng: random.Random, due_share: float) -> dict[str, Any]:
    from django.db import connection

    from sori.complaints.models import Complaint
    from sori.sla.calendar import Unit
    from sori.sla.calendars import calendar_for
    from sori.sla.models import SlaPolicy, Timer, TimerState

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Timer._meta.db_table)}")  # noqa: S608
    policy = SlaPolicy.objects.select_related("calendar").get(code="iso-default")
    targets = {t.stage: t for t in policy.targets.filter(stage__in=STAGES)}
    calendar = calendar_for(policy)
    schedule = Alerts(policy, targets, calendar)
    pending: list[Any] = []
    running: list[tuple[Any, list[tuple[dt.datetime, str, int]]]] = []
    total = 0

    def flush() -> None:
        nonlocal pending, total
        Timer.objects.bulk_create(pending, batch_size=500)
        total += len(pending)
        pending = []

    rows = Complaint.objects.order_by("pk").values_list(
        "pk", "status", "received_at", "closed_at", "reopened_count"
    )
    for pk, status, received_at, closed_at, reopened in rows.iterator(chunk_size=5_000):
        age = (now - received_at).total_seconds()
        decided_at = received_at + dt.timedelta(seconds=age * rng.uniform(0.3, 0.95))
        if closed_at is not None:
            decided_at = received_at + (min(closed_at, now) - received_at) * rng.uniform(0.4, 1)
        for stage in STAGES:
            target = targets[stage]
            due = calendar.add(received_at, target.amount, Unit(target.unit))
            timer = Timer(
                complaint_id=pk, stage=stage, round=reopened, policy=policy,
                amount=target.amount, unit=target.unit, state=TimerState.RUNNING,
                started_at=received_at, due_at=due, original_due_at=due,
            )  # fmt: skip
            items = schedule.of(timer)
            stopped_at = None
            if status in CANCELLED:
                timer.state, stopped_at = TimerState.CANCELLED, min(closed_at or now, now)
            elif closed_at is not None:
                stopped_at = decided_at if stage == "decision" else min(closed_at, now)
            elif stage == "decision" and status in DECIDED:
                stopped_at = decided_at
            elif status == "awaiting_complainant":
                timer.state = TimerState.PAUSED
                timer.paused_at = received_at + dt.timedelta(seconds=age * rng.uniform(0.2, 0.9))
                settle(timer, items, timer.paused_at)
                timer.next_alert_at = None
            if stopped_at is not None:
                settle(timer, items, stopped_at)
                if timer.state == TimerState.RUNNING:
                    timer.state = TimerState.MET if stopped_at <= due else TimerState.MISSED
                timer.stopped_at, timer.next_alert_at = stopped_at, None
            if timer.state == TimerState.RUNNING:
                running.append((timer, items))
            else:
                pending.append(timer)
        if len(pending) >= BATCH:
            flush()
    # Due at "now": per kind of alert (warning, breach), the timers whose last passed alert of
    # that kind came most recently, as if the sweep had last run just before them; that alert is
    # left unsent. The share is split evenly between the kinds, so each is measured: left to
    # chance nearly all would be warnings by day (calendar-day deadlines all fall at midnight).
    late: dict[str, list[tuple[dt.datetime, int]]] = {}
    for index, (_timer, items) in enumerate(running):
        passed = [item for item in items if item[0] <= now]
        if passed:
            late.setdefault(passed[-1][1], []).append((passed[-1][0], index))
    count = max(1, round(due_share * len(running)))
    sampled: set[int] = set()
    for number, kind in enumerate(sorted(late)):
        share = (count - len(sampled)) // (len(late) - number)
        sampled.update(index for _when, index in sorted(late[kind], reverse=True)[:share])
    count = len(sampled)
    kinds: list[tuple[Any, str]] = []
    breaches: dict[dt.datetime, int] = {}  # deadline -> running timers that breach then
    for index, (timer, items) in enumerate(running):
        if index in sampled:
            last = max(i for i, item in enumerate(items) if item[0] <= now)
            settle(timer, items[:last], now)
            timer.next_alert_at = items[last][0]
            kinds.append((timer, items[last][1]))
        else:
            settle(timer, items, now)
            if timer.next_alert_at is not None and timer.breached_at is None:
                breaches[timer.due_at] = breaches.get(timer.due_at, 0) + 1
        pending.append(timer)
        if len(pending) >= BATCH:
            flush()
    flush()
    return {
        "total": total,
        "running": len(running),
        "due": count,
        "kinds": {timer.pk: kind for timer, kind in kinds},
        "due_complaints": [timer.complaint_id for timer, _kind in kinds],
        "next_breaches": min(breaches.items()) if breaches else None,
        "seconds": time.perf_counter() - started,
    }


def give_addresses(due_complaints: list[int], rng: random.Random) -> int:
    """Staff get email addresses; half the due complaints a complainant with one (7.3 notices)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Value
    from django.db.models.functions import Concat

    from sori.complaints.models import Complainant, Complaint
    from sori.privacy import keys

    users = get_user_model().objects.filter(staff_profile__isnull=False, email="")
    users.update(email=Concat("username", Value("@example.com")))
    given = 0
    with transaction.atomic():
        for complaint in Complaint.objects.filter(pk__in=due_complaints, complainant__isnull=True):
            if rng.random() < 0.5:
                continue
            email = f"complainant-{complaint.pk}@example.com"
            complaint.complainant = Complainant.objects.create(
                name="김민지" if complaint.language == "ko" else "Alex Morgan",
                email=email,
                email_index=keys.email_index(email),
                preferred_language=complaint.language,
            )
            complaint.save(update_fields=["complainant"])
            given += 1
    return given


def written() -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    from sori.audit.models import AuditEntry
    from sori.complaints.models import ComplaintEvent
    from sori.messaging.models import OutboundMessage

    return {
        "outbox messages": OutboundMessage.objects.count(),
        "timeline events": ComplaintEvent.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        "queued tasks": DBTaskResult.objects.count(),
    }


def fresh_complaint(number: int, category: Any) -> Any:
    from sori.complaints.models import Complaint

    return Complaint.objects.create(
        reference=f"{BENCH_PREFIX}{number}",
        access_code_hash="0" * 64,
        channel="web",
        received_at=dt.datetime.now(dt.UTC),
        language="ko",
        subject="배송 지연",
        description="주문한 냉장고가 약속된 날짜보다 2주가 지나도 도착하지 않았습니다.",
        category=category,
        unit_id=category.unit_id,
        status="received",
    )


def percentiles(times: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return cuts[49], cuts[94]


def time_intake(q: ModuleType, repeat: int, warmup: int = 3) -> list[tuple[str, float, float]]:
    """``start_on_receipt`` inside the intake's transaction (its commit not counted)."""
    from django.db import transaction

    from sori.complaints.models import Category
    from sori.sla.choice import choose
    from sori.sla.services import clocks

    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()
    times = []
    for number in range(warmup + repeat):
        complaint = fresh_complaint(number, category)
        with transaction.atomic():
            started = time.perf_counter()
            clocks.start_on_receipt(complaint=complaint)
            elapsed = (time.perf_counter() - started) * 1000
        if number >= warmup:
            times.append(elapsed)
    at = complaint.received_at
    return [
        ("start_on_receipt, fresh complaint (5 stages)", *percentiles(times)),
        ("choose (the policy choice alone)", *q.measure(lambda: choose(complaint, at), repeat)),
    ]


def warm_up() -> None:
    """What a running worker has loaded already: the URLconf (the first status link imports it,
    about 0.4 s) and the compiled message templates. Reads only."""
    from django.utils import timezone

    from sori.complaints.models import Complaint
    from sori.messaging.rendering import render, render_staff

    complaint = Complaint.objects.order_by("pk").first()
    assert complaint is not None
    for language in ("ko", "en"):
        for key in ("overdue_notice", "holding_reply"):
            render(complaint=complaint, key=key, language=language)
        for key in ("sla_warning", "sla_breached"):
            context = {"stage": "decision", "percent": 75, "due_at": timezone.now()}
            render_staff(complaint=complaint, key=key, language=language, context=context)


def timed_sweep(kinds: dict[int, str]) -> tuple[int, float, dict[str, list[float]]]:
    """``sweep_timers()`` once, with each timer's handling also timed, by the alert it was due for."""
    from sori.sla.services import sweep

    handle, per_kind = sweep._handle, dict[str, list[float]]()

    def timed(pk: int, now: dt.datetime) -> int:
        started = time.perf_counter()
        try:
            return handle(pk, now)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            per_kind.setdefault(kinds.get(pk, "other"), []).append(elapsed)

    sweep._handle = timed
    try:
        started = time.perf_counter()
        handled = sweep.sweep_timers()
        return handled, time.perf_counter() - started, per_kind
    finally:
        sweep._handle = handle


def explain(sql: str) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return [str(row[-1]) for row in cursor.fetchall()]


def run(options: argparse.Namespace, data_dir: Path) -> None:
    q = load_queue_bench()
    prepare_environment(data_dir)
    q.setup(data_dir)
    no_mail_leaves()
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sori.complaints.models import Complaint
    from sori.core import clock
    from sori.sla.services.sweep import sweep_timers

    total = max(1, round(options.scale * q.PER_SCALE))
    marker = data_dir / f"filled-{total}"
    fill_figures = None
    if Complaint.objects.exists():
        if not marker.exists():
            sys.exit("The database already holds complaints: give a fresh one.")
        print(f"Reusing the {total:,} complaints already in {data_dir}", file=sys.stderr)
        Complaint.objects.filter(reference__startswith=BENCH_PREFIX).delete()
    else:
        print(f"Filling {total:,} complaints ({connection.vendor}) …", file=sys.stderr)
        fill_figures = q.fill(total, random.Random(q.SEED))
        marker.touch()
    rng = random.Random(q.SEED + 5)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    print("Making the timers …", file=sys.stderr)
    timers = make_timers(now, rng, options.due_share)
    complainants = give_addresses(timers["due_complaints"], rng)
    analyzed = options.analyze or connection.vendor == "postgresql"
    if analyzed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    warm_up()
    with clock.frozen_at(now):
        before = written()
        handled, due_seconds, per_kind = timed_sweep(timers["kinds"])
        after = written()
        with CaptureQueriesContext(connection) as captured:
            idle_handled = sweep_timers()
        idle = q.measure(sweep_timers, options.repeat)
    assert handled == timers["due"], (handled, timers["due"])
    assert idle_handled == 0, idle_handled
    intake = time_intake(q, options.repeat)
    sent = len(getattr(mail, "outbox", []))
    assert sent == 0, f"{sent} emails were sent"

    open_count = Complaint.objects.exclude(status__in=list(q.FINAL_WEIGHTS)).count()
    print(f"Sori SLA sweep on {connection.vendor}: {total:,} complaints ({open_count:,} open), "
          f"{os.cpu_count()} CPUs, {options.repeat} timed runs per p50/p95"
          f"{', after ANALYZE' if analyzed else ''}")  # fmt: skip
    if fill_figures is not None:
        print(f"  fill: {fill_figures['inserted']:.0f} s to insert, "
              f"{fill_figures['indexed']:.0f} s to build the search index")  # fmt: skip
    kinds = ", ".join(f"{len(t):,} {kind}" for kind, t in sorted(per_kind.items()))
    print(f"  timers: {timers['total']:,} (decision and closure, policy iso-default), "
          f"{timers['running']:,} running; made in {timers['seconds']:.1f} s")  # fmt: skip
    print(f"  due at 'now': {timers['due']:,} ({timers['due'] / max(timers['running'], 1):.1%} "
          f"of the running; {kinds}); {complainants:,} of their complaints given a complainant")  # fmt: skip
    if timers["next_breaches"]:
        at, many = timers["next_breaches"]
        print(f"  next deadline: {many:,} timers breach together at {at:%Y-%m-%d %H:%M} UTC")
    p50, p95 = idle
    print(f"  {'idle sweep (nothing due)':<48} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms"
          f"   ({len(captured)} {'query' if len(captured) == 1 else 'queries'})")  # fmt: skip
    per_timer = due_seconds * 1000 / max(handled, 1)
    print(f"  {f'sweep with {handled:,} due':<48} {due_seconds:7.2f} s total   {per_timer:7.1f} ms per timer")  # fmt: skip
    for kind, times in sorted(per_kind.items()):
        p50, p95 = percentiles(times)
        noun = "timer" if len(times) == 1 else "timers"
        print(f"    {kind:<46} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({len(times):,} {noun})")
    rows = ", ".join(f"{after[k] - before[k]:,} {k}" for k in after)
    print(f"    written: {rows}; emails sent: {sent}")
    for name, p50, p95 in intake:
        print(f"  {name:<48} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    print("  plan of the sweep's selection query:")
    print(f"    {captured[0]['sql']}")
    for line in explain(captured[0]["sql"]):
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1, help="x 100,000 complaints")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per p50/p95")
    parser.add_argument("--due-share", type=float, default=0.005, help="running timers due")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) the database here")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE before timing")
    options = parser.parse_args()
    if options.data_dir is not None:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        run(options, options.data_dir.resolve())
        return
    with tempfile.TemporaryDirectory(prefix="sori-bench-sla-") as tmp:
        run(options, Path(tmp))


if __name__ == "__main__":
    main()
