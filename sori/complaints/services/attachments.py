"""Storing attachments as part of the caller's transaction (ISO 10002 7.2, 7.6).

Files go to Django's default storage (the data directory, or S3 later), which no database
transaction covers. So the caller holds a ``FileBatch`` around its atomic block: the files are
checked before anything is written, stored inside the block, and deleted again when the block
fails, so a refused or rolled-back submission leaves no file behind.

    with attachments.batch(incoming) as files:   # checks every file first
        with transaction.atomic():
            ...
            files.store(complaint=complaint, actor=actor, iso_clause="7.2")
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.attachments import CheckedFile, IncomingFile, check_files
from sori.complaints.models import Attachment, Complaint
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, NotFound


class FileBatch:
    """Checked files waiting to be stored, and the storage names written so far."""

    def __init__(self, files: list[CheckedFile]) -> None:
        self.files = files
        self.written: list[str] = []

    def __len__(self) -> int:
        return len(self.files)

    def store(
        self, *, complaint: Complaint, actor: Actor, iso_clause: str, public: bool = True
    ) -> list[Attachment]:
        """Write each file and its row, with one audit entry each; call inside the transaction."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("attachments are stored inside the caller's transaction")
        now = clock.now()
        stored = []
        for checked in self.files:
            # A random name: nothing about the sender or the file can be guessed from the path.
            target = f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}"
            checked.data.seek(0)
            name = default_storage.save(target, File(checked.data, name=target))
            self.written.append(name)
            attachment = Attachment.objects.create(
                complaint=complaint,
                name=checked.name,
                storage_name=name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor.audit_id,
                uploaded_by_label=actor.label,
                public=public,
                created_at=now,
            )
            # The trail names the file and its digest, never its content (4.10).
            audit.record(
                action="sori.attachment.added",
                actor=actor,
                object_type="complaint",
                object_id=complaint.reference,
                data={
                    "attachment": attachment.pk,
                    "name": checked.name,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "content_type": checked.content_type,
                    "public": public,
                },
                iso_clause=iso_clause,
            )
            stored.append(attachment)
        return stored

    def discard(self) -> None:
        """Delete what was written: the transaction that would have recorded it rolled back."""
        while self.written:
            default_storage.delete(self.written.pop())

    def close(self) -> None:
        for checked in self.files:
            checked.close()


@contextmanager
def batch(files: Sequence[IncomingFile]) -> Iterator[FileBatch]:
    """Check ``files`` (refusing before anything is written) and clean up if the block fails.

    Use it around the caller's outermost ``transaction.atomic()``: an exception leaving the
    block means the rows were rolled back, so the files written for them are deleted too.
    """
    checked = FileBatch(check_files(files))
    try:
        yield checked
    except BaseException:
        checked.discard()
        raise
    finally:
        checked.close()


def attach_files(
    *, actor: Actor, reference: str, attachments: Sequence[IncomingFile], public: bool = False
) -> list[Attachment]:
    """Staff add evidence to a case (ISO 10002 7.6); ``public`` shares it with the complainant."""
    with batch(attachments) as files, transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        if not policies.case_worker.test(actor, complaint):
            raise Forbidden(_("Only staff handling complaints may add files to them."))
        return files.store(complaint=complaint, actor=actor, iso_clause="7.6", public=public)
