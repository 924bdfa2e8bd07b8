"""Every clause's evidence rule on seeded data: each status it can give — present, stale where
the rule has a staleness or threshold notion, missing — with the numbers in its summary and
details (ISO 10002 4.1; R-4.1.1; requirements §6). The cases are in ``cases``; the clauses the
other modules of this package already test are listed in ``COVERED_ELSEWHERE``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from sori.accounts.models import Role
from sori.complaints.models import Category, Complaint
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.governance.clauses import CLAUSES
from sori.governance.conformance import conformance_map
from sori.governance.models import Course, TrainingRecord
from sori.governance.services.action_opening import open_improvement_action
from sori.privacy.services import record_personal_data_view
from sori.sla.models import Timer, TimerState
from tests.integration.governance.conformance.cases import CASES, Case, World
from tests.integration.governance.conformance.seed import (
    FOURTEEN_MONTHS_AGO,
    LAST_MONTH,
    TODAY,
    user,
)

pytestmark = pytest.mark.django_db

# Clause → the statuses test_framework_rules / test_operation_rules / test_map_and_pack seed.
COVERED_ELSEWHERE = {
    "4.1": {"missing", "stale", "present"},  # missing: test_map_and_pack; test_principles_* below
    "4.2": {"missing", "stale", "present"},
    "4.9": {"missing"},
    "4.10": {"stale"},
    "4.13": {"missing"},
    "4.14": {"missing", "stale", "present"},
    "5.3": {"missing", "stale", "present"},
    "5.4": {"missing", "stale", "present"},
    "6.2": {"missing", "stale", "present"},
    "6.4": {"missing", "stale", "present"},
    "7.2": {"missing", "present"},
    "7.4": {"missing", "stale", "present"},
    "8.1": {"missing", "stale", "present"},
    "8.2": {"missing", "stale", "present"},
    "8.3": {"missing", "present"},
    "8.5": {"missing", "stale", "present"},
    "8.6": {"missing", "stale", "present"},
    "8.7": {"missing", "stale", "present"},
}
DOCS = Path(settings.BASE_DIR).parent / "docs" / "governance" / "conformance.md"


@pytest.fixture(autouse=True)
def at_today():
    # The summaries are read in English (Korean is the default language).
    with clock.frozen_at(TODAY), translation.override("en"):
        yield


def evidence(key: str):  # type: ignore[no-untyped-def]
    return next(row for row in conformance_map(viewer=SYSTEM).rows if row.clause.key == key)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_rule_gives_its_status_and_numbers_on_seeded_data(case: Case, make_staff, submit):
    case.seed(World(make_staff=make_staff, submit=submit))
    found = evidence(case.clause)
    assert found.status == case.status, (found.summary, found.details)
    for words in case.summary:
        assert words in found.summary, found.summary
    for name, value in case.details.items():
        assert found.details.get(name) == value, found.details


def documented_statuses() -> dict[str, set[str]]:
    """Clause → the statuses the docs table says its rule gives (its *statuses* column)."""
    found: dict[str, set[str]] = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.match(r"\d\.\d", cells[0]):
            continue
        statuses = {word.strip() for word in cells[2].split(",")}
        for key in re.findall(r"(\d\.\d+)(?: \([^)]*\))?", cells[0]):
            found[key] = statuses
    return found


def test_every_clause_has_a_seeded_case_for_each_status_the_docs_give_it():
    seeded: dict[str, set[str]] = {
        key: set(statuses) for key, statuses in COVERED_ELSEWHERE.items()
    }
    for case in CASES:
        seeded.setdefault(case.clause, set()).add(case.status)
    documented = documented_statuses()
    assert set(documented) == {clause.key for clause in CLAUSES}
    for clause in CLAUSES:
        assert seeded.get(clause.key) == documented[clause.key], clause.key


def test_on_an_empty_installation_every_clause_has_a_status_and_a_summary():
    rows = conformance_map(viewer=SYSTEM).rows
    assert [row.clause.key for row in rows] == [clause.key for clause in CLAUSES]
    for row in rows:
        assert row.status in {"present", "stale", "missing"}
        assert row.summary.strip(), row.clause.key
    # Nothing recorded yet: only the configuration checks and the intact audit trail hold.
    present = {row.clause.key for row in rows if row.status == "present"}
    assert present == {"4.8", "4.9"}


def every_principle_present(world: World, *, approved_at: dt.datetime = LAST_MONTH) -> None:
    """4.2–4.15 each with present evidence: one complaint of last month, categorised, on time at
    every stage, decided with a proposer and the complainant's answer; a policy, a handler, a
    personal-data reading, an improvement action and a training record."""
    top = world.policy(approved_at)  # 4.2, 4.4 (with the shipped SLA policy)
    handler = world.make_staff(Role.HANDLER)  # 4.3
    world.category()
    reference = world.received(1)[0]  # 4.5, 4.7
    Complaint.objects.filter(reference=reference).update(
        category=Category.objects.get(code="billing"),  # 4.9: complete for its stage
        decision_issued_at=LAST_MONTH, reaction="accepted", proposed_by=user(handler),  # 4.11, 4.12
    )  # fmt: skip
    Timer.objects.filter(complaint__reference=reference).update(  # 4.6, 4.15
        state=TimerState.MET, stopped_at=LAST_MONTH
    )
    with clock.frozen_at(LAST_MONTH):
        record_personal_data_view(actor=SYSTEM, complaint_reference=reference)  # 4.10
        open_improvement_action(actor=top, title="Faster acknowledgements")  # 4.13
    course = Course.objects.create(code="iso10002", name_ko="기초", name_en="Basics",
                                   valid_months=12)  # fmt: skip
    TrainingRecord.objects.create(  # 4.14: no course is required, one current record
        user=user(handler), course=course, hours=Decimal("4"), completed_on=dt.date(2026, 1, 5),
        expires_on=dt.date(2027, 1, 5), recorded_at=TODAY,
    )  # fmt: skip


def principles(statuses: str) -> list[str]:
    rows = conformance_map(viewer=SYSTEM).rows
    return [row.clause.key for row in rows if row.clause.key.startswith("4.")
            and row.clause.key != "4.1" and row.status == statuses]  # fmt: skip


def test_principles_general_is_present_when_every_other_principle_is(make_staff, submit):
    every_principle_present(World(make_staff=make_staff, submit=submit))
    assert principles("stale") == principles("missing") == []
    found = evidence("4.1")
    assert found.status == "present"
    assert found.summary == "Every guiding principle has evidence."


def test_principles_general_is_stale_when_the_worst_other_principle_is_stale(make_staff, submit):
    world = World(make_staff=make_staff, submit=submit)
    every_principle_present(world, approved_at=FOURTEEN_MONTHS_AGO)
    assert principles("stale") == ["4.2"] and principles("missing") == []
    found = evidence("4.1")
    assert found.status == "stale"
    assert found.summary == "1 principles have a gap: 4.2."
