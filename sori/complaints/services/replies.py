"""The complainant's answer to a request for information (ISO 10002 7.6)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints.attachments import IncomingFile
from sori.complaints.models import Complaint, ComplaintEvent
from sori.complaints.services import attachments as attachment_store
from sori.complaints.services.transitions import MAX_NOTE, EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import Actor, ActorKind
from sori.core.errors import Forbidden, InvalidInput, NotFound


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


def record_mail_reply(
    *,
    actor: Actor,
    reference: str,
    note: str,
    verified: bool,
    attachments: Sequence[IncomingFile] = (),
) -> Complaint:
    """An email about an existing complaint, threaded onto it by the mail gateway (7.2, 7.3).

    ``verified``: the sender is the complainant (their address matched), acting for themselves
    (``actor`` is the complainant of ``reference``): a public timeline entry they see again,
    with their files. Otherwise (``actor`` is the gateway) an internal note for staff to judge,
    never shown to the complainant, with the files kept private: mail that merely names a
    reference must not become part of someone else's case.
    """
    note = note.strip()[:MAX_NOTE]
    if verified and not (
        actor.kind is ActorKind.COMPLAINANT and actor.complaint_reference == reference
    ):
        raise Forbidden(_("Only the complainant's own mail is added to the complaint's record."))
    if not verified and actor.kind not in (ActorKind.EMAIL, ActorKind.SYSTEM):
        raise Forbidden(_("Only the mail gateway records mail from other senders."))
    with attachment_store.batch(attachments) as files, transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None:
            raise NotFound(_("No complaint with this reference."))
        if not verified:
            warning = _(
                "Mail from an unverified sender: the address is not the complainant's. "
                "Check who wrote it before acting on it."
            )
            note = f"{warning}\n\n{note}".strip()[:MAX_NOTE]
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            kind="message_received" if verified else "unverified_mail",
            public=verified,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=note,
            occurred_at=clock.now(),
        )
        stored = files.store(complaint=complaint, actor=actor, iso_clause="7.3", public=verified)
        audit.record(
            action="sori.complaint.mail_received" if verified else "sori.complaint.mail_unverified",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"event": event.pk, "attachments": len(stored), "public": verified},
            iso_clause="7.3",
        )
    return complaint


def note_refused_mail_attachments(*, actor: Actor, reference: str, refused: Sequence[str]) -> None:
    """An internal note naming the files of an email that were not kept, and why (7.2).

    A refused file does not stop the mail from being received; staff may ask for it again.
    """
    if not refused:
        return
    if actor.kind not in (ActorKind.EMAIL, ActorKind.SYSTEM):
        raise Forbidden(_("Only the mail gateway records mail from other senders."))
    with transaction.atomic():
        complaint = Complaint.objects.filter(reference=reference).first()
        if complaint is None:
            raise NotFound(_("No complaint with this reference."))
        heading = _("Attachments of the email that were not kept:")
        lines = "\n".join(f"- {line}" for line in refused)
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind="mail_attachments_refused",
            public=False,
            actor=actor.audit_id,
            actor_label=actor.label,
            note=f"{heading}\n{lines}"[:MAX_NOTE],
            occurred_at=clock.now(),
        )
        audit.record(
            action="sori.complaint.mail_attachments_refused",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={"refused": len(refused)},
            iso_clause="7.2",
        )
