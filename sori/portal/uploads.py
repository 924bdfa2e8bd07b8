"""Handing uploaded files to the services; the attachment store checks each by content (7.2, 7.6)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from sori.complaints.attachments import IncomingFile


def incoming(files: Sequence[UploadedFile]) -> list[IncomingFile]:
    return [IncomingFile(f.name or "file", f.size or 0, f) for f in files]
