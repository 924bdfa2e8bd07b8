"""Every notification the workflow table names has its ko and en email (ISO 10002 7.3)."""

from __future__ import annotations

import pytest

from sori.complaints.models import Complaint
from sori.complaints.workflow import TRANSITIONS
from sori.messaging.rendering import render

KEYS = sorted({row.notify for row in TRANSITIONS if row.notify})


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("key", KEYS)
def test_every_notification_of_the_workflow_renders_in_both_languages(submit, key, language):
    complaint = Complaint.objects.get(reference=submit().reference)
    subject, body = render(complaint=complaint, key=key, language=language)
    assert complaint.reference in subject
    assert complaint.reference in body
