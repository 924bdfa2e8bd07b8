"""The pure transition table (ISO 10002 7.2–7.9): every status × event pair, and every guard both ways.

No database: ``decide()`` is asked directly with hand-made ``Facts``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sori.complaints.workflow import (
    FINAL_STATUSES,
    NOT_FROM_HERE,
    OPEN_STATUSES,
    TRANSITIONS,
    Event,
    Facts,
    Reaction,
    Status,
    decide,
    events_from,
    transition_for,
)

S = Status
E = Event

# Written out by hand on purpose: changing the workflow must change this test too.
_OPEN = [
    S.RECEIVED,
    S.ACKNOWLEDGED,
    S.ASSESSED,
    S.INVESTIGATING,
    S.AWAITING_COMPLAINANT,
    S.RESPONSE_PROPOSED,
    S.APPROVED,
    S.DECISION_COMMUNICATED,
    S.ESCALATED,
    S.REFERRED,
]
EXPECTED: dict[tuple[Status, Event], Status] = {
    (S.RECEIVED, E.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, E.ASSESS): S.ASSESSED,
    (S.ASSESSED, E.REASSESS): S.ASSESSED,
    (S.INVESTIGATING, E.REASSESS): S.INVESTIGATING,
    (S.AWAITING_COMPLAINANT, E.REASSESS): S.AWAITING_COMPLAINANT,
    (S.ASSESSED, E.START_INVESTIGATION): S.INVESTIGATING,
    (S.ASSESSED, E.REQUEST_INFORMATION): S.AWAITING_COMPLAINANT,
    (S.INVESTIGATING, E.REQUEST_INFORMATION): S.AWAITING_COMPLAINANT,
    (S.AWAITING_COMPLAINANT, E.RECEIVE_INFORMATION): S.INVESTIGATING,
    (S.INVESTIGATING, E.PROPOSE_RESPONSE): S.RESPONSE_PROPOSED,
    (S.ESCALATED, E.PROPOSE_RESPONSE): S.RESPONSE_PROPOSED,
    (S.RESPONSE_PROPOSED, E.PROPOSE_RESPONSE): S.RESPONSE_PROPOSED,
    (S.APPROVED, E.PROPOSE_RESPONSE): S.RESPONSE_PROPOSED,
    (S.RESPONSE_PROPOSED, E.APPROVE): S.APPROVED,
    (S.RESPONSE_PROPOSED, E.COMMUNICATE_DECISION): S.DECISION_COMMUNICATED,
    (S.APPROVED, E.COMMUNICATE_DECISION): S.DECISION_COMMUNICATED,
    (S.DECISION_COMMUNICATED, E.ACCEPT): S.DECISION_COMMUNICATED,
    (S.DECISION_COMMUNICATED, E.REJECT): S.DECISION_COMMUNICATED,
    (S.DECISION_COMMUNICATED, E.ESCALATE): S.ESCALATED,
    (S.DECISION_COMMUNICATED, E.CLOSE): S.CLOSED,
    (S.DECISION_COMMUNICATED, E.REFER_EXTERNALLY): S.REFERRED,
    (S.REFERRED, E.CLOSE): S.CLOSED,
    (S.CLOSED, E.REOPEN): S.INVESTIGATING,
    **{(status, E.WITHDRAW): S.WITHDRAWN for status in _OPEN},
    **{(status, E.MERGE): S.MERGED for status in _OPEN},
}

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

# For each event, facts that meet every guard of its rows.
SATISFYING: dict[Event, dict[str, Any]] = {
    E.ACKNOWLEDGE: {},
    E.ASSESS: {"assessment_complete": True},
    E.REASSESS: {"assessment_complete": True},
    E.START_INVESTIGATION: {"assessment_complete": True},
    E.REQUEST_INFORMATION: {},
    E.RECEIVE_INFORMATION: {},
    E.PROPOSE_RESPONSE: {"response_recorded": True},
    E.APPROVE: {
        "response_recorded": True,
        "remedy_amount": Decimal("300000"),
        "proposer_authority_limit": Decimal("100000"),
        "actor_authority_limit": Decimal("5000000"),
    },
    E.COMMUNICATE_DECISION: {"response_recorded": True},
    E.ACCEPT: {},
    E.REJECT: {},
    E.ESCALATE: {"reaction": Reaction.REJECTED},
    E.CLOSE: {"reaction": Reaction.ACCEPTED, "referral_concluded": True},
    E.REFER_EXTERNALLY: {"reaction": Reaction.REJECTED},
    E.REOPEN: {},
    E.WITHDRAW: {},
    E.MERGE: {},
}


def facts(status: Status, **changes: Any) -> Facts:
    return Facts(status=status, now=NOW, **changes)


def refusal_code(event: Event, status: Status, **changes: Any) -> str | None:
    decision = decide(event, facts(status, **changes))
    return decision.refusal.code if decision.refusal else None


def test_the_expected_table_names_every_row_of_the_real_one():
    # Both directions: no row missing from the table, and no row the test does not know about.
    actual = {(t.source, t.event): t.target for t in TRANSITIONS}
    assert actual == EXPECTED


@pytest.mark.parametrize(
    ("status", "event"),
    list(itertools.product(Status, Event)),
    ids=lambda value: str(value),
)
def test_every_status_and_event_pair_is_allowed_or_refused_as_not_possible_from_here(
    status: Status, event: Event
):
    decision_refused = decide(event, facts(status))
    if (status, event) in EXPECTED:
        row = transition_for(status, event)
        assert row is not None
        assert row.target is EXPECTED[status, event]
        allowed = decide(event, facts(status, **SATISFYING[event]))
        assert allowed.allowed, allowed.refusal
        assert allowed.transition is row
        assert event in events_from(status)
    else:
        assert transition_for(status, event) is None
        assert decision_refused.transition is None
        assert decision_refused.refusal is not None
        assert decision_refused.refusal.code == NOT_FROM_HERE
        assert str(decision_refused.refusal.message)
        assert event not in events_from(status)


def test_investigation_needs_a_completed_assessment():
    # ISO 10002 7.5 before 7.6: severity, safety, complexity, impact and immediate action first.
    assert refusal_code(E.ASSESS, S.ACKNOWLEDGED) == "assessment_incomplete"
    assert refusal_code(E.ASSESS, S.ACKNOWLEDGED, assessment_complete=True) is None
    assert refusal_code(E.START_INVESTIGATION, S.ASSESSED) == "assessment_incomplete"
    assert refusal_code(E.START_INVESTIGATION, S.ASSESSED, assessment_complete=True) is None


def test_a_decision_cannot_be_communicated_without_a_recorded_response():
    # ISO 10002 7.7 then 7.8: outcome, remedy type and reasons are recorded before the decision.
    for status in (S.RESPONSE_PROPOSED, S.APPROVED):
        assert refusal_code(E.COMMUNICATE_DECISION, status) == "response_missing"
        assert refusal_code(E.COMMUNICATE_DECISION, status, response_recorded=True) is None
    assert refusal_code(E.PROPOSE_RESPONSE, S.INVESTIGATING) == "response_missing"
    assert refusal_code(E.PROPOSE_RESPONSE, S.INVESTIGATING, response_recorded=True) is None


def test_a_remedy_above_the_proposers_authority_limit_needs_approval():
    # ISO 10002 4.12: the decision-authority matrix.
    above = {
        "response_recorded": True,
        "remedy_amount": Decimal("100000.01"),
        "proposer_authority_limit": Decimal("100000"),
    }
    assert refusal_code(E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, **above) == (
        "approval_required"
    )
    assert refusal_code(E.COMMUNICATE_DECISION, S.APPROVED, **above, approved=True) is None
    at_limit = {**above, "remedy_amount": Decimal("100000")}
    assert refusal_code(E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, **at_limit) is None
    # A proposer with no authority at all needs approval for any money, but not for an apology.
    no_limit = {"response_recorded": True, "proposer_authority_limit": None}
    assert (
        refusal_code(
            E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, **no_limit, remedy_amount=Decimal(1)
        )
        == "approval_required"
    )
    assert refusal_code(E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, **no_limit) is None


def test_an_approver_cannot_approve_above_their_own_limit():
    # ISO 10002 4.12
    base = {"response_recorded": True, "remedy_amount": Decimal("2000000")}
    assert (
        refusal_code(E.APPROVE, S.RESPONSE_PROPOSED, **base, actor_authority_limit=Decimal(1999999))
        == "above_authority_limit"
    )
    assert refusal_code(E.APPROVE, S.RESPONSE_PROPOSED, **base) == "above_authority_limit"
    assert (
        refusal_code(E.APPROVE, S.RESPONSE_PROPOSED, **base, actor_authority_limit=Decimal(2000000))
        is None
    )


def test_nobody_approves_their_own_proposal():
    # ISO 10002 4.7 objectivity.
    base = {"response_recorded": True, "actor_authority_limit": Decimal("5000000")}
    assert (
        refusal_code(E.APPROVE, S.RESPONSE_PROPOSED, **base, actor_is_proposer=True)
        == "approver_is_proposer"
    )
    assert refusal_code(E.APPROVE, S.RESPONSE_PROPOSED, **base, actor_is_proposer=False) is None


def test_internal_review_is_decided_by_someone_other_than_the_first_handler():
    # ISO 10002 4.7: the review is independent of the first stage.
    assert (
        refusal_code(
            E.PROPOSE_RESPONSE, S.ESCALATED, response_recorded=True, actor_handled_first_stage=True
        )
        == "reviewer_not_independent"
    )
    assert refusal_code(E.PROPOSE_RESPONSE, S.ESCALATED, response_recorded=True) is None
    # In the first stage the first handler is of course the one proposing.
    assert (
        refusal_code(
            E.PROPOSE_RESPONSE,
            S.INVESTIGATING,
            response_recorded=True,
            actor_handled_first_stage=True,
        )
        is None
    )


def test_closing_requires_the_complainants_acceptance_or_exhausted_recourse_or_silence():
    # ISO 10002 7.9
    dc = S.DECISION_COMMUNICATED
    issued = NOW - dt.timedelta(days=14)
    assert refusal_code(E.CLOSE, dc, decision_issued_at=NOW) == "awaiting_reaction"
    assert refusal_code(E.CLOSE, dc, reaction=Reaction.ACCEPTED) is None
    # Rejected: only after an internal review whose decision gave the external routes.
    rejected = {"reaction": Reaction.REJECTED}
    assert refusal_code(E.CLOSE, dc, **rejected) == "internal_review_pending"
    assert (
        refusal_code(E.CLOSE, dc, **rejected, internal_review_done=True)
        == "external_routes_missing"
    )
    assert (
        refusal_code(E.CLOSE, dc, **rejected, internal_review_done=True, external_routes_given=True)
        is None
    )
    # A rejection is never overridden by silence.
    assert refusal_code(E.CLOSE, dc, **rejected, decision_issued_at=issued) == (
        "internal_review_pending"
    )
    # Silence: exactly the waiting period, counted from the communicated decision.
    assert refusal_code(E.CLOSE, dc, decision_issued_at=issued, reaction_wait_days=14) is None
    almost = issued + dt.timedelta(seconds=1)
    assert refusal_code(E.CLOSE, dc, decision_issued_at=almost, reaction_wait_days=14) == (
        "awaiting_reaction"
    )
    assert refusal_code(E.CLOSE, dc, decision_issued_at=almost, reaction_wait_days=13) is None
    # Without a communicated decision there is nothing to be silent about.
    assert refusal_code(E.CLOSE, dc, decision_issued_at=None) == "awaiting_reaction"
    # And closing is only possible once the decision has been communicated.
    # (A complaint taken to an external body closes by its own rule, tested below.)
    for status in OPEN_STATUSES - {dc, S.REFERRED}:
        assert refusal_code(E.CLOSE, status, reaction=Reaction.ACCEPTED) == NOT_FROM_HERE


def test_a_rejection_keeps_the_complaint_open():
    # ISO 10002 7.9: a rejected decision leads to a review, not to closure.
    row = transition_for(S.DECISION_COMMUNICATED, E.REJECT)
    assert row is not None and row.target in OPEN_STATUSES
    assert refusal_code(E.REJECT, S.DECISION_COMMUNICATED) is None
    assert refusal_code(E.REJECT, S.DECISION_COMMUNICATED, reaction=Reaction.REJECTED) == (
        "already_rejected"
    )
    # Changing one's mind to a rejection is possible until the complaint closes.
    assert refusal_code(E.REJECT, S.DECISION_COMMUNICATED, reaction=Reaction.ACCEPTED) is None
    assert refusal_code(E.ACCEPT, S.DECISION_COMMUNICATED, reaction=Reaction.ACCEPTED) == (
        "already_accepted"
    )
    assert refusal_code(E.ACCEPT, S.DECISION_COMMUNICATED, reaction=Reaction.REJECTED) is None
    # The rejection opens the internal review, once.
    assert refusal_code(E.ESCALATE, S.DECISION_COMMUNICATED) == "not_rejected"
    assert refusal_code(E.ESCALATE, S.DECISION_COMMUNICATED, reaction=Reaction.ACCEPTED) == (
        "not_rejected"
    )
    assert refusal_code(E.ESCALATE, S.DECISION_COMMUNICATED, reaction=Reaction.REJECTED) is None
    assert (
        refusal_code(
            E.ESCALATE,
            S.DECISION_COMMUNICATED,
            reaction=Reaction.REJECTED,
            internal_review_done=True,
        )
        == "review_already_done"
    )


def test_after_an_internal_review_the_decision_must_give_external_routes():
    # ISO 10002 7.9 and ISO 10003: after the internal review, tell the complainant where to go next.
    reviewed = {"response_recorded": True, "internal_review_done": True}
    assert refusal_code(E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, **reviewed) == (
        "external_routes_missing"
    )
    assert (
        refusal_code(
            E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, **reviewed, external_routes_given=True
        )
        is None
    )
    # The first decision may give them, but need not.
    assert refusal_code(E.COMMUNICATE_DECISION, S.RESPONSE_PROPOSED, response_recorded=True) is None


def test_withdraw_and_merge_are_possible_from_every_open_status():
    # ISO 10002 7.9 (withdrawal) and 7.3 (duplicates merged, still tracked).
    assert set(_OPEN) == OPEN_STATUSES
    for status in OPEN_STATUSES:
        assert decide(E.WITHDRAW, facts(status)).transition.target is S.WITHDRAWN  # type: ignore[union-attr]
        assert decide(E.WITHDRAW, facts(status)).allowed
        assert decide(E.MERGE, facts(status)).transition.target is S.MERGED  # type: ignore[union-attr]
        assert decide(E.MERGE, facts(status)).allowed


def test_final_statuses_allow_nothing_but_reopening_a_closed_complaint():
    assert {S.CLOSED, S.WITHDRAWN, S.MERGED} == FINAL_STATUSES
    assert events_from(S.CLOSED) == [E.REOPEN]
    for status in FINAL_STATUSES:
        for event in Event:
            if (status, event) == (S.CLOSED, E.REOPEN):
                continue
            refusal = decide(event, facts(status, **SATISFYING[event])).refusal
            assert refusal is not None and refusal.code == NOT_FROM_HERE


amounts = st.none() | st.decimals(allow_nan=False, places=2, min_value=-1, max_value=10**12)
moments = st.none() | st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)
any_facts = st.builds(
    Facts,
    status=st.sampled_from(Status),
    reaction=st.none() | st.sampled_from(Reaction),
    remedy_amount=amounts,
    proposer_authority_limit=amounts,
    actor_authority_limit=amounts,
    decision_issued_at=moments,
    now=moments,
    # The organisation's setting is a PositiveSmallIntegerField.
    reaction_wait_days=st.integers(min_value=0, max_value=32767),
)


@given(any_facts, st.sampled_from(Event))
def test_decide_never_raises_and_every_refusal_names_its_reason(facts: Facts, event: Event):
    decision = decide(event, facts)
    if decision.refusal is not None:
        assert decision.refusal.code
        assert str(decision.refusal.message)
        assert not decision.allowed
    else:
        assert decision.transition is not None
        assert decision.transition.source is facts.status


@given(any_facts, st.sampled_from(Event))
def test_only_reopening_leads_out_of_a_final_status(facts: Facts, event: Event):
    decision = decide(event, facts)
    reopening = (facts.status, event) == (S.CLOSED, E.REOPEN)
    if facts.status in FINAL_STATUSES and not reopening:
        assert decision.transition is None
        assert not decision.allowed
    if decision.allowed:
        assert decision.transition is not None
        assert decision.transition.source in OPEN_STATUSES or reopening


def test_an_external_referral_follows_a_rejected_decision_and_closes_once_concluded():
    # ISO 10003 via ISO 10002 7.9: the external body's outcome is recorded before the file closes.
    dc = S.DECISION_COMMUNICATED
    assert refusal_code(E.REFER_EXTERNALLY, dc) == "not_rejected"
    assert refusal_code(E.REFER_EXTERNALLY, dc, reaction=Reaction.ACCEPTED) == "not_rejected"
    assert refusal_code(E.REFER_EXTERNALLY, dc, reaction=Reaction.REJECTED) is None
    assert refusal_code(E.CLOSE, S.REFERRED) == "referral_open"
    assert refusal_code(E.CLOSE, S.REFERRED, referral_concluded=True) is None


def test_a_proposal_can_be_revised_and_a_review_revision_stays_independent():
    # ISO 10002 7.7 and 4.7: the proposer revises a proposal sent back; after an internal review
    # the first-stage handler still may not decide it.
    for status in (S.RESPONSE_PROPOSED, S.APPROVED):
        assert refusal_code(E.PROPOSE_RESPONSE, status, response_recorded=True) is None
        assert (
            refusal_code(
                E.PROPOSE_RESPONSE, status, response_recorded=True, actor_handled_first_stage=True
            )
            is None
        )
        assert (
            refusal_code(
                E.PROPOSE_RESPONSE,
                status,
                response_recorded=True,
                internal_review_done=True,
                actor_handled_first_stage=True,
            )
            == "reviewer_not_independent"
        )
