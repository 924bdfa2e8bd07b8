"""Files with a complaint and with a reply, checked by content; served only to the complainant (7.2, 7.6)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sori.complaints.models import Attachment, Complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT
from tests.integration.portal.conftest import form_data

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _receipt(client, response):
    page = client.get(response["Location"]).content.decode()
    reference = re.search(r'id="reference" class="code">([^<]+)<', page)
    code = re.search(r'id="access-code" class="code">([^<]+)<', page)
    assert reference and code
    return reference.group(1), code.group(1)


def test_a_complaint_with_files_stores_them_and_the_complainant_can_download_them(client):
    files = [
        SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        SimpleUploadedFile("notes.txt", "주문번호 42".encode(), content_type="text/plain"),
    ]
    response = client.post("/en/complaints/new/", {**form_data(), "attachments": files})
    assert response.status_code == 302, response.content.decode()[:3000]
    reference, code = _receipt(client, response)
    stored = Attachment.objects.filter(complaint__reference=reference).order_by("id")
    assert [a.content_type.split(";")[0] for a in stored] == ["image/png", "text/plain"]
    client.post(
        "/en/complaints/status/", {"action": "lookup", "reference": reference, "access_code": code}
    )
    page = client.get("/en/complaints/status/").content.decode()
    assert "photo.png" in page
    download = client.get(f"/en/complaints/status/files/{stored[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    # Another visitor without the verified session gets nothing.
    assert client.__class__().get(f"/en/complaints/status/files/{stored[0].pk}/").status_code == 404


def test_an_executable_renamed_pdf_is_refused_on_the_field_and_the_text_is_kept(client):
    fake = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf"
    )
    before = Complaint.objects.count()
    response = client.post(
        "/en/complaints/new/", {**form_data(desired_remedy="Refund, please"), "attachments": fake}
    )
    page = response.content.decode()
    assert response.status_code >= 400 and Complaint.objects.count() == before
    assert 'href="#id_attachments"' in page and 'id="id_attachments-error"' in page
    assert "Refund, please" in page and "invoice.pdf" in page


def test_an_oversized_file_is_refused_in_korean_and_the_text_is_kept(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile(
        "scan.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "application/pdf"
    )
    before = Complaint.objects.count()
    response = client.post(
        "/ko/complaints/new/", {**form_data(desired_remedy="전액 환불"), "attachments": big}
    )
    page = response.content.decode()
    assert response.status_code >= 400 and Complaint.objects.count() == before
    assert 'id="id_attachments-error"' in page and "10MB" in page.replace(" ", "")
    assert "전액 환불" in page
    assert not any(tmp_path.rglob("*.*")), "nothing may be stored for a refused submission"


def test_more_than_five_files_are_refused_before_anything_is_stored(client):
    files = [SimpleUploadedFile(f"n{i}.txt", b"note", content_type="text/plain") for i in range(6)]
    response = client.post("/en/complaints/new/", {**form_data(), "attachments": files})
    assert response.status_code == 400
    assert "Attach at most 5 files." in response.content.decode()


def test_a_reply_to_a_request_for_information_carries_files(client, submit, handler):
    receipt = submit()
    for event, data in (
        ("assess", COMPLETE_ASSESSMENT),
        ("start_investigation", {}),
        ("request_information", {"note": "Send a photo, please."}),
    ):
        transition_complaint(
            actor=handler, reference=receipt.reference, event=event, data=EventData(**data)
        )
    client.post(
        "/en/complaints/status/",
        {"action": "lookup", "reference": receipt.reference, "access_code": receipt.access_code},
    )
    version = Complaint.objects.get(reference=receipt.reference).version
    answer = client.post(
        "/en/complaints/status/",
        {
            "action": "reply",
            "note": "Here it is.",
            "version": version,
            "attachments": SimpleUploadedFile("broken.png", PNG, content_type="image/png"),
        },
    )
    assert answer.status_code == 302
    assert Attachment.objects.filter(complaint__reference=receipt.reference).count() == 1
    assert Complaint.objects.get(reference=receipt.reference).status == "investigating"
