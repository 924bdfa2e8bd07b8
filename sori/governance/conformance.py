"""The conformance map: every clause of ISO 10002 from 4.1 to 8.7 with the live evidence Sori
holds for it in a period, and a gap flag where it is missing or stale (4.1; R-4.1.1; what
certification auditors ask to see, requirements §6).

``RULES`` maps each clause key (the 2018 number, ``sori.governance.clauses``) to one small rule
in ``conformance_framework``, ``conformance_operation`` or ``conformance_improvement``. 4.1
(apply the principles to the whole process) is worked out last, from the other principles.
The page (``/staff/conformance/``), ``sori conformance`` and the evidence pack all read
``conformance_map``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sori.analytics.filters import check_period, time_zone
from sori.core import clock
from sori.core.actors import Actor, ActorKind
from sori.core.errors import Forbidden
from sori.governance import access
from sori.governance import conformance_framework as framework
from sori.governance import conformance_improvement as improvement
from sori.governance import conformance_operation as operation
from sori.governance.clauses import CLAUSES, Clause
from sori.governance.conformance_base import (
    STATUS_LABELS,
    Context,
    Finding,
    Link,
    Status,
    default_period,
    worst,
)

Rule = Callable[[Context], Finding]

RULES: dict[str, Rule] = {
    "4.2": framework.policy_approval,
    "4.3": framework.capability,
    "4.4": framework.transparency,
    "4.5": operation.accessibility,
    "4.6": operation.responsiveness,
    "4.7": operation.objectivity,
    "4.8": operation.charges,
    "4.9": operation.integrity,
    "4.10": operation.confidentiality,
    "4.11": operation.customer_focus,
    "4.12": operation.accountability,
    "4.13": improvement.improvement,
    "4.14": framework.competence,
    "4.15": operation.timeliness,
    "5.1": framework.context_register,
    "5.2": framework.leadership,
    "5.3": framework.policy_known,
    "5.4": framework.responsibility,
    "6.1": framework.configured_process,
    "6.2": framework.objectives,
    "6.3": framework.configured_process,
    "6.4": framework.competence,
    "7.1": operation.communication,
    "7.2": operation.receipt,
    "7.3": operation.tracking,
    "7.4": operation.acknowledgement,
    "7.5": operation.assessment,
    "7.6": operation.investigation,
    "7.7": operation.response,
    "7.8": operation.decision_communicated,
    "7.9": operation.closing,
    "8.1": operation.collection,
    "8.2": improvement.analysis,
    "8.3": improvement.satisfaction,
    "8.4": improvement.monitoring,
    "8.5": improvement.internal_audit,
    "8.6": improvement.management_review,
    "8.7": improvement.improvement,
}
# Worked out from the other guiding principles (4.2–4.15) once they are known.
DERIVED = "4.1"
assert set(RULES) | {DERIVED} == {clause.key for clause in CLAUSES}, "one rule per clause"


@dataclass(frozen=True)
class Evidence:
    clause: Clause
    status: Status
    summary: str
    details: dict[str, str]
    links: tuple[Link, ...]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def gap(self) -> bool:
        return self.status is not Status.PRESENT

    def as_dict(self) -> dict[str, object]:
        return {
            "clause": self.clause.key,
            "ks": self.clause.ks,
            "title": self.clause.title_en,
            "title_ko": self.clause.title_ko,
            "status": self.status.value,
            "gap": self.gap,
            "summary": self.summary,
            "details": dict(self.details),
            "links": [link.as_dict() for link in self.links],
        }


@dataclass(frozen=True)
class ConformanceMap:
    period_from: dt.date
    period_to: dt.date
    generated_at: dt.datetime
    rows: list[Evidence]

    def counts(self) -> dict[str, int]:
        found = {status.value: 0 for status in Status}
        for row in self.rows:
            found[row.status.value] += 1
        return found

    def as_dict(self) -> dict[str, object]:
        return {
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "time_zone": str(time_zone()),
            "counts": self.counts(),
            "clauses": [row.as_dict() for row in self.rows],
        }


def can_read_conformance(viewer: Actor) -> bool:
    """Those who oversee the process, and the command line (a system actor)."""
    if viewer.kind is ActorKind.SYSTEM:
        return True
    return viewer.is_staff and viewer.role in access.CONFORMANCE_READERS


def today() -> dt.date:
    return clock.now().astimezone(time_zone()).date()


def resolve_period(
    period_from: dt.date | None, period_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The period asked for; a missing end is today, a missing start twelve months before it."""
    end = period_to or today()
    start = period_from or default_period(end)[0]
    check_period(start, end)
    return start, end


def _principles(found: dict[str, Evidence]) -> Finding:
    """4.1: the principles apply to the whole process when each of 4.2–4.15 has its evidence."""
    others = [row for key, row in found.items() if key.startswith("4.")]
    gaps = [row.clause.key for row in others if row.gap]
    status = worst(*(row.status for row in others))
    if not gaps:
        return Finding(status, _("Every guiding principle has evidence."))
    return Finding(status, _("%(count)d principles have a gap: %(clauses)s.")
                   % {"count": len(gaps), "clauses": ", ".join(gaps)})  # fmt: skip


def conformance_map(
    *, viewer: Actor, period_from: dt.date | None = None, period_to: dt.date | None = None
) -> ConformanceMap:
    """Every clause 4.1–8.7 with its evidence in the period (default: the last 12 months)."""
    if not can_read_conformance(viewer):
        raise Forbidden(_("Your role does not give access to the conformance map."))
    start, end = resolve_period(period_from, period_to)
    ctx = Context(viewer=viewer, period_from=start, period_to=end)
    found: dict[str, Evidence] = {}
    for clause in CLAUSES:
        if clause.key == DERIVED:
            continue
        finding = RULES[clause.key](ctx)
        found[clause.key] = Evidence(clause, finding.status, finding.summary,
                                     dict(finding.details), finding.links)  # fmt: skip
    principles = _principles(found)
    found[DERIVED] = Evidence(CLAUSES[0], principles.status, principles.summary, {}, ())
    return ConformanceMap(period_from=start, period_to=end, generated_at=clock.now(),
                          rows=[found[clause.key] for clause in CLAUSES])  # fmt: skip
