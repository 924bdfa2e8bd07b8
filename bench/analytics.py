"""How fast the analysis answers with 100,000 and 1,000,000 complaints (ISO 10002 8.2, 8.4, 6.2).

Fills a fresh database with ``bench/queue.py``'s complaints (two years, Korean and English, every
status, eight units, a category tree), gives them what the analysis reads — decision and closure
clocks as ``bench/sla_sweep.py`` makes them, outcomes, redress, root causes, satisfaction answers,
reopenings — then times, as a manager and as a handler scoped to one unit, in milliseconds (p50 and
p95):

- the KPI selector (``sori.analytics.kpis.kpis``) and ``GET /api/v1/kpis`` for the last 12 months;
- each back-office analysis page that exists (dashboard, control charts, recurring issues,
  objectives, improvement actions), whole page through Django's test client;
- each dashboard table on its own, through its CSV export;
- the pre-aggregated figures (``sori.analytics.services.figures``): a full rebuild, then an
  incremental run of the periodic job after ``--changes`` complaints changed; the figures above
  are timed with the figures built (``--no-figures``: the live queries, as before they existed).

    python bench/analytics.py --scale 1      # 100,000 complaints in a fresh SQLite file
    python bench/analytics.py --scale 10     # 1,000,000
    python bench/analytics.py --scale 0.01   # 1,000: a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sori_bench_analytics python bench/analytics.py --scale 1

``--data-dir`` keeps the SQLite file (and a later run of the same scale reuses it). The keyword
search index is not built: nothing here searches.
"""

from __future__ import annotations

import sys

# Run as ``python bench/analytics.py``, this folder comes first on the path (see bench/queue.py).
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    del sys.path[0]

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 10002
OUTCOMES = {"upheld": 35, "partly_upheld": 25, "not_upheld": 40}
REMEDIES = {"apology": 30, "refund": 25, "compensation": 15, "explanation": 30}


def load(name: str) -> ModuleType:
    """A sibling bench script, loaded from its file (``queue`` would shadow the standard library's)."""
    spec = importlib.util.spec_from_file_location(f"sori_bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def setup(data_dir: Path, fresh: bool) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["SORI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sori.config.settings"
    os.environ.setdefault("SORI_LOG_LEVEL", "WARNING")
    os.environ["SORI_TASKS_IMMEDIATE"] = "0"
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db.models.signals import post_migrate

    # Nothing here searches: keep the keyword index (minutes to build at 1M) out of the way, and
    # bring a reused database up to the current migrations (new indexes included).
    post_migrate.disconnect(sender=apps.get_app_config("complaints"), dispatch_uid="sori.search")
    call_command("migrate", verbosity=0)
    del fresh


def enrich(rng: random.Random, people: dict[str, Any]) -> dict[str, int]:
    """Outcomes, redress, root causes and closure codes on decided complaints; survey answers on
    a third of the closed ones; a reopening on 2 %. Written with executemany, in batches."""
    from django.db import connection, transaction

    from sori.complaints.models import Complaint, RootCause, SurveyResponse

    queue = load("queue")
    causes = []
    for position, (code, ko, en) in enumerate(
        [
            ("process", "절차 미흡", "Process gap"),
            ("training", "직원 교육 부족", "Staff training"),
            ("system", "시스템 오류", "System fault"),
            ("supplier", "협력업체 문제", "Supplier problem"),
            ("communication", "안내 부족", "Poor information"),
            ("policy", "정책·약관", "Policy or terms"),
        ]
    ):
        cause, _created = RootCause.objects.get_or_create(
            code=code, defaults={"label_ko": ko, "label_en": en, "position": position}
        )
        causes.append(cause.pk)
    # Leaf codes of the shipped taxonomy too, when there is one.
    causes.extend(
        RootCause.objects.filter(children__isnull=True)
        .exclude(pk__in=causes)
        .values_list("pk", flat=True)[:6]
    )
    cause_weights = [30, 20, 18, 12, 15, 5] + [8] * (len(causes) - 6)
    updates: list[tuple[Any, ...]] = []
    surveys = queue.Writer(SurveyResponse, connection)
    table = connection.ops.quote_name(Complaint._meta.db_table)
    sql = (
        f"UPDATE {table} SET outcome = %s, remedy_type = %s, remedy_amount = %s, "  # noqa: S608
        "root_cause_id = %s, decision_issued_at = %s, closure_code = %s, reopened_count = %s, "
        "response_reasons = %s, decision_method = %s WHERE id = %s"
    )
    figures = {"decided": 0, "surveys": 0, "reopened": 0}
    decided_statuses = {"decision_communicated", "escalated", "referred", "closed"}
    adapt = connection.ops.adapt_datetimefield_value
    rows = Complaint.objects.order_by("pk").values_list("pk", "status", "received_at", "closed_at")

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, updates)
            surveys.flush()
        updates.clear()

    for pk, status, received_at, closed_at in rows.iterator(chunk_size=5_000):
        if status not in decided_statuses:
            continue
        figures["decided"] += 1
        end = closed_at or received_at + dt.timedelta(days=rng.randint(3, 30))
        decided_at = received_at + (end - received_at) * rng.uniform(0.4, 0.95)
        outcome = queue.pick(rng, OUTCOMES)
        remedy = "explanation" if outcome == "not_upheld" else queue.pick(rng, REMEDIES)
        amount = (
            rng.choice([10_000, 30_000, 50_000, 120_000])
            if remedy in ("refund", "compensation")
            else 0
        )
        reopened = 1 if rng.random() < 0.02 else 0
        figures["reopened"] += reopened
        updates.append(
            (
                outcome,
                remedy,
                amount,
                rng.choices(causes, weights=cause_weights)[0] if rng.random() < 0.85 else None,
                adapt(decided_at),
                "resolved_accepted" if status == "closed" else "",
                reopened,
                "사실관계를 확인했습니다.",
                "email",
                pk,
            )
        )
        if status == "closed" and closed_at is not None and rng.random() < 0.33:
            score = rng.choices([1, 2, 3, 4, 5], weights=[6, 8, 20, 36, 30])[0]
            surveys.add(
                complaint_id=pk,
                process=score,
                outcome=max(1, min(5, score + rng.choice([-1, 0, 0, 1]))),
                ease=max(1, min(5, score + rng.choice([-1, 0, 1]))),
                submitted_at=closed_at + dt.timedelta(days=rng.randint(1, 7)),
            )
            figures["surveys"] += 1
        if len(updates) >= 5_000:
            flush()
    flush()
    return figures


def build_figures(changes: int, *, rebuild: bool = True) -> dict[str, Any]:
    """Time a full rebuild of the figures, then the periodic job after ``changes`` complaints
    changed (their update time moved past the job's watermark, as a service's save does)."""
    from sori.analytics.models import FigureState
    from sori.analytics.services.figures import rebuild_figures, refresh_figures
    from sori.complaints.models import Complaint
    from sori.core.actors import SYSTEM

    found: dict[str, Any] = {}
    if rebuild or not FigureState.objects.filter(built_through__isnull=False).exists():
        started = time.perf_counter()
        rebuilt = rebuild_figures(actor=SYSTEM)
        found.update(rebuild_s=time.perf_counter() - started, rebuild_rows=rebuilt.rows)
    else:
        refresh_figures(actor=SYSTEM)  # catch up, so the timed run below measures the changes
    # Work happens on recent complaints: the latest received ones change.
    touched = Complaint.objects.order_by("-received_at").values("pk")[:changes]
    Complaint.objects.filter(pk__in=list(touched.values_list("pk", flat=True))).update(
        updated_at=dt.datetime.now(dt.UTC)
    )
    started = time.perf_counter()
    refreshed = refresh_figures(actor=SYSTEM)
    found["refresh_s"] = time.perf_counter() - started
    found["refresh_days"] = refreshed.days if refreshed is not None else 0
    return found


def measure(action: Callable[[], object], repeat: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return cuts[49], cuts[94]


def pages() -> list[tuple[str, str]]:
    """(label, path) of every analysis page this installation has."""
    from django.urls import NoReverseMatch, reverse

    found = []
    for name, label in (
        ("backoffice:analytics", "dashboard"),
        ("backoffice:control-charts", "control charts"),
        ("backoffice:recurring", "recurring issues"),
        ("backoffice:objectives", "objectives"),
        ("backoffice:improvement-actions", "improvement actions"),
    ):
        try:
            found.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return found


def exports() -> list[tuple[str, str]]:
    """(table, path) of each dashboard table's CSV export, if the dashboard has them."""
    from django.urls import NoReverseMatch, reverse

    try:
        from sori.analytics import dashboards
    except ImportError:
        return []
    tables = getattr(dashboards, "TABLES", None) or ()
    found = []
    for table in tables:
        try:
            found.append((table, reverse("backoffice:analytics-export", args=[table, "csv"])))
        except NoReverseMatch:
            try:
                found.append(
                    (
                        table,
                        reverse(
                            "backoffice:analytics-export", kwargs={"table": table, "fmt": "csv"}
                        ),
                    )
                )
            except NoReverseMatch:
                continue
    return found


def run(options: argparse.Namespace, data_dir: Path) -> None:
    total = max(1, round(options.scale * 100_000))
    marker = data_dir / f"analytics-filled-{total}"
    fresh = not marker.exists()
    setup(data_dir, fresh)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from sori.accounts.services import actor_for_user, create_token
    from sori.analytics.kpis import kpis
    from sori.complaints.models import Complaint
    from sori.core.actors import SYSTEM
    from sori.sla.models import Timer

    queue, sweep = load("queue"), load("sla_sweep")
    figures: dict[str, Any] = {}
    if fresh:
        if Complaint.objects.exists():
            sys.exit("The database already holds complaints: give a fresh one.")
        rng = random.Random(SEED)
        print(f"Filling {total:,} complaints ({connection.vendor}) …", file=sys.stderr)
        started = time.perf_counter()
        filled = queue.fill(total, rng, search_index=False)
        figures["complaints"] = time.perf_counter() - started
        started = time.perf_counter()
        figures["timers"] = sweep.make_timers(dt.datetime.now(dt.UTC), rng, 0.0)["total"]
        figures["timers_s"] = time.perf_counter() - started
        started = time.perf_counter()
        figures.update(enrich(rng, filled["people"]))
        figures["enrich_s"] = time.perf_counter() - started
        marker.touch()
    else:
        print(f"Reusing the {total:,} complaints already in {data_dir}", file=sys.stderr)
    if not options.no_figures:
        figures.update(build_figures(options.changes, rebuild=not options.keep_figures))
    else:
        from sori.analytics.models import FigureState

        FigureState.objects.all().delete()
    analyzed = options.analyze or connection.vendor == "postgresql"
    if analyzed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    users = get_user_model().objects
    manager_user = users.get(username="manager")
    manager = actor_for_user(manager_user)
    handler_user = users.get(username="delivery-handler-0")
    handler = actor_for_user(handler_user)
    assert manager is not None and handler is not None
    translation.activate("ko")
    today = dt.date.today()
    period_to = today.replace(day=1) - dt.timedelta(days=1)
    first = period_to.year * 12 + period_to.month - 12  # the last 12 full months
    period_from = dt.date(first // 12, first % 12 + 1, 1)
    query = f"from={period_from}&to={period_to}"
    settings.ALLOWED_HOSTS = ["*"]
    token = create_token(actor=SYSTEM, user=manager_user, label="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    managers, handlers = Client(), Client()
    managers.force_login(manager_user)
    handlers.force_login(handler_user)

    def get(client: Client, path: str) -> Callable[[], None]:
        def call() -> None:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)

        return call

    cases: list[tuple[str, Callable[[], object]]] = [
        ("kpis() selector, 12 months, manager",
         lambda: kpis(viewer=manager, period_from=period_from, period_to=period_to)),
        ("kpis() selector, 12 months, handler (one unit)",
         lambda: kpis(viewer=handler, period_from=period_from, period_to=period_to)),
        ("GET /api/v1/kpis, 12 months", get(api, f"/api/v1/kpis?{query}")),
    ]  # fmt: skip
    if options.managers_only:  # without figures the handler's read the complaints: minutes at 1M
        cases = [case for case in cases if "handler" not in case[0]]
    for label, path in pages():
        cases.append((f"page {label}, manager", get(managers, f"{path}?{query}")))
        # Every analysis page a handler may open (the objectives are for managers only).
        if not options.managers_only and handlers.get(path).status_code == 200:
            cases.append((f"page {label}, handler", get(handlers, f"{path}?{query}")))
    for table, path in exports():
        cases.append((f"table {table} (CSV), manager", get(managers, f"{path}?{query}")))
        if options.handlers_only:
            cases.append((f"table {table} (CSV), handler", get(handlers, f"{path}?{query}")))
    if options.handlers_only:  # time one role: the handler's (one unit plus their own)
        cases = [case for case in cases if "handler" in case[0]]
    results = []
    for name, action in cases:
        results.append((name, *measure(action, options.repeat, options.warmup)))
        # Each figure as soon as it is known: at 1M a run takes long.
        print(f"  … {name}: p50 {results[-1][1]:.1f} ms", file=sys.stderr, flush=True)

    print(f"Sori analysis on {connection.vendor}: {Complaint.objects.count():,} complaints, "
          f"{Timer.objects.count():,} timers, {os.cpu_count()} CPUs, {options.repeat} timed runs each, "
          f"period {period_from} – {period_to}{', after ANALYZE' if analyzed else ''}")  # fmt: skip
    if "refresh_s" in figures and "rebuild_s" not in figures:
        print(f"  figures: kept from an earlier run; after {options.changes:,} complaints changed, "
              f"the periodic job {figures['refresh_s'] * 1000:.0f} ms "
              f"({figures['refresh_days']} days recomputed)")  # fmt: skip
    if "rebuild_s" in figures:
        print(
            f"  figures: full rebuild {figures['rebuild_s']:.1f} s ({figures['rebuild_rows']:,} "
            f"day rows); after {options.changes:,} complaints changed, the periodic job "
            f"{figures['refresh_s'] * 1000:.0f} ms ({figures['refresh_days']} days recomputed)"
        )
    if "complaints" in figures:
        print(f"  fill: complaints {figures['complaints']:.0f} s, {figures['timers']:,} timers "
              f"{figures['timers_s']:.0f} s, outcomes and {figures['surveys']:,} survey answers "
              f"{figures['enrich_s']:.0f} s")  # fmt: skip
    if connection.vendor == "sqlite":
        size = sum(path.stat().st_size for path in data_dir.glob("sori.sqlite3*"))
        print(f"  database file: {size / 2**20:,.0f} MiB")
    for name, p50, p95 in results:
        print(f"  {name:<52} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1, help="x 100,000 complaints")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per figure")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) the SQLite database here")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE before timing")
    parser.add_argument(
        "--changes",
        type=int,
        default=1000,
        help="complaints changed before the timed incremental run of the figures",
    )
    parser.add_argument(
        "--managers-only",
        action="store_true",
        help="leave out the handler's figures",
    )
    parser.add_argument(
        "--handlers-only",
        action="store_true",
        help="time only the handler's figures (KPIs, dashboard page, each table)",
    )
    parser.add_argument(
        "--keep-figures",
        action="store_true",
        help="reuse figures built by an earlier run (time only the incremental run)",
    )
    parser.add_argument(
        "--no-figures",
        action="store_true",
        help="time the live queries: drop the figures' state instead of building",
    )
    options = parser.parse_args()
    if options.data_dir is not None:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        run(options, options.data_dir.resolve())
        return
    with tempfile.TemporaryDirectory(prefix="sori-bench-analytics-") as tmp:
        run(options, Path(tmp))


if __name__ == "__main__":
    main()
