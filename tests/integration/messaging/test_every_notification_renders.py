"""Every notification has its ko and en email (ISO 10002 7.3): those the workflow table names and
those the SLA clocks send (extension, holding reply, overdue notice)."""

from __future__ import annotations

import pytest

from sori.complaints.models import Complaint
from sori.complaints.workflow import TRANSITIONS
from sori.messaging.rendering import ISO_CLAUSES, render

WORKFLOW_KEYS = {row.notify for row in TRANSITIONS if row.notify}
KEYS = sorted(WORKFLOW_KEYS | set(ISO_CLAUSES))


def test_every_notification_of_the_workflow_has_an_iso_clause():
    assert set(ISO_CLAUSES) >= WORKFLOW_KEYS
    assert {"deadline_extended", "holding_reply", "overdue_notice"} <= set(ISO_CLAUSES)


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("key", KEYS)
def test_every_notification_renders_in_both_languages(submit, key, language):
    complaint = Complaint.objects.get(reference=submit().reference)
    subject, body = render(complaint=complaint, key=key, language=language)
    assert complaint.reference in subject
    assert complaint.reference in body
