"""Files a complainant or handler hands in: limits, type by content, safe names (ISO 10002 7.2, 4.10).

Pure Python, no ORM: a front-end turns its uploads into ``IncomingFile``s, ``check_files`` reads
each one (the size is counted, never trusted), decides its type from its bytes and gives it a safe
display name. Storing is ``sori.complaints.services.attachments``.

The type is decided by content because a name is whatever the sender typed: an executable renamed
``invoice.pdf`` must be refused, and a photo called ``scan`` must keep working. Office documents
with macros are refused, as they run code when opened by staff.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from sori.core.errors import InvalidInput

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 120
_CHUNK = 64 * 1024
# Kept in memory up to this size, spilled to a temporary file beyond it.
_SPOOL = 1024 * 1024


@dataclass(frozen=True)
class IncomingFile:
    """What a front-end hands in, e.g. from Django's ``UploadedFile``: ``IncomingFile(f.name, f.size, f)``.

    ``size`` is what the sender claimed; the content is read and counted instead.
    """

    name: str
    size: int
    content: IO[bytes]


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first one is used when the name has none of them
    label: str


JPEG = FileType("image/jpeg", ("jpg", "jpeg"), "JPEG")
PNG = FileType("image/png", ("png",), "PNG")
GIF = FileType("image/gif", ("gif",), "GIF")
WEBP = FileType("image/webp", ("webp",), "WebP")
PDF = FileType("application/pdf", ("pdf",), "PDF")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel"
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
    "PowerPoint",
)
ODT = FileType("application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument")
ODP = FileType("application/vnd.oasis.opendocument.presentation", ("odp",), "OpenDocument")
HWPX = FileType("application/hwp+zip", ("hwpx",), "HWP")
HWP = FileType("application/x-hwp", ("hwp",), "HWP")
DOC = FileType("application/msword", ("doc",), "Word")
XLS = FileType("application/vnd.ms-excel", ("xls",), "Excel")
PPT = FileType("application/vnd.ms-powerpoint", ("ppt",), "PowerPoint")
TEXT_EXTENSIONS = ("txt", "csv", "md", "log")
TEXT_UTF8 = FileType("text/plain; charset=utf-8", TEXT_EXTENSIONS, "text")
# CP949 is labelled euc-kr: browsers decode that label as windows-949 (WHATWG Encoding).
TEXT_CP949 = FileType("text/plain; charset=euc-kr", TEXT_EXTENSIONS, "text")

_OOXML_MAIN = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {t.content_type: t for t in (ODT, ODS, ODP)} | {HWPX.content_type: HWPX}
_OLE_STREAMS = (
    ("HwpSummaryInformation", HWP),
    ("FileHeader", HWP),
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)
_OLE_MACRO_STREAMS = frozenset({"_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA", "Macros", "Scripts"})


class Refused(Exception):
    """The content is not a type we accept (or is one with macros)."""


@dataclass
class CheckedFile:
    """A file that passed every check, held in a temporary spool until it is stored."""

    name: str
    type: FileType
    size: int
    sha256: str
    data: IO[bytes]

    @property
    def content_type(self) -> str:
        return self.type.content_type

    def close(self) -> None:
        self.data.close()


# ---------------------------------------------------------------------------------- names


_NOT_ALLOWED = re.compile(r"[^\w.\- ]+")
_SPACES = re.compile(r"\s+")
_DOTS = re.compile(r"\.{2,}")
_UNDERSCORES = re.compile(r"_{2,}")


def clean_name(name: str) -> str:
    """The last path part of ``name`` with letters (Hangul too), digits, ``.-_`` and single spaces.

    Never a path, a hidden name or a control character, at most ``MAX_NAME`` characters.
    """
    # macOS sends Hangul decomposed (NFD); composed, it stays letters and stays short.
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in name)
    # \w is Unicode-aware (Hangul, accents, digits); anything else becomes an underscore.
    name = _NOT_ALLOWED.sub("_", name)
    name = _UNDERSCORES.sub("_", _DOTS.sub(".", _SPACES.sub(" ", name)))
    name = name.strip(" ._-")
    return name[:MAX_NAME].strip(" ._-")


def display_name(name: str, kind: FileType) -> str:
    """``clean_name`` with an extension that matches what the content really is."""
    cleaned = clean_name(name)
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        stem, extension = cleaned, ""
    extension = extension.lower() if extension.lower() in kind.extensions else kind.extensions[0]
    stem = stem.strip(" ._-") or "attachment"
    stem = stem[: MAX_NAME - len(extension) - 1].rstrip(" ._-") or "attachment"
    return f"{stem}.{extension}"


# ------------------------------------------------------------------------------- sniffing


def sniff(data: IO[bytes]) -> FileType:
    """The type of the content by its bytes, or ``Refused``. ``data`` is seekable."""
    data.seek(0)
    head = data.read(16)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _sniff_ole(data)
    return _sniff_text(data)


def _sniff_zip(data: IO[bytes]) -> FileType:
    data.seek(0)
    try:
        archive = zipfile.ZipFile(data)
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            # OOXML (docx/xlsx/pptx). Macro-enabled documents (docm/xlsm/pptm) carry a VBA part.
            types = archive.read("[Content_Types].xml")[:1_000_000].lower()
            if b"macroenabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
                raise Refused
            for prefix, kind in _OOXML_MAIN.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
            raise Refused
        if "mimetype" in names:
            # OpenDocument and HWPX name their type in a first, stored "mimetype" entry.
            with archive.open("mimetype") as entry:
                mimetype = entry.read(100).decode("ascii", "replace").strip()
            document = _ODF.get(mimetype)
            if document is None or any(n.startswith(("Basic/", "Scripts/")) for n in names):
                raise Refused
            return document
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError):
        raise Refused from None
    except RuntimeError:  # an encrypted entry
        raise Refused from None
    raise Refused


def _ole_names(data: IO[bytes]) -> set[str]:
    """The stream and storage names in a Compound File Binary (MS-CFB) directory."""
    data.seek(0)
    header = data.read(512)
    if len(header) < 512:
        raise Refused
    sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise Refused
    sector_size = 1 << sector_shift
    first_directory = struct.unpack_from("<I", header, 0x30)[0]
    first_difat, difat_count = struct.unpack_from("<II", header, 0x44)

    def sector(number: int) -> bytes:
        data.seek((number + 1) * sector_size)
        block = data.read(sector_size)
        if len(block) < sector_size:
            raise Refused
        return block

    per_sector = sector_size // 4
    fat_sectors = [n for n in struct.unpack_from("<109I", header, 0x4C) if n < 0xFFFFFFFA]
    seen: set[int] = set()
    next_difat = first_difat
    for _i in range(difat_count):
        if next_difat >= 0xFFFFFFFA or next_difat in seen:
            break
        seen.add(next_difat)
        entries = struct.unpack(f"<{per_sector}I", sector(next_difat))
        fat_sectors.extend(n for n in entries[:-1] if n < 0xFFFFFFFA)
        next_difat = entries[-1]
    fat: list[int] = []
    for number in fat_sectors:
        fat.extend(struct.unpack(f"<{per_sector}I", sector(number)))

    names: set[str] = set()
    visited: set[int] = set()
    current = first_directory
    while current < 0xFFFFFFFA:
        if current in visited or current >= len(fat):
            raise Refused
        visited.add(current)
        block = sector(current)
        for offset in range(0, sector_size, 128):
            length = struct.unpack_from("<H", block, offset + 64)[0]
            if 2 <= length <= 64:
                raw = block[offset : offset + length - 2]
                names.add(raw.decode("utf-16-le", "replace"))
        current = fat[current]
    return names


def _sniff_ole(data: IO[bytes]) -> FileType:
    """Legacy Word/Excel/PowerPoint and HWP 5 files; anything else in a CFB (an MSI…) is refused."""
    try:
        names = _ole_names(data)
    except struct.error:
        raise Refused from None
    if names & _OLE_MACRO_STREAMS:
        raise Refused
    for stream, kind in _OLE_STREAMS:
        if stream in names:
            return kind
    raise Refused


def _sniff_text(data: IO[bytes]) -> FileType:
    data.seek(0)
    raw = data.read()
    if b"\x00" in raw:
        raise Refused
    try:
        raw.decode("utf-8")
        return TEXT_UTF8
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp949")
        return TEXT_CP949
    except UnicodeDecodeError:
        raise Refused from None


# --------------------------------------------------------------------------------- checks


def _read(incoming: IncomingFile, shown: str) -> tuple[IO[bytes], int, str]:
    """The content spooled and hashed; more than ``MAX_BYTES`` is refused while reading."""
    source = incoming.content
    with contextlib.suppress(AttributeError, OSError, io.UnsupportedOperation):
        source.seek(0)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > MAX_BYTES:
                raise InvalidInput(
                    _("“%(name)s” is too large: each file may be at most %(max)d MB.")
                    % {"name": shown, "max": MAX_BYTES // (1024 * 1024)},
                    code="file_too_large",
                    field="attachments",
                    file=shown,
                )
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    if size == 0:
        spool.close()
        raise InvalidInput(
            _("“%(name)s” is empty.") % {"name": shown},
            code="file_empty",
            field="attachments",
            file=shown,
        )
    spool.seek(0)
    return spool, size, digest.hexdigest()


def check_file(incoming: IncomingFile) -> CheckedFile:
    shown = clean_name(incoming.name) or "attachment"
    spool, size, sha256 = _read(incoming, shown)
    try:
        kind = sniff(spool)
    except Refused:
        spool.close()
        raise InvalidInput(
            _(
                "“%(name)s” is not a kind of file we accept. Send images (JPEG, PNG, GIF, WebP), "
                "PDF, office documents (Word, Excel, PowerPoint, OpenDocument, HWP; without "
                "macros) or plain text."
            )
            % {"name": shown},
            code="file_type_not_allowed",
            field="attachments",
            file=shown,
        ) from None
    spool.seek(0)
    return CheckedFile(
        name=display_name(incoming.name, kind), type=kind, size=size, sha256=sha256, data=spool
    )


def check_files(files: Sequence[IncomingFile]) -> list[CheckedFile]:
    """Every file checked before any is stored: one refusal refuses the whole submission."""
    if len(files) > MAX_FILES:
        raise InvalidInput(
            _("Attach at most %(max)d files.") % {"max": MAX_FILES},
            code="too_many_files",
            field="attachments",
        )
    checked: list[CheckedFile] = []
    try:
        for incoming in files:
            checked.append(check_file(incoming))
    except BaseException:
        for done in checked:
            done.close()
        raise
    return checked
