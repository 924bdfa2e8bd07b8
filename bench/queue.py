"""How fast the back-office queue answers with 100,000 and 1,000,000 complaints (ISO 10002 7.3).

Fills a fresh database with realistic complaints, then times the queue's selectors as the
queue page calls them, and prints p50/p95 in milliseconds:

    python bench/queue.py --scale 1       # 100,000 complaints in a fresh SQLite file
    python bench/queue.py --scale 10      # 1,000,000
    python bench/queue.py --scale 0.01    # 1,000: a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sori_bench python bench/queue.py --scale 1

Without ``DATABASE_URL`` the database is a SQLite file (WAL, as ``sori serve`` runs it) in a
temporary data directory, or in ``--data-dir`` (kept, and reused by a later run of the same
scale, so the timings can be repeated without filling again). With ``DATABASE_URL`` the
database must be empty (fresh from ``createdb``).

The complaints: two years of intake, Korean and English in about a 65/35 mix, texts drawn from
``/work/shared/data`` (Korean petitions, CFPB consumer complaints; cut to 1,200 characters) when
present, otherwise built from templates; every status (most older complaints closed, most recent
ones open), eight units with three handlers and an investigator each, a category tree, every
channel and priority, internal notes on about one complaint in six, investigation tasks on a few.
Complaints are written with ``bulk_create`` in batches with the search triggers off, then the
search index is built once (``sori.complaints.search.install``).
"""

from __future__ import annotations

import sys

# Run as ``python bench/queue.py``, this folder comes first on the path, and this file's name
# would hide the standard library's ``queue`` (which Django's threads import).
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    del sys.path[0]

import argparse
import csv
import datetime as dt
import gzip
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(os.environ.get("SORI_BENCH_DATA", "/work/shared/data"))
PER_SCALE = 100_000
BATCH = 5_000
TEXT_LIMIT = 1_200
SEED = 10002

SYNTHETIC_KO = [
    ("환불 요청", "구입 후 3일 만에 제품이 고장 났는데 매장에서는 환불을 거부했습니다. 환불을 요청합니다."),
    ("배송 지연", "주문한 냉장고가 약속된 날짜보다 2주가 지나도 도착하지 않았습니다. 고객센터 안내가 매번 달랐습니다."),
    ("이중 결제", "앱에서 결제 버튼을 한 번 눌렀는데 같은 금액이 두 번 빠져나갔습니다. 중복 결제 금액의 환불을 원합니다."),
    ("상담원 응대", "지점을 방문했을 때 담당 직원이 설명 없이 서류를 다시 제출하라고만 했습니다."),
    ("요금 오류", "가입한 적 없는 부가서비스 요금이 청구되었습니다. 부당 청구 금액 환급을 요청합니다."),
]  # fmt: skip
SYNTHETIC_EN = [
    ("Refund refused", "The laptop broke after three days and the shop refused a refund. I ask for a full refund."),
    ("Late delivery", "My order was marked as delivered last Tuesday, but nothing arrived."),
    ("Wrong charge on my bill", "I was charged for three months of a service I cancelled in January."),
    ("Account closed without notice", "My savings account was closed without any letter or email."),
    ("Rude driver", "The bus driver shouted at my elderly mother and drove off before she sat down."),
]  # fmt: skip
NOTES_KO = [
    "불만제기자와 통화함. 추가 자료 요청.",
    "현장 확인 결과 설명과 일치함.",
    "담당 부서에 사실 확인 요청.",
]
NOTES_EN = ["Called the complainant; asked for the receipt.", "Checked the delivery log.", "Asked the branch for CCTV footage."]  # fmt: skip

OPEN_WEIGHTS = {
    "received": 4, "acknowledged": 22, "assessed": 14, "investigating": 26,
    "awaiting_complainant": 8, "response_proposed": 7, "approved": 3,
    "decision_communicated": 10, "escalated": 4, "referred": 2,
}  # fmt: skip
FINAL_WEIGHTS = {"closed": 86, "withdrawn": 9, "merged": 5}
PRIORITY_WEIGHTS = {"low": 15, "normal": 60, "high": 20, "urgent": 5}
DUE_DAYS = {"low": 14, "normal": 14, "high": 7, "urgent": 3}
CHANNEL_WEIGHTS = {"web": 45, "email": 20, "phone": 20, "letter": 4, "in_person": 5, "api": 6}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def load_texts() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(subject, description) pairs in Korean and in English."""
    korean, english = list(SYNTHETIC_KO), list(SYNTHETIC_EN)
    petitions = DATA / "korean_petitions" / "korean_petitions.csv.gz"
    if petitions.exists():
        with gzip.open(petitions, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["content"].strip():
                    korean.append((row["title"][:200], row["content"][:TEXT_LIMIT]))
    cfpb = DATA / "cfpb_consumer_complaints" / "complaints_dev.csv.gz"
    if cfpb.exists():
        with gzip.open(cfpb, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                narrative = row["Consumer complaint narrative"].strip()
                if narrative:
                    subject = row["Sub-issue"] or row["Issue"] or row["Product"]
                    english.append((subject[:200], narrative[:TEXT_LIMIT]))
    return korean, english


def setup(data_dir: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["SORI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sori.config.settings"
    os.environ.setdefault("SORI_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_people() -> dict[str, Any]:
    from sori.accounts.models import Role, Unit
    from sori.accounts.services import create_staff_user
    from sori.complaints.models import Category
    from sori.core.actors import SYSTEM

    names = [
        ("delivery", "배송팀", "Delivery"), ("billing", "요금팀", "Billing"),
        ("stores", "매장운영팀", "Stores"), ("online", "온라인팀", "Online"),
        ("service", "고객서비스팀", "Customer service"), ("products", "제품품질팀", "Product quality"),
        ("finance", "금융상품팀", "Financial products"), ("public", "대외협력팀", "Public affairs"),
    ]  # fmt: skip
    units = [Unit.objects.create(code=code, name_ko=ko, name_en=en) for code, ko, en in names]
    categories: list[Any] = []
    for position, unit in enumerate(units):
        top = Category.objects.create(
            code=f"{unit.code}", label_ko=f"{unit.name_ko} 관련", label_en=f"{unit.name_en}",
            position=position, unit=unit,
        )  # fmt: skip
        categories.append(top)
        for number in range(1, 4):
            categories.append(
                Category.objects.create(
                    code=f"{unit.code}-{number}",
                    parent=top,
                    unit=unit,
                    position=number,
                    label_ko=f"{unit.name_ko} 세부 {number}",
                    label_en=f"{unit.name_en} {number}",
                )
            )
    handlers: dict[int | None, list[int]] = {}
    investigators: dict[int | None, list[int]] = {}
    for unit in units:
        for number in range(3):
            user = create_staff_user(
                actor=SYSTEM, username=f"{unit.code}-handler-{number}", role=Role.HANDLER,
                password=None, unit=unit,
            )  # fmt: skip
            handlers.setdefault(unit.pk, []).append(user.pk)
        user = create_staff_user(
            actor=SYSTEM, username=f"{unit.code}-investigator", role=Role.INVESTIGATOR,
            password=None, unit=unit,
        )  # fmt: skip
        investigators.setdefault(unit.pk, []).append(user.pk)
    pool = create_staff_user(
        actor=SYSTEM, username="intake-handler", role=Role.HANDLER, password=None
    )
    handlers[None] = [pool.pk]
    manager = create_staff_user(
        actor=SYSTEM, username="manager", role=Role.COMPLAINTS_MANAGER, password=None
    )
    return {
        "units": units,
        "categories": categories,
        "handlers": handlers,
        "investigators": investigators,
        "manager": manager.pk,
    }


class Writer:
    """Rows for one table written with ``executemany``: every column, defaults prepared once.

    Much faster than ``bulk_create`` for wide tables; ids are given here, so the rows that refer
    to them can be written in the same batch.
    """

    def __init__(self, model: Any, connection: Any) -> None:
        from django.db.models import DateTimeField

        fields = [f for f in model._meta.concrete_fields if not f.generated]
        self.names = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
        self.moments = {f.attname for f in fields if isinstance(f, DateTimeField)}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.connection = connection
        self.rows: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        data = dict(self.defaults)
        adapt = self.connection.ops.adapt_datetimefield_value
        for name, value in values.items():
            data[name] = adapt(value) if name in self.moments and value is not None else value
        self.rows.append(tuple(data[name] for name in self.names))

    def flush(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, self.rows)
        self.rows = []


def fill(total: int, rng: random.Random, *, search_index: bool = True) -> dict[str, Any]:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from sori.complaints import search
    from sori.complaints.models import Complaint, ComplaintEvent, InvestigationTask

    korean, english = load_texts()
    people = make_people()
    categories = [(c.pk, c.unit_id) for c in people["categories"]]
    manager = people["manager"]
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=730)
    counters: dict[int, int] = {}
    complaints = Writer(Complaint, connection)
    events = Writer(ComplaintEvent, connection)
    tasks = Writer(InvestigationTask, connection)
    event_id = task_id = 0
    search.drop_triggers(connection)
    started = time.perf_counter()
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        moments = sorted(
            start + dt.timedelta(seconds=rng.uniform(0, 730 * 86400)) for _ in range(size)
        )
        for number, received_at in enumerate(moments, start=done + 1):
            recent = (now - received_at).days <= 45
            is_open = rng.random() < (0.75 if recent else 0.015)
            status = pick(rng, OPEN_WEIGHTS if is_open else FINAL_WEIGHTS)
            priority = pick(rng, PRIORITY_WEIGHTS)
            category, unit = rng.choice(categories) if rng.random() < 0.9 else (None, None)
            if unit is not None and rng.random() < 0.05:
                unit = None  # not routed yet: the intake pool
            assignee = None
            if status not in ("received", "acknowledged"):
                assignee = rng.choice(people["handlers"][unit])
            language = "ko" if rng.random() < 0.65 else "en"
            subject, description = rng.choice(korean if language == "ko" else english)
            year = received_at.year
            counters[year] = counters.get(year, 0) + 1
            closed_at = None
            if status in FINAL_WEIGHTS:
                closed_at = received_at + dt.timedelta(days=rng.randint(3, 40))
            complaints.add(
                id=number,
                reference=f"C-{year}-{counters[year]:06d}",
                access_code_hash="0" * 64,
                channel=pick(rng, CHANNEL_WEIGHTS),
                received_at=received_at,
                language=language,
                subject=subject,
                description=description,
                category_id=category,
                status=status,
                priority=priority,
                due_at=received_at + dt.timedelta(days=DUE_DAYS[priority]),
                acknowledged_at=received_at,
                assignee_id=assignee,
                unit_id=unit,
                closed_at=closed_at,
                updated_at=closed_at or received_at,
            )
            event_id += 1
            events.add(
                id=event_id, complaint_id=number, kind="received", to_status="received",
                actor="system", actor_label="system", occurred_at=received_at,
            )  # fmt: skip
            if rng.random() < 0.16:
                notes = NOTES_KO if language == "ko" else NOTES_EN
                for _ in range(rng.randint(1, 2)):
                    event_id += 1
                    events.add(
                        id=event_id, complaint_id=number, kind="note", public=False,
                        actor=f"staff:{manager}", actor_label="manager", note=rng.choice(notes),
                        occurred_at=received_at + dt.timedelta(hours=2),
                    )  # fmt: skip
            if status == "investigating" and rng.random() < 0.2:
                owners = people["investigators"].get(unit) or [manager]
                task_id += 1
                tasks.add(
                    id=task_id, complaint_id=number, title="현장 확인", owner_id=rng.choice(owners),
                    created_by_id=manager, created_at=received_at,
                )  # fmt: skip
        with transaction.atomic():
            complaints.flush()
            events.flush()
            tasks.flush()
        done += size
        print(f"\r  {done:,} / {total:,} complaints", end="", flush=True, file=sys.stderr)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Complaint, ComplaintEvent, InvestigationTask]
        ):
            cursor.execute(statement)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    if search_index:
        with transaction.atomic():
            search.install(connection)
    indexed = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"people": people, "inserted": inserted, "indexed": indexed}


def measure(action: Callable[[], object], repeat: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return cuts[49], cuts[94]


def plan_of(queryset: Any) -> list[str]:
    """The database's plan for a query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL)."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [str(row[-1]) for row in cursor.fetchall()]


def run(options: argparse.Namespace, data_dir: Path) -> None:
    setup(data_dir)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from sori.accounts.services import actor_for_user
    from sori.complaints import queue
    from sori.complaints.models import Complaint
    from sori.complaints.queue import filters as queue_filters
    from sori.complaints.queue import pages as queue_pages

    total = max(1, round(options.scale * PER_SCALE))
    marker = data_dir / f"filled-{total}"
    fill_figures = None
    if Complaint.objects.exists():
        if not marker.exists():
            sys.exit("The database already holds complaints: give a fresh one.")
        print(f"Reusing the {total:,} complaints already in {data_dir}")
    else:
        print(f"Filling {total:,} complaints ({connection.vendor}) …", file=sys.stderr)
        fill_figures = fill(total, random.Random(SEED))
        marker.touch()
    # PostgreSQL's autovacuum keeps statistics in a live system; right after a bulk load it may
    # not have caught up, so analyse as it would. SQLite never does it on its own: --analyze.
    analyzed = options.analyze or connection.vendor == "postgresql"
    if analyzed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    users = get_user_model().objects
    manager = actor_for_user(users.get(username="manager"))
    handler = actor_for_user(users.get(username="delivery-handler-0"))
    assert manager is not None and handler is not None
    translation.activate("ko")
    first = queue.QueueFilter()
    filtered = queue.QueueFilter(priority="high", category="billing", due=queue.DueState.OVERDUE)
    closed = queue.QueueFilter(state=queue.State.CLOSED)
    korean = queue.QueueFilter(q="환불")
    english = queue.QueueFilter(q="refund")
    # Page 20, reached through 19 cursors: keyset pages cost the same however deep.
    cursor = None
    for _ in range(19):
        cursor = queue.queue_page(viewer=manager, query=first, after=cursor).next_cursor
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(users.get(username="manager"))

    def page() -> None:
        answer = client.get("/staff/queue/")
        assert answer.status_code == 200, answer.status_code

    cases: list[tuple[str, Callable[[], object]]] = [
        ("first page, manager, all open", lambda: queue.queue_page(viewer=manager, query=first)),
        ("first page, handler (unit scope)", lambda: queue.queue_page(viewer=handler, query=first)),
        (
            "first page, handler, team tab",
            lambda: queue.queue_page(viewer=handler, query=queue.QueueFilter(view=queue.View.TEAM)),
        ),
        ("page 20 by cursor, manager", lambda: queue.queue_page(viewer=manager, query=first, after=cursor)),
        ("filtered: high, billing tree, overdue", lambda: queue.queue_page(viewer=manager, query=filtered)),
        ("first page, closed complaints, manager", lambda: queue.queue_page(viewer=manager, query=closed)),
        ("search 환불 (Korean), manager", lambda: queue.queue_page(viewer=manager, query=korean)),
        ("search refund (English), manager", lambda: queue.queue_page(viewer=manager, query=english)),
        ("search 환불, handler", lambda: queue.queue_page(viewer=handler, query=korean)),
        ("capped counts (tabs, statuses, result), manager", lambda: queue.queue_counts(viewer=manager, query=first)),
        ("capped counts (tabs, statuses, result), handler", lambda: queue.queue_counts(viewer=handler, query=first)),
        ("whole page GET /staff/queue/, manager", page),
    ]  # fmt: skip
    results = [(name, *measure(action, options.repeat)) for name, action in cases]

    open_count = Complaint.objects.filter(queue.OPEN).count()
    print(f"Sori queue on {connection.vendor}: {Complaint.objects.count():,} complaints "
          f"({open_count:,} open), {os.cpu_count()} CPUs, {options.repeat} timed runs each"
          f"{', after ANALYZE' if analyzed else ''}")  # fmt: skip
    if fill_figures is not None:
        print(f"  fill: {fill_figures['inserted']:.0f} s to insert, "
              f"{fill_figures['indexed']:.0f} s to build the search index")  # fmt: skip
    if connection.vendor == "sqlite":
        size = sum(path.stat().st_size for path in data_dir.glob("sori.sqlite3*"))
        print(f"  database file: {size / 2**20:,.0f} MiB")
    for name, p50, p95 in results:
        print(f"  {name:<48} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    default_rows = (
        queue_filters._filtered(manager, first)
        .filter(due_at__isnull=False)
        .order_by("due_at", "-priority_rank", "id")
        .values(*queue_pages._COLUMNS)[:51]
    )
    print("  plan of the default open queue:")
    for line in plan_of(default_rows):
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1, help=f"x {PER_SCALE:,} complaints")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per figure")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) the SQLite database here")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE before timing")
    options = parser.parse_args()
    if options.data_dir is not None:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        run(options, options.data_dir.resolve())
        return
    with tempfile.TemporaryDirectory(prefix="sori-bench-queue-") as tmp:
        run(options, Path(tmp))


if __name__ == "__main__":
    main()
