"""Helpers for driving complaints through the real services, checking the bookkeeping of each step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, ComplaintEvent
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Status, transition_for
from sori.core.actors import Actor
from sori.core.errors import DomainError

COMPLETE_ASSESSMENT: dict[str, Any] = {
    "severity": "medium",
    "safety_risk": False,
    "complexity": "low",
    "impact": "medium",
    "immediate_action_needed": False,
}


def response(amount: int | str | Decimal | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outcome": "upheld",
        "remedy_type": "refund" if amount else "apology",
        "reasons": "배송 지연이 확인되었습니다. The delay was confirmed.",
    }
    if amount is not None:
        data["remedy_amount"] = amount
    return {**data, **changes}


def row(reference: str) -> dict[str, Any]:
    """Every column of the complaint as stored."""
    return Complaint.objects.filter(reference=reference).values().get()


def counts(reference: str) -> tuple[int, int]:
    # Entries about the complaint itself; the emails a step queues have entries of their own.
    return (
        AuditEntry.objects.filter(object_type="complaint").count(),
        ComplaintEvent.objects.filter(complaint__reference=reference).count(),
    )


def fire(actor: Actor, reference: str, event: Event | str, **data: Any) -> Complaint:
    """Fire an event that must succeed: one audit entry and one timeline event, nothing more."""
    event = Event(event)
    before_status = Status(row(reference)["status"])
    audit_before, events_before = counts(reference)
    complaint = transition_complaint(
        actor=actor, reference=reference, event=event, data=EventData(**data)
    )
    assert counts(reference) == (audit_before + 1, events_before + 1)
    expected = transition_for(before_status, event)
    assert expected is not None
    assert complaint.status == expected.target
    entry = AuditEntry.objects.filter(object_type="complaint").order_by("-seq").first()
    assert entry is not None
    assert entry.action == expected.action
    assert entry.object_id == reference
    assert entry.actor == actor.audit_id
    assert entry.iso_clause == expected.iso_clause
    assert entry.data["from"] == before_status and entry.data["to"] == expected.target
    timeline = ComplaintEvent.objects.filter(complaint__reference=reference).order_by("id").last()
    assert timeline is not None
    assert (timeline.kind, timeline.from_status, timeline.to_status, timeline.public) == (
        event.value,
        before_status.value,
        expected.target.value,
        expected.public,
    )
    return complaint


def refused(actor: Actor, reference: str, event: Event | str, **data: Any) -> DomainError:
    """Fire an event that must be refused: nothing written, the row exactly as it was."""
    before = row(reference)
    before_counts = counts(reference)
    try:
        transition_complaint(actor=actor, reference=reference, event=event, data=EventData(**data))
    except DomainError as error:
        assert counts(reference) == before_counts
        assert row(reference) == before
        return error
    raise AssertionError(f"{event} was not refused")
