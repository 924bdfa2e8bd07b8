"""The complaint form and its confirmation (ISO 10002 7.2, 7.4; WCAG 3.3.1, 3.3.3)."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.complaints.selectors import complainant_viewer
from sori.messaging.rendering import deadline_date
from sori.sla.models import SlaPolicy, Timer
from tests.integration.portal.conftest import form_data

pytestmark = pytest.mark.django_db


def _receipt(page: str) -> tuple[str, str]:
    reference = re.search(r'id="reference" class="code">([^<]+)<', page)
    code = re.search(r'id="access-code" class="code">([^<]+)<', page)
    assert reference and code, page
    return reference.group(1), code.group(1)


def test_a_complaint_with_contact_details_is_recorded_and_acknowledged(client, organisation):
    response = client.post("/ko/complaints/new/", form_data())
    assert response.status_code == 302 and response["Location"] == "/ko/complaints/new/done/"
    page = client.get(response["Location"]).content.decode()
    reference, code = _receipt(page)
    complaint = Complaint.objects.select_related("complainant").get(reference=reference)
    assert complaint.channel == "web" and complaint.language == "ko"
    assert complaint.status == "acknowledged"
    assert complaint.description == "택배가 2주째 도착하지 않았습니다."
    assert str(complaint.occurred_on) == "2026-03-14"
    assert complaint.order_reference == "ORD-2026-0042"
    assert complaint.complainant is not None and complaint.complainant.email == "minji@example.kr"
    # The code shown is the one that opens the complaint.
    assert (
        complainant_viewer(reference=reference, access_code=code).complaint_reference == reference
    )


def test_the_confirmation_says_an_acknowledgement_was_emailed_only_when_an_email_was_given(
    client, organisation
):
    client.post("/en/complaints/new/", form_data())
    with_email = client.get("/en/complaints/new/done/").content.decode()
    # ISO 10002 7.4: what happens next, the expected time and a contact point.
    assert "We have also sent an acknowledgement to your email address" in with_email
    decision = Timer.objects.filter(stage="decision").latest("pk")
    expected = deadline_date(decision.due_at).isoformat()
    assert f"We will give you our decision by {expected}." in with_email
    assert "voc@sori.example" in with_email
    client.post("/en/complaints/new/", form_data(email="", preferred_contact="none"))
    without = client.get("/en/complaints/new/done/").content.decode()
    assert "We have also sent an acknowledgement" not in without


def test_without_a_policy_in_use_the_confirmation_gives_the_published_target(client, organisation):
    SlaPolicy.objects.update(active=False)
    client.post("/en/complaints/new/", form_data())
    page = client.get("/en/complaints/new/done/").content.decode()
    assert "We aim to give you our decision within 10 days" in page


def test_an_anonymous_complaint_keeps_no_contact_details(client):
    response = client.post(
        "/en/complaints/new/", form_data(anonymous="on", name="Ignored", email="x@example.kr")
    )
    assert response.status_code == 302
    reference, _code = _receipt(client.get(response["Location"]).content.decode())
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.complainant_id is None and complaint.language == "en"


def test_a_complaint_on_someone_elses_behalf_records_the_relationship(client):
    response = client.post(
        "/ko/complaints/new/",
        form_data(on_behalf_of="김철수", representative_relationship="아들"),
    )
    reference, _code = _receipt(client.get(response["Location"]).content.decode())
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.on_behalf_of == "김철수" and complaint.representative_relationship == "아들"


def test_the_reference_and_code_are_shown_once_only(client):
    client.post("/en/complaints/new/", form_data())
    first = client.get("/en/complaints/new/done/")
    assert first["Cache-Control"] == "no-store"
    reference, code = _receipt(first.content.decode())
    again = client.get("/en/complaints/new/done/").content.decode()
    assert code not in again and reference not in again
    assert "already shown" in again


def test_a_missing_description_is_named_in_the_summary_and_on_the_field_and_nothing_is_lost(
    client,
):
    before = Complaint.objects.count()
    response = client.post(
        "/en/complaints/new/", form_data(description="", desired_remedy="A full refund, please")
    )
    page = response.content.decode()
    assert response.status_code == 400 and Complaint.objects.count() == before
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    assert 'role="alert"' in page[page.index('<div class="error-summary"') :][:200]
    assert 'href="#id_description"' in summary and "Please describe what happened." in summary
    # The field's own error is tied to it for screen readers.
    assert 'id="id_description-error"' in page
    textarea = re.search(r"<textarea[^>]*id=\"id_description\"[^>]*>", page)
    assert textarea is not None
    assert 'aria-invalid="true"' in textarea.group(0)
    assert "id_description-error" in textarea.group(0)
    # What was typed elsewhere survives.
    assert (
        "A full refund, please" in page and "minji@example.kr" in page and "ORD-2026-0042" in page
    )
    assert "<title>Error:" in page


def test_errors_are_in_the_language_of_the_page(client):
    korean = client.post("/ko/complaints/new/", form_data(description="")).content.decode()
    assert "무슨 일이 있었는지 적어 주십시오." in korean
    english = client.post("/en/complaints/new/", form_data(email="not-an-address")).content.decode()
    assert "Enter a valid email address." in english
    assert 'href="#id_email"' in english


def test_a_refusal_from_the_service_is_placed_on_the_field_it_names(client):
    # The form accepts the shape; the service says a representative must name the relationship.
    response = client.post("/en/complaints/new/", form_data(on_behalf_of="Kim Cheolsu"))
    page = response.content.decode()
    assert response.status_code == 422
    assert 'href="#id_representative_relationship"' in page
    assert 'id="id_representative_relationship-error"' in page
    assert "Kim Cheolsu" in page


def test_without_consent_to_the_privacy_notice_nothing_is_sent(client):
    before = Complaint.objects.count()
    response = client.post("/en/complaints/new/", form_data(consent=None))
    assert response.status_code == 400 and Complaint.objects.count() == before
    assert 'href="#id_consent"' in response.content.decode()


def test_a_filled_honeypot_pretends_success_and_stores_nothing(client):
    before, audit_before = Complaint.objects.count(), AuditEntry.objects.count()
    response = client.post("/en/complaints/new/", form_data(website="http://spam.example"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "We have received your complaint" in page
    assert (Complaint.objects.count(), AuditEntry.objects.count()) == (before, audit_before)


def test_the_honeypot_is_out_of_sight_and_out_of_the_tab_order(client):
    page = client.get("/en/complaints/new/").content.decode()
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", page)
    assert field is not None
    assert 'tabindex="-1"' in field.group(0) and 'autocomplete="off"' in field.group(0)
    assert "Leave this field empty" in page


@override_settings(SORI_SUBMISSION_RATE="2/m")
def test_submissions_are_rate_limited_per_address_and_keep_what_was_typed(client):
    for _ in range(2):
        assert client.post("/en/complaints/new/", form_data()).status_code == 302
    before = Complaint.objects.count()
    refused = client.post("/en/complaints/new/", form_data(desired_remedy="Kept text"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert Complaint.objects.count() == before
    page = refused.content.decode()
    assert "Too many complaints" in page and "Kept text" in page
    # Another address has its own budget.
    other = client.post("/en/complaints/new/", form_data(), REMOTE_ADDR="127.0.0.2")
    assert other.status_code == 302


def test_every_field_has_a_label_and_limits_its_length(client):
    page = client.get("/en/complaints/new/").content.decode()
    for name in ("description", "name", "email", "phone", "order_reference", "desired_remedy"):
        assert f'<label for="id_{name}">' in page, name
    assert 'maxlength="20000"' in page and 'enctype="multipart/form-data"' in page
    assert re.search(r'<input[^>]*type="file"[^>]*multiple', page)


def test_chosen_files_are_named_when_the_form_comes_back_with_an_error(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("receipt-scan.txt", b"order 42", content_type="text/plain")
    response = client.post(
        "/en/complaints/new/", {**form_data(description=""), "attachments": upload}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please choose these files again" in page and "receipt-scan.txt" in page
