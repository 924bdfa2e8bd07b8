"""The complaint lifecycle as data: status × event → target, guards, SLA effect, notification.

Pure Python (no ORM, no database): ``transition_complaint()`` gathers ``Facts`` from the locked
row and the event's data, asks ``decide()`` and writes what it answers. It is the only writer of a
complaint's status. ``docs/workflow.md`` draws this table; the tests walk every status × event pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sori.core.i18n import LazyText as Promise
from sori.core.i18n import lazy as _


class Status(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INVESTIGATING = "investigating"
    AWAITING_COMPLAINANT = "awaiting_complainant"
    RESPONSE_PROPOSED = "response_proposed"
    APPROVED = "approved"
    DECISION_COMMUNICATED = "decision_communicated"
    ESCALATED = "escalated"
    REFERRED = "referred"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


STATUS_LABELS: dict[Status, Promise] = {
    Status.RECEIVED: _("received"),
    Status.ACKNOWLEDGED: _("acknowledged"),
    Status.ASSESSED: _("assessed"),
    Status.INVESTIGATING: _("under investigation"),
    Status.AWAITING_COMPLAINANT: _("waiting for the complainant"),
    Status.RESPONSE_PROPOSED: _("response proposed"),
    Status.APPROVED: _("response approved"),
    Status.DECISION_COMMUNICATED: _("decision communicated"),
    Status.ESCALATED: _("internal review"),
    Status.REFERRED: _("external dispute resolution"),
    Status.CLOSED: _("closed"),
    Status.WITHDRAWN: _("withdrawn"),
    Status.MERGED: _("merged"),
}

FINAL_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.MERGED})
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES


class Event(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSESS = "assess"
    REASSESS = "reassess"
    START_INVESTIGATION = "start_investigation"
    REQUEST_INFORMATION = "request_information"
    RECEIVE_INFORMATION = "receive_information"
    PROPOSE_RESPONSE = "propose_response"
    APPROVE = "approve"
    COMMUNICATE_DECISION = "communicate_decision"
    ACCEPT = "accept"
    REJECT = "reject"
    ESCALATE = "escalate"
    REFER_EXTERNALLY = "refer_externally"
    CLOSE = "close"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"
    MERGE = "merge"


EVENT_LABELS: dict[Event, Promise] = {
    Event.ACKNOWLEDGE: _("acknowledge receipt"),
    Event.ASSESS: _("record the initial assessment"),
    Event.REASSESS: _("reassess the complaint"),
    Event.START_INVESTIGATION: _("start the investigation"),
    Event.REQUEST_INFORMATION: _("ask the complainant for information"),
    Event.RECEIVE_INFORMATION: _("record the information received"),
    Event.PROPOSE_RESPONSE: _("propose a response"),
    Event.APPROVE: _("approve the response"),
    Event.COMMUNICATE_DECISION: _("communicate the decision"),
    Event.ACCEPT: _("accept the decision"),
    Event.REJECT: _("reject the decision"),
    Event.ESCALATE: _("start an internal review"),
    Event.REFER_EXTERNALLY: _("record an external dispute-resolution referral"),
    Event.CLOSE: _("close the complaint"),
    Event.REOPEN: _("reopen the complaint"),
    Event.WITHDRAW: _("withdraw the complaint"),
    Event.MERGE: _("merge into another complaint"),
}

# Withdrawal and merging end a complaint without a closure date: the first such line of its
# timeline says when (the analysis's "open at a moment", ISO 10002 8.2, 8.4).
ENDING_EVENTS = (Event.WITHDRAW.value, Event.MERGE.value)
ENDED_STATUSES = (Status.WITHDRAWN.value, Status.MERGED.value)


class Reaction(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class SlaEffect(StrEnum):
    """What the event does to the response clock (the SLA engine reads this)."""

    NONE = "none"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


@dataclass(frozen=True)
class Facts:
    """What the guards may look at: the complaint as it would be after the event's data is applied."""

    status: Status
    assessment_complete: bool = False
    response_recorded: bool = False
    remedy_amount: Decimal | None = None
    proposer_authority_limit: Decimal | None = None
    approved: bool = False
    reaction: Reaction | None = None
    internal_review_done: bool = False
    external_routes_given: bool = False
    decision_issued_at: dt.datetime | None = None
    now: dt.datetime | None = None
    reaction_wait_days: int = 14
    actor_authority_limit: Decimal | None = None
    actor_is_proposer: bool = False
    actor_handled_first_stage: bool = False
    referral_concluded: bool = False

    @property
    def approval_required(self) -> bool:
        """ISO 10002 4.12: a remedy above the proposer's authority limit needs an approver."""
        amount = self.remedy_amount or Decimal(0)
        return amount > (self.proposer_authority_limit or Decimal(0))

    @property
    def reaction_time_elapsed(self) -> bool:
        if self.decision_issued_at is None or self.now is None:
            return False
        return self.now - self.decision_issued_at >= dt.timedelta(days=self.reaction_wait_days)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str | Promise


Guard = Callable[[Facts], Refusal | None]


def assessment_complete(facts: Facts) -> Refusal | None:
    # ISO 10002 7.5: severity, safety, complexity, impact and immediate action are all assessed.
    if facts.assessment_complete:
        return None
    return Refusal(
        "assessment_incomplete",
        _(
            "The initial assessment is not complete: record severity, safety implications, "
            "complexity, impact and whether immediate action is needed."
        ),
    )


def response_recorded(facts: Facts) -> Refusal | None:
    # ISO 10002 7.7: a response has an outcome, a remedy type and reasons.
    if facts.response_recorded:
        return None
    return Refusal(
        "response_missing", _("Record the response first: outcome, remedy type and reasons.")
    )


def approved_if_above_authority(facts: Facts) -> Refusal | None:
    if facts.approved or not facts.approval_required:
        return None
    return Refusal(
        "approval_required",
        _("The remedy is above the proposer's authority limit: an approver must approve it first."),
    )


def within_approver_authority(facts: Facts) -> Refusal | None:
    # ISO 10002 4.12: the decision-authority matrix is enforced.
    amount = facts.remedy_amount or Decimal(0)
    if amount <= (facts.actor_authority_limit or Decimal(0)):
        return None
    return Refusal(
        "above_authority_limit", _("The remedy is above your authority limit; ask someone who may.")
    )


def approver_is_not_proposer(facts: Facts) -> Refusal | None:
    # ISO 10002 4.7 (objectivity): nobody approves their own proposal.
    if not facts.actor_is_proposer:
        return None
    return Refusal(
        "approver_is_proposer", _("You proposed this response; someone else must approve it.")
    )


def reviewer_is_independent(facts: Facts) -> Refusal | None:
    # ISO 10002 4.7: the internal review is decided by someone who did not handle the first stage.
    if not facts.actor_handled_first_stage:
        return None
    return Refusal(
        "reviewer_not_independent",
        _("You handled the first decision; the internal review must be decided by someone else."),
    )


def independent_after_review(facts: Facts) -> Refusal | None:
    # ISO 10002 4.7: revising a proposal is open to its author, except that a review decision
    # stays with someone who did not handle the first stage.
    if facts.internal_review_done:
        return reviewer_is_independent(facts)
    return None


def external_routes_after_review(facts: Facts) -> Refusal | None:
    # ISO 10002 7.9 / ISO 10003: after an internal review the complainant is told the external routes.
    if not facts.internal_review_done or facts.external_routes_given:
        return None
    return Refusal(
        "external_routes_missing",
        _(
            "This decision follows an internal review: include the external dispute-resolution routes."
        ),
    )


def not_already_accepted(facts: Facts) -> Refusal | None:
    if facts.reaction is not Reaction.ACCEPTED:
        return None
    return Refusal("already_accepted", _("The decision has already been accepted."))


def not_already_rejected(facts: Facts) -> Refusal | None:
    if facts.reaction is not Reaction.REJECTED:
        return None
    return Refusal("already_rejected", _("The decision has already been rejected."))


def rejected_and_review_available(facts: Facts) -> Refusal | None:
    if facts.reaction is not Reaction.REJECTED:
        return Refusal("not_rejected", _("An internal review follows a rejected decision."))
    if facts.internal_review_done:
        return Refusal(
            "review_already_done",
            _("The internal review has already been held; the external routes remain open."),
        )
    return None


def closable(facts: Facts) -> Refusal | None:
    """ISO 10002 7.9: close only on acceptance, exhausted recourse, or silence past the wait."""
    if facts.reaction is Reaction.ACCEPTED:
        return None
    if facts.reaction is Reaction.REJECTED:
        if not facts.internal_review_done:
            return Refusal(
                "internal_review_pending",
                _(
                    "The complainant rejected the decision: offer an internal review before closing."
                ),
            )
        if not facts.external_routes_given:
            return Refusal(
                "external_routes_missing",
                _("Tell the complainant about external dispute resolution before closing."),
            )
        return None
    if facts.reaction_time_elapsed:
        return None
    return Refusal(
        "awaiting_reaction",
        _(
            "The complainant has not answered the decision yet; a complaint closes on acceptance, "
            "on a rejection after internal review with external routes given, or after the "
            "waiting period."
        ),
    )


def rejected_decision(facts: Facts) -> Refusal | None:
    # ISO 10003: a complainant who does not accept the decision may go to an external body.
    if facts.reaction is Reaction.REJECTED:
        return None
    return Refusal(
        "not_rejected",
        _("An external referral follows a decision the complainant rejected."),
    )


def referral_concluded(facts: Facts) -> Refusal | None:
    # ISO 10002 7.9 / ISO 10003: the file closes once the external body's outcome is recorded
    # and, where it asked the organisation to act, that has been done.
    if facts.referral_concluded:
        return None
    return Refusal(
        "referral_open",
        _(
            "Record the external body's outcome (and its implementation, if it asked for "
            "action) before closing."
        ),
    )


@dataclass(frozen=True)
class Transition:
    source: Status
    event: Event
    target: Status
    guards: tuple[Guard, ...]
    sla: SlaEffect
    notify: str | None
    iso_clause: str
    action: str
    public: bool = True


def _t(
    sources: Iterable[Status],
    event: Event,
    target: Status | None,
    *,
    guards: tuple[Guard, ...] = (),
    sla: SlaEffect = SlaEffect.NONE,
    notify: str | None = None,
    iso: str,
    action: str,
    public: bool = True,
) -> list[Transition]:
    """Rows for one event from several sources; ``target=None`` keeps the status (a self-loop)."""
    return [
        Transition(
            source,
            event,
            target or source,
            guards,
            sla,
            notify,
            iso,
            f"sori.complaint.{action}",
            public,
        )
        for source in sources
    ]


S = Status
E = Event
_WORKING = (S.ASSESSED, S.INVESTIGATING)

TRANSITIONS: tuple[Transition, ...] = tuple(
    # ISO 10002 7.4: acknowledgement happens automatically on receipt.
    _t([S.RECEIVED], E.ACKNOWLEDGE, S.ACKNOWLEDGED, notify="acknowledgement", iso="7.4",
       action="acknowledged")
    + _t([S.ACKNOWLEDGED], E.ASSESS, S.ASSESSED, guards=(assessment_complete,), iso="7.5",
         action="assessed", public=False)
    # ISO 10002 7.5, 7.6: new facts change the assessment; the SLA policy is chosen again.
    + _t([S.ASSESSED, S.INVESTIGATING, S.AWAITING_COMPLAINANT], E.REASSESS, None,
         guards=(assessment_complete,), iso="7.5", action="reassessed", public=False)
    + _t([S.ASSESSED], E.START_INVESTIGATION, S.INVESTIGATING, guards=(assessment_complete,),
         iso="7.6", action="investigation_started")
    + _t(_WORKING, E.REQUEST_INFORMATION, S.AWAITING_COMPLAINANT, sla=SlaEffect.PAUSE,
         notify="information_requested", iso="7.6", action="information_requested")
    + _t([S.AWAITING_COMPLAINANT], E.RECEIVE_INFORMATION, S.INVESTIGATING, sla=SlaEffect.RESUME,
         iso="7.6", action="information_received")
    + _t([S.INVESTIGATING], E.PROPOSE_RESPONSE, S.RESPONSE_PROPOSED, guards=(response_recorded,),
         iso="7.7", action="response_proposed", public=False)
    + _t([S.ESCALATED], E.PROPOSE_RESPONSE, S.RESPONSE_PROPOSED,
         guards=(response_recorded, reviewer_is_independent), iso="7.7",
         action="response_proposed", public=False)
    # A proposal sent back by the approver (or not yet sent) is revised; any approval lapses.
    + _t([S.RESPONSE_PROPOSED, S.APPROVED], E.PROPOSE_RESPONSE, S.RESPONSE_PROPOSED,
         guards=(response_recorded, independent_after_review), iso="7.7",
         action="response_proposed", public=False)
    + _t([S.RESPONSE_PROPOSED], E.APPROVE, S.APPROVED,
         guards=(response_recorded, approver_is_not_proposer, within_approver_authority),
         iso="4.12", action="response_approved", public=False)
    + _t([S.RESPONSE_PROPOSED, S.APPROVED], E.COMMUNICATE_DECISION, S.DECISION_COMMUNICATED,
         guards=(response_recorded, approved_if_above_authority, external_routes_after_review),
         sla=SlaEffect.STOP, notify="decision", iso="7.8", action="decision_communicated")
    + _t([S.DECISION_COMMUNICATED], E.ACCEPT, None, guards=(not_already_accepted,), iso="7.9",
         action="decision_accepted")
    + _t([S.DECISION_COMMUNICATED], E.REJECT, None, guards=(not_already_rejected,), iso="7.9",
         action="decision_rejected")
    + _t([S.DECISION_COMMUNICATED], E.ESCALATE, S.ESCALATED,
         guards=(rejected_and_review_available,), sla=SlaEffect.START,
         notify="internal_review_started", iso="7.9", action="escalated")
    + _t([S.DECISION_COMMUNICATED], E.REFER_EXTERNALLY, S.REFERRED,
         guards=(rejected_decision,), sla=SlaEffect.START, iso="7.9",
         action="referred_externally")
    + _t([S.DECISION_COMMUNICATED], E.CLOSE, S.CLOSED, guards=(closable,), sla=SlaEffect.STOP,
         notify="closed", iso="7.9", action="closed")
    + _t([S.REFERRED], E.CLOSE, S.CLOSED, guards=(referral_concluded,), sla=SlaEffect.STOP,
         notify="closed", iso="7.9", action="closed")
    # ISO 10002 7.9: a closed complaint may be reopened, with a reason, when new facts appear.
    + _t([S.CLOSED], E.REOPEN, S.INVESTIGATING, sla=SlaEffect.START, notify="reopened",
         iso="7.9", action="reopened")
    + _t(sorted(OPEN_STATUSES), E.WITHDRAW, S.WITHDRAWN, sla=SlaEffect.STOP, notify="withdrawn",
         iso="7.9", action="withdrawn")
    + _t(sorted(OPEN_STATUSES), E.MERGE, S.MERGED, sla=SlaEffect.STOP, iso="7.3", action="merged")
)  # fmt: skip

_TABLE: dict[tuple[Status, Event], Transition] = {(t.source, t.event): t for t in TRANSITIONS}
assert len(_TABLE) == len(TRANSITIONS), "one row per status × event"


def transition_for(status: Status, event: Event) -> Transition | None:
    return _TABLE.get((status, event))


def events_from(status: Status) -> list[Event]:
    return [event for event in Event if (status, event) in _TABLE]


@dataclass(frozen=True)
class Decision:
    transition: Transition | None
    refusal: Refusal | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


NOT_FROM_HERE = "transition_not_allowed"


def decide(event: Event, facts: Facts) -> Decision:
    """Whether ``event`` may happen given ``facts``; the first unmet guard names the reason."""
    transition = transition_for(facts.status, event)
    if transition is None:
        return Decision(
            None,
            Refusal(
                NOT_FROM_HERE,
                _("This step is not possible while the complaint is “%(status)s”.")
                % {"status": STATUS_LABELS[facts.status]},
            ),
        )
    for guard in transition.guards:
        refusal = guard(facts)
        if refusal is not None:
            return Decision(transition, refusal)
    return Decision(transition, None)
