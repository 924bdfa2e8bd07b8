"""The complainant's answer to a request for information (ISO 10002 7.6)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from sori.complaints.attachments import IncomingFile
from sori.complaints.models import Complaint
from sori.complaints.services import attachments as attachment_store
from sori.complaints.services.transitions import MAX_NOTE, EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core.actors import Actor
from sori.core.errors import InvalidInput


def reply_to_request(
    *,
    actor: Actor,
    reference: str,
    note: str,
    attachments: Sequence[IncomingFile] = (),
) -> Complaint:
    """Record the information asked for, with its files, and resume the investigation.

    The complainant answers for themselves; case-working staff record an answer received by
    phone or letter (``transition_complaint`` checks who may). The step and the files are one
    transaction: a refused file leaves the request open, and a refused step stores no file.
    """
    note = note.strip()
    if not note:
        raise InvalidInput(
            _("Write your answer to the request for information."), code="required", field="note"
        )
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": "note", "max": MAX_NOTE},
            code="too_long",
            field="note",
        )
    with attachment_store.batch(attachments) as files, transaction.atomic():
        complaint = transition_complaint(
            actor=actor,
            reference=reference,
            event=Event.RECEIVE_INFORMATION,
            data=EventData(note=note),
        )
        # What the complainant sent is theirs to see again on the status page (7.3).
        files.store(complaint=complaint, actor=actor, iso_clause="7.6", public=True)
    return complaint
