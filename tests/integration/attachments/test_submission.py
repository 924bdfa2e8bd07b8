"""Attachments given with a complaint (ISO 10002 7.2): checked by content, stored safely, all or nothing."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from django.db import transaction

from sori.audit.models import AuditEntry
from sori.complaints.attachments import MAX_BYTES, MAX_NAME, clean_name
from sori.complaints.models import Attachment, Complaint
from sori.complaints.services import attachments as attachment_store
from sori.complaints.services.intake import ComplaintInput, submit_complaint
from sori.core.actors import SYSTEM, Actor, ActorKind
from sori.core.errors import InvalidInput
from tests.integration.attachments import samples
from tests.integration.attachments.samples import incoming, stored_files

PUBLIC = Actor(kind=ActorKind.COMPLAINANT, label="public")


def _submit(*files):
    return submit_complaint(
        actor=PUBLIC,
        data=ComplaintInput(description="첨부 파일을 확인해 주세요."),
        attachments=list(files),
    )


def _refused(media, *files) -> InvalidInput:
    audit_before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refusal:
        _submit(*files)
    # Nothing half-written: no complaint, no row, no audit entry, no file on disk.
    assert Complaint.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    assert stored_files(media) == []
    return refusal.value


def test_a_png_a_pdf_a_docx_and_a_text_file_are_stored_with_their_sniffed_types_and_hashes(
    db, media
):
    contents = {
        "사진.png": samples.png(),
        "receipt.pdf": samples.pdf(),
        "letter.docx": samples.docx(),
        "notes.txt": samples.text_utf8(),
    }
    receipt = _submit(*(incoming(name, data) for name, data in contents.items()))

    stored = list(Attachment.objects.filter(complaint__reference=receipt.reference).order_by("id"))
    assert [(a.name, a.content_type) for a in stored] == [
        ("사진.png", "image/png"),
        ("receipt.pdf", "application/pdf"),
        ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("notes.txt", "text/plain; charset=utf-8"),
    ]
    for attachment, data in zip(stored, contents.values(), strict=True):
        assert attachment.sha256 == hashlib.sha256(data).hexdigest()
        assert attachment.size == len(data)
        assert attachment.public is True
        on_disk = media / attachment.storage_name
        assert on_disk.read_bytes() == data
        # A random name under the data directory: nothing of the sender's name in the path.
        assert attachment.storage_name.startswith("attachments/")
        assert attachment.name.split(".")[0] not in attachment.storage_name
    assert len(stored_files(media)) == 4

    entries = list(AuditEntry.objects.filter(action="sori.attachment.added").order_by("seq"))
    assert [e.iso_clause for e in entries] == ["7.2"] * 4
    assert {e.object_id for e in entries} == {receipt.reference}
    assert entries[0].data == {
        "attachment": stored[0].pk,
        "name": "사진.png",
        "size": len(contents["사진.png"]),
        "sha256": stored[0].sha256,
        "content_type": "image/png",
        "public": True,
    }


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("old.doc", samples.ole("WordDocument", "SummaryInformation"), "application/msword"),
        ("table.xls", samples.ole("Workbook"), "application/vnd.ms-excel"),
        (
            "보고서.hwp",
            samples.ole("FileHeader", "HwpSummaryInformation", "BodyText"),
            "application/x-hwp",
        ),
        ("minutes.odt", samples.odt(), "application/vnd.oasis.opendocument.text"),
        ("메모.txt", samples.text_cp949(), "text/plain; charset=euc-kr"),
    ],
)
def test_legacy_office_hwp_opendocument_and_korean_text_files_are_accepted(
    db, media, name, data, content_type
):
    receipt = _submit(incoming(name, data))
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    assert (attachment.name, attachment.content_type) == (name, content_type)


@pytest.mark.parametrize(
    "data", [samples.windows_exe(), samples.linux_elf()], ids=["windows-exe", "linux-elf"]
)
def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(db, media, data):
    # The good file comes first: it was read and checked, yet must not be kept either.
    error = _refused(media, incoming("photo.png", samples.png()), incoming("invoice.pdf", data))
    assert error.code == "file_type_not_allowed"
    assert "invoice.pdf" in error.message
    assert error.params["file"] == "invoice.pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("letter.docm", samples.docx(macros=True)),
        ("setup.zip", samples.plain_zip()),
        ("installer.doc", samples.ole("SummaryInformation", "Binary")),
        ("macro.doc", samples.ole("WordDocument", "Macros", "VBA")),
        ("binary.txt", b"plain\x00text"),
    ],
    ids=["ooxml-with-macros", "plain-zip", "unknown-compound-file", "doc-with-macros", "nul-bytes"],
)
def test_documents_with_macros_and_other_kinds_are_refused(db, media, name, data):
    assert _refused(media, incoming(name, data)).code == "file_type_not_allowed"


def test_more_than_five_files_are_refused(db, media):
    files = [incoming(f"photo{n}.png", samples.png()) for n in range(6)]
    assert _refused(media, *files).code == "too_many_files"


def test_an_eleven_megabyte_file_is_refused_by_reading_it_not_by_its_claimed_size(db, media):
    big = b"a" * (11 * 1024 * 1024)
    error = _refused(media, incoming("big.txt", big, claimed=10))
    assert error.code == "file_too_large"
    assert "big.txt" in error.message


def test_a_file_of_exactly_ten_megabytes_is_accepted(db, media):
    receipt = _submit(incoming("exact.txt", b"a" * MAX_BYTES))
    assert Attachment.objects.get(complaint__reference=receipt.reference).size == MAX_BYTES


def test_an_empty_file_is_refused(db, media):
    assert _refused(media, incoming("empty.pdf", b"")).code == "file_empty"


def test_a_korean_file_name_is_sanitised_but_keeps_its_hangul(db, media):
    # macOS sends Hangul decomposed (NFD); it is stored composed.
    name = unicodedata.normalize("NFD", "배송 지연\t사진 (1)<script>.PNG")
    receipt = _submit(incoming(name, samples.png()))
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    assert attachment.name == "배송 지연 사진 _1_script.png"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
        ("/var/www/../../.htaccess", "htaccess.txt"),
        ("....txt", "txt.txt"),
        ("...", "attachment.txt"),
        ("evil\x00name\r\n.txt", "evil name.txt"),
    ],
)
def test_path_traversal_and_control_characters_in_names_are_neutralised(db, media, name, expected):
    receipt = _submit(incoming(name, samples.text_utf8()))
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    assert attachment.name == expected
    (path,) = stored_files(media)
    assert path.is_relative_to(media)


def test_a_name_that_lies_about_the_type_gets_the_extension_of_the_content(db, media):
    receipt = _submit(incoming("scan.pdf", samples.png()), incoming("사진", samples.png()))
    names = Attachment.objects.filter(complaint__reference=receipt.reference).order_by("id")
    assert [a.name for a in names] == ["scan.png", "사진.png"]


def test_names_are_cut_to_the_maximum_length_keeping_the_extension():
    assert len(clean_name("가" * 500 + ".pdf")) == MAX_NAME
    receipt_name = attachment_store.check_files([incoming("가" * 500 + ".pdf", samples.pdf())])
    assert len(receipt_name[0].name) == MAX_NAME
    assert receipt_name[0].name.endswith("가.pdf")
    receipt_name[0].close()


def test_files_written_inside_a_transaction_that_rolls_back_are_deleted(db, media, submit):
    receipt = submit()
    complaint = Complaint.objects.get(reference=receipt.reference)
    incoming_files = [incoming("a.png", samples.png())]
    with (
        pytest.raises(RuntimeError, match="after the files"),
        attachment_store.batch(incoming_files) as files,
        transaction.atomic(),
    ):
        files.store(complaint=complaint, actor=SYSTEM, iso_clause="7.2")
        assert len(stored_files(media)) == 1
        raise RuntimeError("something failed after the files were written")
    assert stored_files(media) == []
    assert Attachment.objects.count() == 0
