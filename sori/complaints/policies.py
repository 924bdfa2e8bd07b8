"""Who may do what to a complaint, as ``rules`` predicates (ISO 10002 5.4, 4.10, 4.12)."""

from __future__ import annotations

import rules

from sori.complaints import scope
from sori.complaints.models import Complaint
from sori.complaints.workflow import Event
from sori.core.actors import Actor, ActorKind

HANDLING_ROLES = ("handler", "investigator", "complaints_manager")
READING_ROLES = (*HANDLING_ROLES, "approver", "top_management", "auditor", "administrator")
# Contact details are needed to handle the case, and auditors read everything (they change nothing).
PERSONAL_DATA_ROLES = (*HANDLING_ROLES, "auditor", "administrator")


def has_role(*roles: str) -> rules.Predicate:
    @rules.predicate(name=f"has_role({', '.join(roles)})")
    def predicate(actor: Actor, complaint: Complaint | None = None) -> bool:
        return actor.kind is ActorKind.STAFF and actor.role in roles

    return predicate


@rules.predicate
def is_system(actor: Actor, complaint: Complaint | None = None) -> bool:
    return actor.kind is ActorKind.SYSTEM


@rules.predicate
def is_own_complaint(actor: Actor, complaint: Complaint | None = None) -> bool:
    return (
        actor.kind is ActorKind.COMPLAINANT
        and complaint is not None
        and actor.complaint_reference == complaint.reference
    )


@rules.predicate
def in_scope(actor: Actor, complaint: Complaint | None = None) -> bool:
    # ISO 10002 4.10, 5.4: a handler works the complaints of their unit and those given to them.
    return complaint is None or scope.in_scope(actor, complaint)


handler = has_role("handler", "complaints_manager")
case_worker = has_role(*HANDLING_ROLES)
approver = has_role("approver", "complaints_manager", "top_management")

# The complainant may answer for themselves; staff may record what they said by phone or letter.
EVENT_RULES = rules.RuleSet()
EVENT_RULES.add_rule(Event.ACKNOWLEDGE, is_system | handler)
EVENT_RULES.add_rule(Event.ASSESS, handler)
EVENT_RULES.add_rule(Event.REASSESS, handler)
EVENT_RULES.add_rule(Event.START_INVESTIGATION, case_worker)
EVENT_RULES.add_rule(Event.REQUEST_INFORMATION, case_worker)
EVENT_RULES.add_rule(Event.RECEIVE_INFORMATION, case_worker | is_own_complaint)
EVENT_RULES.add_rule(Event.PROPOSE_RESPONSE, case_worker)
EVENT_RULES.add_rule(Event.APPROVE, approver)
EVENT_RULES.add_rule(Event.COMMUNICATE_DECISION, handler)
EVENT_RULES.add_rule(Event.ACCEPT, handler | is_own_complaint)
EVENT_RULES.add_rule(Event.REJECT, handler | is_own_complaint)
EVENT_RULES.add_rule(Event.ESCALATE, handler | is_own_complaint)
EVENT_RULES.add_rule(Event.REFER_EXTERNALLY, handler)
EVENT_RULES.add_rule(Event.CLOSE, handler | is_system)
EVENT_RULES.add_rule(Event.REOPEN, handler)
EVENT_RULES.add_rule(Event.WITHDRAW, handler | is_own_complaint)
EVENT_RULES.add_rule(Event.MERGE, handler)


def may_fire(actor: Actor, event: Event, complaint: Complaint) -> bool:
    return bool(EVENT_RULES.test_rule(event, actor, complaint)) and in_scope(actor, complaint)


can_read_complaint = (has_role(*READING_ROLES) & in_scope) | is_own_complaint | is_system
can_read_personal_data = has_role(*PERSONAL_DATA_ROLES) & in_scope
can_submit_for_others = has_role(*HANDLING_ROLES)
# ISO 10002 5.4: handlers route and assign within their scope; managers anywhere.
can_assign = handler & in_scope
# ISO 10002 7.6: everyone working the case records the investigation.
can_investigate = case_worker & in_scope
