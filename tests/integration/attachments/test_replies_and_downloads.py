"""Replies with files (ISO 10002 7.6) and downloads only by those allowed (4.10), through the API."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sori.accounts.services import create_token
from sori.audit.models import AuditEntry
from sori.complaints.models import Attachment, Complaint
from sori.complaints.services import attachments as attachment_store
from sori.complaints.services.replies import reply_to_request
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event, Status
from sori.core.actors import SYSTEM, complainant_actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from tests.api.helpers import ASSESSMENT, URL
from tests.integration.attachments import samples
from tests.integration.attachments.samples import incoming, stored_files


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def staff_headers(handler) -> dict[str, str]:
    user = get_user_model().objects.get(pk=handler.user_id)
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(actor=SYSTEM, user=user)}"}


def _with_files(*files):
    from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint

    return submit_complaint(
        actor=complainant_actor(""),
        data=ComplaintInput(
            description="영수증을 첨부합니다.",
            complainant=ComplainantInput(name="김민지", email="minji@example.kr"),
        ),
        attachments=list(files),
    )


def _awaiting_information(reference: str, handler) -> None:
    for event, data in (
        (Event.ASSESS, ASSESSMENT),
        (Event.START_INVESTIGATION, {}),
        (Event.REQUEST_INFORMATION, {"note": "주문 영수증 사본을 보내 주세요."}),
    ):
        transition_complaint(
            actor=handler, reference=reference, event=event, data=EventData(**data)
        )


def test_a_complainant_downloads_their_own_file_with_the_access_code(db, media, api):
    data = samples.pdf()
    receipt = _with_files(incoming("주문 영수증.pdf", data))
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    code = {"HTTP_X_ACCESS_CODE": receipt.access_code}

    listing = api.get(f"{URL}/{receipt.reference}/attachments", **code)
    assert listing.status_code == 200, listing.content
    assert [(item["id"], item["name"], item["by"]) for item in listing.json()] == [
        (attachment.pk, "주문 영수증.pdf", "complainant")
    ]

    response = api.get(f"{URL}/{receipt.reference}/attachments/{attachment.pk}", **code)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # RFC 6266 / RFC 5987: the Hangul name travels percent-encoded as UTF-8 in filename*.
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('주문 영수증.pdf')}" in disposition
    # A complainant reading their own file is not a staff reading of personal data.
    assert not AuditEntry.objects.filter(action="sori.attachment.viewed").exists()


def test_a_complainant_cannot_fetch_another_complaints_file(db, media, api):
    mine = _with_files(incoming("mine.png", samples.png()))
    theirs = _with_files(incoming("theirs.png", samples.png()))
    their_file = Attachment.objects.get(complaint__reference=theirs.reference)
    code = {"HTTP_X_ACCESS_CODE": mine.access_code}

    # Their file id under my reference, and their reference with my code: the same 404.
    for reference in (mine.reference, theirs.reference):
        response = api.get(f"{URL}/{reference}/attachments/{their_file.pk}", **code)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert b"theirs" not in response.content


def test_staff_only_files_are_hidden_from_the_complainant(db, media, api, handler):
    receipt = _with_files(incoming("mine.png", samples.png()))
    (internal,) = attachment_store.attach_files(
        actor=handler,
        reference=receipt.reference,
        attachments=[incoming("internal-memo.txt", samples.text_utf8())],
    )
    (shared,) = attachment_store.attach_files(
        actor=handler,
        reference=receipt.reference,
        attachments=[incoming("refund-form.pdf", samples.pdf())],
        public=True,
    )
    viewer = complainant_actor(receipt.reference)
    from sori.complaints import selectors

    names = [a.name for a in selectors.attachments_for(viewer, receipt.reference)]
    assert names == ["mine.png", "refund-form.pdf"]
    with pytest.raises(NotFound):
        selectors.attachment_file(viewer, receipt.reference, internal.pk)
    found = selectors.attachment_file(viewer, receipt.reference, shared.pk)
    assert (found.name, found.content_type) == ("refund-form.pdf", "application/pdf")
    found.file.close()
    staff_names = [a.name for a in selectors.attachments_for(handler, receipt.reference)]
    assert staff_names == ["mine.png", "internal-memo.txt", "refund-form.pdf"]


def test_a_staff_download_is_logged_in_the_audit_trail(db, media, api, handler, staff_headers):
    receipt = _with_files(incoming("진단서.pdf", samples.pdf()))
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)

    response = api.get(f"{URL}/{receipt.reference}/attachments/{attachment.pk}", **staff_headers)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf()

    entry = AuditEntry.objects.filter(action="sori.attachment.viewed").get()
    assert (entry.actor, entry.object_id, entry.iso_clause) == (
        handler.audit_id,
        receipt.reference,
        "4.10",
    )
    assert entry.data == {"attachment": attachment.pk, "name": "진단서.pdf", "role": "handler"}


def test_without_credentials_a_file_cannot_be_fetched(db, media, api):
    receipt = _with_files(incoming("mine.png", samples.png()))
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    assert api.get(f"{URL}/{receipt.reference}/attachments/{attachment.pk}").status_code == 401
    wrong = {"HTTP_X_ACCESS_CODE": "WRONG-CODE"}
    response = api.get(f"{URL}/{receipt.reference}/attachments/{attachment.pk}", **wrong)
    assert response.status_code == 404


def test_a_reply_with_a_file_moves_the_complaint_back_to_investigating(db, media, handler):
    receipt = _with_files()
    _awaiting_information(receipt.reference, handler)
    complainant = complainant_actor(receipt.reference)

    complaint = reply_to_request(
        actor=complainant,
        reference=receipt.reference,
        note="영수증 사본을 첨부합니다.",
        attachments=[incoming("영수증.png", samples.png())],
    )

    assert complaint.status == Status.INVESTIGATING
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    assert (attachment.name, attachment.public, attachment.uploaded_by) == (
        "영수증.png",
        True,
        complainant.audit_id,
    )
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", "iso_clause")[:2])
    assert actions == [
        ("sori.attachment.added", "7.6"),
        ("sori.complaint.information_received", "7.6"),
    ]
    timeline = complaint.events.order_by("id").last()
    assert (timeline.kind, timeline.note) == ("receive_information", "영수증 사본을 첨부합니다.")


def test_a_refused_file_leaves_the_request_for_information_open(db, media, handler):
    receipt = _with_files()
    _awaiting_information(receipt.reference, handler)
    with pytest.raises(InvalidInput) as refusal:
        reply_to_request(
            actor=complainant_actor(receipt.reference),
            reference=receipt.reference,
            note="파일을 보냅니다.",
            attachments=[incoming("receipt.pdf", samples.windows_exe())],
        )
    assert refusal.value.code == "file_type_not_allowed"
    assert Complaint.objects.get(reference=receipt.reference).status == Status.AWAITING_COMPLAINANT
    assert stored_files(media) == []


def test_a_reply_needs_a_note_and_the_right_complainant(db, media, handler):
    receipt = _with_files()
    other = _with_files()
    _awaiting_information(receipt.reference, handler)
    with pytest.raises(InvalidInput) as refusal:
        reply_to_request(actor=complainant_actor(receipt.reference), reference=receipt.reference,
                         note="   ")  # fmt: skip
    assert refusal.value.code == "required"
    with pytest.raises((NotFound, Forbidden)):
        reply_to_request(
            actor=complainant_actor(other.reference),
            reference=receipt.reference,
            note="다른 사람의 민원입니다.",
            attachments=[incoming("a.png", samples.png())],
        )
    assert Complaint.objects.get(reference=receipt.reference).status == Status.AWAITING_COMPLAINANT
    assert stored_files(media) == []


def test_a_reply_through_the_api_with_a_file(db, media, api, handler):
    receipt = _with_files()
    _awaiting_information(receipt.reference, handler)
    data = samples.png()
    response = api.post(
        f"{URL}/{receipt.reference}/replies",
        {
            "note": "사진을 첨부합니다.",
            "files": [SimpleUploadedFile("../사진.png", data, content_type="application/pdf")],
        },
        HTTP_X_ACCESS_CODE=receipt.access_code,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.INVESTIGATING
    attachment = Attachment.objects.get(complaint__reference=receipt.reference)
    # The type the browser claimed is ignored; the content decides.
    assert (attachment.name, attachment.content_type) == ("사진.png", "image/png")
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()


def test_an_executable_sent_through_the_api_is_refused_with_a_translated_problem(
    db, media, api, handler
):
    receipt = _with_files()
    _awaiting_information(receipt.reference, handler)
    response = api.post(
        f"{URL}/{receipt.reference}/replies",
        {"note": "파일", "files": [SimpleUploadedFile("x.pdf", samples.linux_elf())]},
        HTTP_X_ACCESS_CODE=receipt.access_code,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "file_type_not_allowed"
    assert "x.pdf" in body["detail"]
    assert stored_files(media) == []
