"""References are unique, well formed and never reused; concurrent writers never both win.

ISO 10002 7.2 (a unique identifying code) and 7.3 (tracking): the concurrency tests use real
threads with their own database connections, committing for real (``transaction=True``).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.complaints.models import Complaint
from sori.complaints.services.intake import ComplaintInput, submit_complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core.actors import SYSTEM, complainant_actor
from sori.core.clock import frozen_at
from sori.core.errors import Conflict, DomainError, GuardFailed, TransitionNotAllowed
from tests.support.concurrency import concurrently

from .flow import COMPLETE_ASSESSMENT, fire, response, row

REFERENCE = re.compile(r"^C-(\d{4})-(\d{6})$")


def number(reference: str) -> int:
    match = REFERENCE.match(reference)
    assert match, reference
    return int(match.group(2))


@pytest.mark.django_db
def test_references_are_well_formed_unique_and_consecutive(submit):
    with frozen_at(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        references = [submit().reference for _ in range(5)]
    for reference in references:
        match = REFERENCE.match(reference)
        assert match and match.group(1) == "2026"
    numbers = [number(r) for r in references]
    assert numbers == list(range(numbers[0], numbers[0] + 5))


@pytest.mark.django_db
def test_a_reference_is_never_handed_out_twice(submit, handler):
    # A withdrawn or merged complaint keeps its number; the next complaint gets a new one.
    first = submit().reference
    fire(handler, first, Event.WITHDRAW)
    second = submit().reference
    fire(handler, second, Event.MERGE, into_reference=submit().reference)
    later = submit().reference
    assert number(first) < number(second) < number(later)
    assert len({first, second, later}) == 3
    # A new year starts a new series; the year keeps the references apart.
    with frozen_at(dt.datetime(2031, 1, 1, 0, 0, 1, tzinfo=dt.UTC)):
        new_year = submit().reference
    assert new_year == "C-2031-000001"
    assert Complaint.objects.filter(reference=new_year).count() == 1


@pytest.mark.django_db
def test_a_refused_submission_uses_no_number(submit):
    before = number(submit().reference)
    with pytest.raises(DomainError):
        submit("   ")
    assert number(submit().reference) == before + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_references_without_gaps():
    threads, each = 8, 10

    def submit_many() -> list[str]:
        return [
            submit_complaint(
                actor=SYSTEM, data=ComplaintInput(description="동시 접수 시험입니다.")
            ).reference
            for _ in range(each)
        ]

    results = concurrently(*[submit_many for _ in range(threads)])
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    references = [reference for batch in results for reference in batch]
    assert len(set(references)) == threads * each
    numbers = sorted(number(r) for r in references)
    assert numbers == list(range(numbers[0], numbers[0] + threads * each))
    assert Complaint.objects.count() == threads * each
    # Each submission wrote its two entries into one unbroken chain.
    assert AuditEntry.objects.filter(object_type="complaint").count() == 2 * threads * each
    assert verify_trail() == []


@pytest.mark.django_db(transaction=True)
def test_of_two_transitions_with_the_same_expected_version_exactly_one_wins(submit, handler):
    for _ in range(3):
        reference = submit().reference
        version = row(reference)["version"]
        audit_before = AuditEntry.objects.filter(object_type="complaint").count()
        results = concurrently(
            lambda ref=reference, seen=version: transition_complaint(
                actor=handler,
                reference=ref,
                event=Event.ASSESS,
                data=EventData(**COMPLETE_ASSESSMENT),
                expected_version=seen,
            ),
            lambda ref=reference, seen=version: transition_complaint(
                actor=handler, reference=ref, event=Event.WITHDRAW, expected_version=seen
            ),
        )
        winners = [r for r in results if isinstance(r, Complaint)]
        losers = [r for r in results if not isinstance(r, Complaint)]
        assert len(winners) == 1, results
        assert len(losers) == 1 and isinstance(losers[0], Conflict), results
        assert losers[0].code == "conflict"
        assert row(reference)["version"] == version + 1
        assert row(reference)["status"] == winners[0].status
        assert AuditEntry.objects.filter(object_type="complaint").count() == audit_before + 1
    assert verify_trail() == []


@pytest.mark.django_db(transaction=True)
def test_of_two_conflicting_transitions_without_a_version_never_both_succeed(
    submit, handler, make_staff
):
    manager = make_staff("complaints_manager", username="manager")

    def decided() -> str:
        reference = submit().reference
        fire(handler, reference, Event.ASSESS, **COMPLETE_ASSESSMENT)
        fire(handler, reference, Event.START_INVESTIGATION)
        fire(handler, reference, Event.PROPOSE_RESPONSE, **response())
        fire(handler, reference, Event.COMMUNICATE_DECISION, method="email")
        return reference

    def fire_now(actor, reference, event, **data):
        return lambda: transition_complaint(
            actor=actor, reference=reference, event=event, data=EventData(**data)
        )

    # Withdrawn and merged at once: both lead to a final status, only one can.
    reference, other = submit().reference, submit().reference
    pairs = [
        (
            fire_now(handler, reference, Event.WITHDRAW),
            fire_now(manager, reference, Event.MERGE, into_reference=other),
        )
    ]
    # The complainant accepts twice (portal and phone): the second acceptance is refused.
    twice = decided()
    pairs.append(
        (
            fire_now(complainant_actor(twice), twice, Event.ACCEPT),
            fire_now(handler, twice, Event.ACCEPT),
        )
    )
    # The complainant rejects while the handler closes on an earlier acceptance (ISO 10002 7.9).
    racing = decided()
    fire(complainant_actor(racing), racing, Event.ACCEPT)
    pairs.append(
        (
            fire_now(complainant_actor(racing), racing, Event.REJECT),
            fire_now(handler, racing, Event.CLOSE),
        )
    )
    for first, second in pairs:
        audit_before = AuditEntry.objects.filter(object_type="complaint").count()
        results = concurrently(first, second)
        winners = [r for r in results if isinstance(r, Complaint)]
        losers = [r for r in results if not isinstance(r, Complaint)]
        assert len(winners) == 1, results
        assert len(losers) == 1, results
        assert isinstance(losers[0], TransitionNotAllowed | GuardFailed), results
        assert AuditEntry.objects.filter(object_type="complaint").count() == audit_before + 1
    # Whichever won, the race never closed a rejected decision.
    final = row(racing)
    assert (final["status"], final["reaction"]) in {
        (Status.CLOSED, "accepted"),
        (Status.DECISION_COMMUNICATED, "rejected"),
    }
    assert verify_trail() == []
