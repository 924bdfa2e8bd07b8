"""Related complaints, shown on both, within the actor's scope (ISO 10002 8.2, 4.10)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import ComplaintEvent, ComplaintLink
from sori.complaints.services.links import link_complaints, unlink_complaints
from sori.complaints.workspace_selectors import workspace
from sori.core.errors import Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_a_link_is_shown_on_both_complaints_and_audited_on_both(submit, handler):
    first, second = submit(subject="첫째"), submit(subject="둘째")
    link_complaints(actor=handler, reference=first.reference, other_reference=second.reference,
                    note="같은 배송 건")  # fmt: skip
    seen_from_first = workspace(viewer=handler, reference=first.reference, personal_data=False)
    seen_from_second = workspace(viewer=handler, reference=second.reference, personal_data=False)
    assert [r.reference for r in seen_from_first.related] == [second.reference]
    assert [r.reference for r in seen_from_second.related] == [first.reference]
    assert seen_from_second.related[0].note == "같은 배송 건"
    entries = AuditEntry.objects.filter(action="sori.complaint.linked")
    assert sorted(e.object_id for e in entries) == sorted([first.reference, second.reference])
    assert all(e.iso_clause == "8.2" for e in entries)
    lines = ComplaintEvent.objects.filter(kind="linked")
    assert lines.count() == 2 and not lines.filter(public=True).exists()


def test_linking_twice_in_either_direction_is_refused(submit, handler):
    first, second = submit(), submit()
    link_complaints(actor=handler, reference=first.reference, other_reference=second.reference)
    with pytest.raises(InvalidInput) as refused:
        link_complaints(actor=handler, reference=second.reference, other_reference=first.reference)
    assert refused.value.code == "already_linked"
    assert ComplaintLink.objects.count() == 1


def test_unlinking_works_from_either_side_and_is_audited(submit, handler):
    first, second = submit(), submit()
    link_complaints(actor=handler, reference=first.reference, other_reference=second.reference)
    unlink_complaints(actor=handler, reference=second.reference, other_reference=first.reference)
    assert not ComplaintLink.objects.exists()
    assert AuditEntry.objects.filter(action="sori.complaint.unlinked").count() == 2
    with pytest.raises(InvalidInput):
        unlink_complaints(
            actor=handler, reference=first.reference, other_reference=second.reference
        )


def test_a_complaint_outside_the_scope_cannot_be_linked_and_looks_missing(submit, handler, staff):
    outsider = staff(Role.HANDLER, unit="billing")
    mine, other = submit(), submit()
    with pytest.raises(NotFound):
        link_complaints(actor=outsider, reference=mine.reference, other_reference=other.reference)
    with pytest.raises(InvalidInput) as refused:
        link_complaints(actor=handler, reference=mine.reference, other_reference="C-2026-999999")
    assert refused.value.code == "invalid_link_target"
    with pytest.raises(InvalidInput):
        link_complaints(actor=handler, reference=mine.reference, other_reference=mine.reference)
    assert not ComplaintLink.objects.exists()


def test_an_auditor_reads_links_but_cannot_make_them(submit, staff):
    auditor = staff(Role.AUDITOR)
    first, second = submit(), submit()
    with pytest.raises(Forbidden):
        link_complaints(actor=auditor, reference=first.reference, other_reference=second.reference)
