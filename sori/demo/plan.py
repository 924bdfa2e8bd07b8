"""Planning the demo's complaints: who complains about what, and which steps happen when.

Pure (no database): from a seed and a moment it decides every complaint's text and the dated steps
that take it through the real workflow to a chosen state. The builder then runs all steps of all
complaints in time order, so the audit trail reads as the history of a real organisation.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sori.complaints.services.intake import ComplaintInput
from sori.complaints.services.transitions import EventData
from sori.complaints.workflow import Event
from sori.demo import data, people
from sori.demo.data import Story

HISTORY_DAYS = 120
SUBMIT = "submit"
# Not a workflow event: the external body's outcome, recorded on the referral (ISO 10003).
REFERRAL_OUTCOME = "referral_outcome"
COMPLAINANT = "complainant"
LOCAL = ZoneInfo(data.TIME_ZONE)
# The last step of any complaint happens at least this long before "now".
MARGIN = dt.timedelta(minutes=30)

CHANNELS = (("web", 40), ("email", 18), ("phone", 20), ("letter", 5), ("in_person", 5), ("api", 12))
# Channels on which the complainant acts for themselves (with their reference and access code);
# on the others a handler records what they said.
SELF_SERVICE = frozenset({"web", "email", "api"})
RECEIVER = {"web": "system", "api": "system", "email": "email"}
AUTHORITY = {s.username: s.authority_limit for s in data.STAFF}


@dataclass(frozen=True)
class Scenario:
    """Where a complaint ends up; ``recent_days`` keeps unfinished work recent, not abandoned."""

    name: str
    weight: int
    recent_days: float | None = None


# Every scenario appears at least once when the count allows; the rest are drawn by weight.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("closed_accepted", 60),
    Scenario("closed_no_reply", 12),
    Scenario("closed_exhausted", 6),
    Scenario("closed_review_accepted", 3),
    Scenario("closed_external", 2),
    Scenario("withdrawn", 8),
    Scenario("merged", 5),
    Scenario("acknowledged", 8, 2),
    Scenario("assessed", 7, 4),
    Scenario("investigating", 12, 10),
    Scenario("awaiting_complainant", 6, 6),
    Scenario("response_proposed", 5, 4),
    Scenario("approved", 4, 3),
    Scenario("decided", 8, 10),
    Scenario("decided_accepted", 3, 3),
    Scenario("decided_rejected", 3, 3),
    Scenario("escalated", 4, 6),
    Scenario("review_decided", 2, 6),
    Scenario("referred", 2, 30),
)
BY_NAME = {s.name: s for s in SCENARIOS}
# Anonymous complainants give no contact details, so the demo stops them short of a decision
# that would need to be sent by e-mail, phone or letter.
BEFORE_DECISION = frozenset(
    {
        "acknowledged",
        "assessed",
        "investigating",
        "awaiting_complainant",
        "response_proposed",
        "approved",
        "withdrawn",
    }
)
REJECTING = frozenset(
    {
        "decided_rejected",
        "escalated",
        "review_decided",
        "closed_exhausted",
        "closed_review_accepted",
        "closed_external",
        "referred",
    }
)


@dataclass(frozen=True)
class Step:
    event: str  # SUBMIT or an Event value
    actor: str  # a demo username, "system", "email" or COMPLAINANT
    delay: dt.timedelta  # after the previous step
    hours: str  # "office" (weekdays 9–18), "awake" (7–23) or "any"
    data: EventData | None = None


@dataclass
class Plan:
    index: int
    scenario: str
    story: Story
    channel: str
    anonymous: bool
    steps: list[Step]
    times: list[dt.datetime] = field(default_factory=list)
    complaint: ComplaintInput | None = None
    merge_into: int | None = None
    # Who the complaint is assigned to, and whether an investigator gets a task on it.
    handler: str = "handler"
    investigator: str | None = None

    @property
    def received_at(self) -> dt.datetime:
        return self.times[0]

    @property
    def last_at(self) -> dt.datetime:
        return self.times[-1]


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(low, high))


def working_time(moment: dt.datetime, hours: str) -> dt.datetime:
    """The first moment at or after ``moment`` that falls in the given hours, in Seoul time."""
    if hours == "any":
        return moment
    start, end, weekdays_only = (9, 18, True) if hours == "office" else (7, 23, False)
    local = moment.astimezone(LOCAL)
    for _ in range(10):
        if weekdays_only and local.weekday() >= 5:
            local = (local + dt.timedelta(days=1)).replace(hour=start + local.hour % 2)
        elif local.hour < start:
            local = local.replace(hour=start + local.hour % 2)
        elif local.hour >= end:
            local = (local + dt.timedelta(days=1)).replace(hour=start + local.hour % 2)
        else:
            break
    return local.astimezone(dt.UTC)


def _layout(start: dt.datetime, steps: list[Step]) -> list[dt.datetime]:
    times: list[dt.datetime] = []
    moment = start
    for step in steps:
        moment = working_time(moment + step.delay, step.hours)
        times.append(moment)
    return times


class _Case:
    """One complaint being planned: its story, channel and the people involved."""

    def __init__(self, rng: random.Random, scenario: str, story: Story, channel: str) -> None:
        self.rng = rng
        self.scenario = scenario
        self.story = story
        self.lang = story.language
        self.channel = channel
        self.anonymous = (
            scenario in BEFORE_DECISION
            and channel in ("web", "api", "letter")
            and rng.random() < 0.3
        )
        self.handler = rng.choice(("handler", "handler2"))
        self.worker = rng.choice(("investigator", self.handler, self.handler))
        self.answerer = COMPLAINANT if channel in SELF_SERVICE or self.anonymous else self.handler
        self.contact = "email"

    def text(self, key: str) -> str:
        return self.rng.choice(data.TEXTS[self.lang][key])

    def staff(self, event: Event, actor: str, low: float, high: float, **values: Any) -> Step:
        return Step(event.value, actor, _hours(self.rng, low, high), "office", EventData(**values))

    def answer(self, event: Event, low: float, high: float, note: str) -> Step:
        hours = "awake" if self.answerer == COMPLAINANT else "office"
        return Step(
            event.value, self.answerer, _hours(self.rng, low, high), hours, EventData(note=note)
        )

    def assessment(self) -> Step:
        rng, story = self.rng, self.story
        if story.safety:
            values: dict[str, object] = {
                "severity": rng.choice(("high", "critical")),
                "safety_risk": True,
                "impact": "high",
                "complexity": "medium",
                "immediate_action_needed": True,
                "immediate_action": self.text("immediate"),
            }
        else:
            serious = story.category.startswith(("financial", "privacy", "complaints-handling"))
            values = {
                "severity": rng.choice(("medium", "high") if serious else ("low", "low", "medium")),
                "safety_risk": False,
                "impact": rng.choice(("low", "medium", "medium") if serious else ("low", "medium")),
                "complexity": rng.choice(("low", "medium", "medium", "high")),
                "immediate_action_needed": False,
            }
        return self.staff(Event.ASSESS, self.handler, 1, 22, note=self.text("assess"), **values)

    def response(self, outcome: str, *, review: bool = False) -> dict[str, object]:
        story = self.story
        remedy, amount = story.response, story.amount
        if outcome == "not_upheld":
            remedy, amount = "explanation", 0
        elif outcome == "partly_upheld":
            remedy, amount = (remedy, amount // 200 * 100) if amount else ("apology", 0)
        texts = data.OUTCOME_TEXT[self.lang]
        parts = [texts["review"]] if review else []
        parts.append(texts[outcome])
        if outcome != "not_upheld" and story.finding:
            parts.append(story.finding)
        parts.append(data.REMEDY_TEXT[self.lang][remedy].format(amount=f"{int(amount):,}"))
        values: dict[str, object] = {
            "outcome": outcome,
            "remedy_type": remedy,
            "reasons": " ".join(p for p in parts if p),
        }
        if amount:
            values["remedy_amount"] = Decimal(int(amount))
        return values

    def propose(
        self, proposer: str, values: dict[str, object], low: float, high: float
    ) -> list[Step]:
        steps = [self.staff(Event.PROPOSE_RESPONSE, proposer, low, high, **values)]
        amount = values.get("remedy_amount")
        limit = AUTHORITY.get(proposer) or Decimal(0)
        # ISO 10002 4.12: above the proposer's authority limit, an approver approves first.
        if isinstance(amount, Decimal) and amount > limit and self.scenario != "response_proposed":
            steps.append(self.staff(Event.APPROVE, "approver", 2, 40, note=self.text("approve")))
        return steps

    def communicate(self, actor: str, *, review: bool = False) -> Step:
        if review:
            # ISO 10002 7.9: after the internal review, the external routes are given.
            return self.staff(
                Event.COMMUNICATE_DECISION,
                actor,
                1,
                24,
                method=self.contact,
                external_routes_given=True,
                note=self.text("external"),
            )
        return self.staff(
            Event.COMMUNICATE_DECISION,
            actor,
            1,
            24,
            method=self.contact,
            note=self.text("communicate"),
        )


def _steps(case: _Case) -> list[Step]:
    rng, name = case.rng, case.scenario
    receiver = RECEIVER.get(case.channel, case.handler)
    hours = "office" if case.channel in ("phone", "letter", "in_person") else "awake"
    steps = [Step(SUBMIT, receiver, dt.timedelta(0), hours)]
    if name in ("acknowledged", "merged"):
        return steps
    steps.append(case.assessment())
    if name == "assessed":
        return steps
    if name == "withdrawn":
        if rng.random() < 0.6:
            steps.append(
                case.staff(
                    Event.START_INVESTIGATION, case.worker, 2, 40, note=case.text("investigate")
                )
            )
        steps.append(case.answer(Event.WITHDRAW, 24, 200, case.text("withdraw")))
        return steps
    steps.append(
        case.staff(Event.START_INVESTIGATION, case.worker, 2, 40, note=case.text("investigate"))
    )
    asks = name == "awaiting_complainant" or rng.random() < 0.25
    if asks:
        steps.append(
            case.staff(Event.REQUEST_INFORMATION, case.worker, 3, 48, note=case.text("request"))
        )
        if name == "awaiting_complainant":
            return steps
        steps.append(case.answer(Event.RECEIVE_INFORMATION, 12, 120, case.text("received")))
    if name == "investigating":
        return steps

    if name in REJECTING:
        outcome = rng.choice(("partly_upheld", "not_upheld"))
    else:
        outcome = rng.choices(("upheld", "partly_upheld", "not_upheld"), (6, 3, 1))[0]
    values = case.response(outcome)
    if name == "approved":
        # Make sure the remedy is above the proposer's limit, so the approval is needed.
        values = case.response("upheld")
        case.worker = "investigator"
        if "remedy_amount" not in values:
            values.update(remedy_type="compensation", remedy_amount=Decimal(30000))
    steps += case.propose(case.worker, values, 24, 150)
    if name in ("response_proposed", "approved"):
        return steps
    steps.append(case.communicate(case.handler))
    if name == "decided":
        return steps
    if name == "closed_no_reply":
        # ISO 10002 7.9: closed by the system once the waiting period has passed without an answer.
        steps.append(
            Step(
                Event.CLOSE.value,
                "system",
                dt.timedelta(days=rng.uniform(15, 20)),
                "any",
                EventData(note=case.text("close_no_reply")),
            )
        )
        return steps
    if name in ("decided_accepted", "closed_accepted"):
        steps.append(case.answer(Event.ACCEPT, 12, 150, case.text("accept")))
        if name == "closed_accepted":
            steps.append(case.staff(Event.CLOSE, case.handler, 2, 48, note=case.text("close")))
        return steps

    steps.append(case.answer(Event.REJECT, 12, 150, case.text("reject")))
    if name == "decided_rejected":
        return steps
    steps.append(case.answer(Event.ESCALATE, 1, 72, case.text("escalate")))
    if name == "escalated":
        return steps
    # ISO 10002 4.7: the review is decided by the complaints manager, who did not propose first.
    if name == "closed_exhausted":
        review = case.response(rng.choice(("not_upheld", "partly_upheld")), review=True)
    elif name == "closed_review_accepted":
        review = case.response("upheld", review=True)
    else:
        review = case.response(rng.choice(("upheld", "partly_upheld", "not_upheld")), review=True)
    steps += case.propose("manager", review, 72, 240)
    steps.append(case.communicate("manager", review=True))
    if name == "review_decided":
        return steps
    if name == "closed_review_accepted":
        steps.append(case.answer(Event.ACCEPT, 12, 150, case.text("accept")))
        steps.append(case.staff(Event.CLOSE, "manager", 2, 48, note=case.text("close")))
    else:
        steps.append(case.answer(Event.REJECT, 12, 150, case.text("reject")))
        if name in ("closed_external", "referred"):
            # ISO 10003: the complainant took it to an external body; the builder names the body
            # and the date when the step happens.
            steps.append(case.staff(Event.REFER_EXTERNALLY, "manager", 72, 400))
            if name == "referred":
                return steps
            steps.append(Step(REFERRAL_OUTCOME, "manager", _hours(rng, 24 * 20, 24 * 40), "office"))
        steps.append(case.staff(Event.CLOSE, "manager", 12, 48, note=case.text("close_exhausted")))
    return steps


def _place(rng: random.Random, plan: Plan, now: dt.datetime) -> None:
    """Date the steps: finished complaints anywhere in the history, unfinished ones recently."""
    earliest = now - dt.timedelta(days=HISTORY_DAYS)
    latest = now - MARGIN
    span = _layout(earliest, plan.steps)[-1] - earliest
    recent = BY_NAME[plan.scenario].recent_days
    if recent is None:
        room = max((latest - earliest) - span - dt.timedelta(days=3), dt.timedelta(0))
        start = earliest + room * rng.random()
    else:
        start = latest - dt.timedelta(days=rng.uniform(0, recent)) - span
    for attempt in range(1, 30):
        plan.times = _layout(start, plan.steps)
        if plan.last_at <= latest:
            return
        # Office hours and weekends can swallow a small shift: step back further each time.
        start -= plan.last_at - latest + dt.timedelta(hours=6 * attempt)
    raise RuntimeError("could not place the demo complaint before now")  # pragma: no cover


def _duplicate(rng: random.Random, plan: Plan, plans: list[Plan], now: dt.datetime) -> bool:
    """Make ``plan`` a second submission of an earlier open complaint, merged into it (7.3)."""
    latest = now - MARGIN
    candidates = [p for p in plans if p.scenario != "merged" and p.complaint is not None]
    rng.shuffle(candidates)
    for target in candidates:
        received = working_time(target.received_at + _hours(rng, 2, 20), "awake")
        merged = working_time(received + _hours(rng, 1, 20), "office")
        open_until = target.last_at if target.scenario.startswith(("closed", "withdrawn")) else now
        if merged >= open_until or merged > latest:
            continue
        assert target.complaint is not None
        lang = target.complaint.language
        plan.story, plan.channel, plan.anonymous = target.story, target.channel, target.anonymous
        plan.merge_into = target.index
        plan.complaint = replace(
            target.complaint,
            description=rng.choice(data.TEXTS[lang]["duplicate"]) + target.complaint.description,
        )
        receiver = RECEIVER.get(target.channel, "handler")
        hours = "office" if receiver == "handler" else "awake"
        note = rng.choice(data.TEXTS[lang]["merge"])
        plan.steps = [
            Step(SUBMIT, receiver, dt.timedelta(0), hours),
            # ``into_reference`` is filled in when the target's reference is known.
            Step(Event.MERGE.value, "handler", merged - received, "office", EventData(note=note)),
        ]
        plan.times = [received, merged]
        return True
    return False


def plan_demo(*, count: int, seed: int, now: dt.datetime) -> list[Plan]:
    """``count`` complaints with their dated steps; the same seed and moment give the same plan."""
    rng = random.Random(seed)
    names = [s.name for s in SCENARIOS][:count]
    names += rng.choices(
        [s.name for s in SCENARIOS], [s.weight for s in SCENARIOS], k=max(count - len(names), 0)
    )
    rng.shuffle(names)
    decks = {"ko": people.Deck(rng, data.KO_STORIES), "en": people.Deck(rng, data.EN_STORIES)}
    channels, weights = zip(*CHANNELS, strict=True)
    plans: list[Plan] = []
    for index, name in enumerate(names):
        story = decks["ko" if rng.random() < 0.6 else "en"].deal()
        case = _Case(rng, name, story, rng.choices(channels, weights)[0])
        # First: the contact method decides how the decision will be sent.
        person, case.contact = people.complainant(
            rng, language=case.lang, channel=case.channel, anonymous=case.anonymous
        )
        plan = Plan(index, name, story, case.channel, case.anonymous, _steps(case))
        if name != "merged":
            plan.handler = case.handler
            plan.investigator = case.worker if case.worker == "investigator" else None
        if name != "merged":
            _place(rng, plan, now)
            plan.complaint = people.complaint(
                rng,
                story=case.story,
                channel=case.channel,
                anonymous=case.anonymous,
                received=plan.received_at,
                person=person,
            )
        plans.append(plan)
    for plan in plans:
        if plan.scenario == "merged" and not _duplicate(rng, plan, plans, now):
            # Nothing open to merge into (only with a tiny count): leave it acknowledged.
            plan.scenario = "acknowledged"
            case = _Case(rng, plan.scenario, plan.story, plan.channel)
            person, case.contact = people.complainant(
                rng, language=case.lang, channel=case.channel, anonymous=case.anonymous
            )
            plan.anonymous = case.anonymous
            plan.steps = _steps(case)
            _place(rng, plan, now)
            plan.complaint = people.complaint(
                rng,
                story=case.story,
                channel=case.channel,
                anonymous=case.anonymous,
                received=plan.received_at,
                person=person,
            )
    return plans
