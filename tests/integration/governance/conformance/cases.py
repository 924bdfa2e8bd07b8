"""Seeded cases for every clause's evidence rule (ISO 10002 4.1; requirements §6): each case
names a clause, the status its rule must give on the seeded records, and the numbers the summary
and the details must carry. Dates: see ``seed`` (the period ends on 15 March 2026).

The rows are written directly (a decision issued, a clock stopped, a message sent): they are the
set-up the map reads; the behaviour under test is the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from sori.accounts.models import Role
from sori.audit.services import record
from sori.complaints.models import Category, Complaint
from sori.complaints.workflow import Status as CaseStatus
from sori.core import clock
from sori.core.actors import SYSTEM, Actor
from sori.governance.models import ActionStatus, Appointment, Duty, ImprovementAction
from sori.governance.services.action_opening import open_improvement_action
from sori.messaging.models import MessageStatus, OutboundMessage
from sori.privacy.services import record_personal_data_view
from sori.sla.models import SlaPolicy, Stage, Timer, TimerState
from tests.integration.governance.conformance.seed import (
    FOURTEEN_MONTHS_AGO,
    LAST_MONTH,
    TODAY,
    policy,
    user,
)


@dataclass
class World:
    """What a seed may use: the ``make_staff`` and ``submit`` fixtures of ``tests/conftest.py``."""

    make_staff: Callable[..., Actor]
    submit: Callable[..., object]

    def received(self, count: int = 1) -> list[str]:
        with clock.frozen_at(LAST_MONTH):
            return [self.submit(f"택배가 {n}주째 도착하지 않았습니다.").reference  # type: ignore[attr-defined]
                    for n in range(count)]  # fmt: skip

    def decided(self, count: int, with_field: int, **fields: object) -> list[str]:
        """``count`` decisions communicated last month, ``with_field`` of them with ``fields``."""
        references = self.received(count)
        Complaint.objects.filter(reference__in=references).update(decision_issued_at=LAST_MONTH)
        Complaint.objects.filter(reference__in=references[:with_field]).update(**fields)
        return references

    def closed(self, count: int, answered: int) -> None:
        references = self.received(count)
        Complaint.objects.filter(reference__in=references).update(
            status=CaseStatus.CLOSED, closed_at=LAST_MONTH
        )
        Complaint.objects.filter(reference__in=references[:answered]).update(
            closure_code="resolved"
        )

    def clocks(self, stage: str, met: int, missed: int = 0) -> None:
        """Stage clocks stopped last month, ``met`` within their deadline, ``missed`` late."""
        references = self.received(met + missed)
        for n, reference in enumerate(references):
            state = TimerState.MET if n < met else TimerState.MISSED
            Timer.objects.filter(complaint__reference=reference, stage=stage).update(
                state=state, stopped_at=LAST_MONTH
            )

    def policy(self, at: dt.datetime = LAST_MONTH) -> Actor:
        top = self.make_staff(Role.TOP_MANAGEMENT)
        policy(top, at)
        return top

    def representative(self, top: Actor) -> None:
        Appointment.objects.create(
            duty=Duty.REPRESENTATIVE, user=user(self.make_staff(Role.COMPLAINTS_MANAGER)),
            starts_on=dt.date(2025, 1, 1), appointed_by=user(top), appointed_at=TODAY,
        )  # fmt: skip

    def category(self) -> None:
        Category.objects.create(code="billing", label_ko="요금", label_en="Billing")

    def audited(self, action: str) -> None:
        with clock.frozen_at(LAST_MONTH), transaction.atomic():
            record(action=action, actor=SYSTEM, object_type="complaint", object_id="1")

    def data_read(self, at: dt.datetime) -> None:
        reference = self.received(1)[0]
        with clock.frozen_at(at):
            record_personal_data_view(actor=SYSTEM, complaint_reference=reference)

    def sent(self) -> None:
        self.received(1)
        OutboundMessage.objects.update(status=MessageStatus.SENT, sent_at=LAST_MONTH)

    def action(self, *, overdue: bool = False) -> None:
        manager = self.make_staff(Role.COMPLAINTS_MANAGER)
        with clock.frozen_at(LAST_MONTH):
            action = open_improvement_action(actor=manager, title="Faster acknowledgements")
        if overdue:
            ImprovementAction.objects.filter(pk=action.pk).update(
                status=ActionStatus.IMPLEMENTED, implemented_at=LAST_MONTH,
                effectiveness_due_on=dt.date(2026, 3, 1),
            )  # fmt: skip


@dataclass(frozen=True)
class Case:
    clause: str
    status: str
    seed: Callable[[World], object]
    summary: tuple[str, ...] = ()  # words the summary must contain
    details: dict[str, str] = field(default_factory=dict)  # details it must carry

    @property
    def id(self) -> str:
        return f"{self.clause}-{self.status}"  # pytest numbers the repeats (_0, _1)


def nothing(world: World) -> None:
    return None


def _handler_and_open(world: World) -> None:
    world.make_staff(Role.HANDLER)
    world.received(2)


def _no_sla_in_use(world: World) -> None:
    world.policy()
    world.category()
    SlaPolicy.objects.update(active=False)


def _policy_and_category(world: World) -> None:
    world.policy()
    world.category()


def _complete_records(world: World) -> None:
    world.category()
    references = world.received(2)
    Complaint.objects.filter(reference__in=references).update(
        category=Category.objects.get(code="billing")
    )


def _leader(at: dt.datetime) -> Callable[[World], None]:
    def seed(world: World) -> None:
        world.representative(world.policy(at))

    return seed


def _decided_and_acknowledged(world: World) -> None:
    world.clocks(Stage.ACKNOWLEDGE, met=1)  # submitting stops the acknowledgement clock on time
    world.clocks(Stage.DECISION, met=1)


def _decided_and_closed(met: int, missed: int) -> Callable[[World], None]:
    def seed(world: World) -> None:
        world.clocks(Stage.DECISION, met=1)
        world.clocks(Stage.CLOSE, met=met, missed=missed)

    return seed


def _assessed(count: int, assessed: int) -> Callable[[World], None]:
    def seed(world: World) -> None:
        references = world.received(count)
        Complaint.objects.filter(reference__in=references[:assessed]).update(assessed_at=LAST_MONTH)

    return seed


def _proposer(world: World) -> dict[str, object]:
    return {"proposed_by": user(world.make_staff(Role.HANDLER))}


def _shares(clause: str, fields: Callable[[World], dict[str, object]]) -> list[Case]:
    """A decision-share rule: missing without decisions, stale at 1 of 2, present at 2 of 2."""
    return [
        Case(clause, "missing", nothing, ("No decision communicated in the period.",)),
        Case(
            clause,
            "stale",
            lambda w: w.decided(2, 1, **fields(w)),
            ("50.0%",),
            {"counted": "1 / 2", "threshold": "80.0%"},
        ),
        Case(
            clause,
            "present",
            lambda w: w.decided(2, 2, **fields(w)),
            ("100.0%",),
            {"counted": "2 / 2"},
        ),
    ]


CASES: list[Case] = [
    Case("4.3", "missing", nothing, ("No active handler or investigator.",),
         {"active case workers": "0"}),
    Case("4.3", "present", _handler_and_open, ("1 case workers", "2.0 open complaints each"),
         {"active case workers": "1", "open at the end of the period": "2"}),
    Case("4.4", "missing", nothing, (), {"policy published": "—", "SLA policies in use": "1"}),
    Case("4.4", "missing", _no_sla_in_use, (), {"policy published": "v1",
                                                "SLA policies in use": "0"}),
    Case("4.4", "present", _policy_and_category, ("v1", "1 SLA policies")),
    Case("4.5", "missing", nothing, ("No complaint received in the period.",)),
    Case("4.5", "present", lambda w: w.received(2), ("1 channels", "1 languages"),
         {"by channel": "web: 2", "by language": "ko: 2"}),
    Case("4.6", "missing", nothing, ("nothing to measure",)),
    Case("4.6", "stale", lambda w: w.clocks(Stage.DECISION, met=1, missed=1),
         ("Decided on time (stage 1): 50.0% (target not met)",),
         {"Decided on time (stage 1)": "50.0%; 1 / 2; target 90",
          "Acknowledged on time": "100.0%; 2 / 2; target 95"}),
    Case("4.6", "present", _decided_and_acknowledged, ("Acknowledged on time: 100.0%",),
         {"Decided on time (stage 1)": "100.0%; 1 / 1; target 90", "missed": "0"}),
    Case("4.7", "missing", nothing, ("No complaint received in the period.",)),
    Case("4.7", "present",
         lambda w: (w.received(1), w.audited("sori.complaint.conflict_declared")),
         ("0 staff named", "1 conflicts declared"), {"conflicts declared": "1"}),
    Case("4.8", "present", nothing, ("no charge",)),
    Case("4.9", "present", nothing, ("Audit trail intact.", "nothing to measure"),
         {"audit trail": "intact"}),
    Case("4.9", "stale", lambda w: w.received(2), ("0.0% (target not met)",),
         {"counted": "0 / 2", "target": "95"}),
    Case("4.9", "present", _complete_records, ("100.0%",), {"counted": "2 / 2"}),
    Case("4.10", "missing", nothing, ("encrypted at rest", "has no entry")),
    Case("4.10", "stale", lambda w: w.data_read(FOURTEEN_MONTHS_AGO),
         ("No personal-data reading logged in the period.",),
         {"personal-data readings logged in the period": "0"}),
    Case("4.10", "present", lambda w: w.data_read(LAST_MONTH), ("1 readings logged",),
         {"personal-data readings logged in the period": "1"}),
    *_shares("4.11", lambda w: {"reaction": "accepted"}),
    *_shares("4.12", _proposer),
    Case("4.13", "missing", nothing, (), {"opened in the period": "0"}),
    Case("4.13", "stale", lambda w: w.action(overdue=True), ("1 actions opened",),
         {"checks overdue": "1"}),
    Case("4.13", "present", lambda w: w.action(), ("1 actions opened",),
         {"opened in the period": "1", "checks overdue": "0"}),
    Case("4.15", "missing", nothing, ("nothing to measure",)),
    Case("4.15", "stale", _decided_and_closed(met=1, missed=1),
         ("Closed on time: 50.0% (target not met)",),
         {"Closed on time": "50.0%; 1 / 2; target 90",
          "Decided on time (stage 1)": "100.0%; 1 / 1; target 90"}),
    Case("4.15", "present", _decided_and_closed(met=1, missed=0), (),
         {"Closed on time": "100.0%; 1 / 1; target 90"}),
    Case("5.1", "missing", nothing, ("Record outside Sori", "SLA policies in use: 1."),
         {"SLA policies in use": "iso-default"}),
    Case("5.2", "missing", nothing, ("No approved policy",)),
    Case("5.2", "missing", lambda w: w.policy(), ("No complaints-management representative",)),
    Case("5.2", "stale", _leader(FOURTEEN_MONTHS_AGO), ("2025-01-10",),
         {"approved on": "2025-01-10"}),
    Case("5.2", "present", _leader(LAST_MONTH), ("Policy v1 approved on 2026-02-10.",),
         {"version": "v1"}),
    Case("6.1", "missing", nothing, (), {"active categories": "0", "SLA policies in use": "1"}),
    Case("6.1", "missing", _no_sla_in_use, (), {"SLA policies in use": "0",
                                                "stages with targets": "—"}),
    Case("6.1", "present", lambda w: w.category(), ("1 SLA policies in use; 1 categories.",)),
    Case("6.3", "missing", nothing, (), {"active categories": "0"}),
    Case("6.3", "present", lambda w: w.category(), ("1 categories",)),
    Case("7.1", "missing", nothing, ("No message sent",),
         {"messages sent to complainants": "0"}),
    Case("7.1", "present", lambda w: w.sent(), ("1 messages sent",),
         {"messages sent to complainants": "1"}),
    Case("7.3", "missing", nothing, ("nothing to measure",), {"counted": "0 / 0"}),
    Case("7.3", "stale", lambda w: w.clocks(Stage.DECISION, met=1, missed=1),
         ("50.0% (target not met)",), {"counted": "1 / 2", "target": "90"}),
    Case("7.3", "present", lambda w: w.clocks(Stage.DECISION, met=2), ("100.0%",),
         {"counted": "2 / 2"}),
    Case("7.5", "missing", nothing, ("No complaint received in the period.",)),
    Case("7.5", "stale", _assessed(2, 1), ("50.0%", "(1 of 2)"), {"counted": "1 / 2"}),
    Case("7.5", "present", _assessed(2, 2), ("100.0%", "(2 of 2)"), {"counted": "2 / 2"}),
    *_shares("7.6", lambda w: {"findings": "The parcel went to the wrong depot."}),
    Case("7.7", "missing", nothing, ("nothing to measure",), {"Upheld": "—"}),
    Case("7.7", "stale", lambda w: w.clocks(Stage.DECISION, met=1, missed=1),
         ("50.0% (target not met)",), {"counted": "1 / 2"}),
    Case("7.7", "present", lambda w: w.clocks(Stage.DECISION, met=1), ("100.0%",),
         {"counted": "1 / 1"}),
    *_shares("7.8", lambda w: {"decision_method": "email"}),
    Case("7.9", "missing", nothing, ("No complaint closed in the period.",)),
    Case("7.9", "stale", lambda w: w.closed(2, 1), ("50.0% of 2 closed complaints",),
         {"counted": "1 / 2"}),
    Case("7.9", "present", lambda w: w.closed(2, 2), ("100.0% of 2 closed complaints",),
         {"counted": "2 / 2"}),
    Case("8.4", "missing", nothing, ("No indicator has a value in the period.",),
         {"with a value in the period": "0"}),
    Case("8.4", "present", lambda w: w.received(1), ("miss their target",),
         {"targets not met": "Records complete for their stage"}),
]  # fmt: skip
