"""The public page in Korean and English, and the read-only staff pages."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Complaint
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_the_root_sends_a_visitor_to_the_korean_page_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ko/"


@pytest.mark.django_db
def test_an_english_browser_is_sent_to_the_english_page(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "phrase"),
    [
        ("/ko/", "ko", "불만"),
        ("/en/", "en", "How to make a complaint"),
    ],
)
def test_the_home_page_speaks_the_language_of_its_address(client, path, lang, phrase):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert phrase in html
    # Both languages are offered, each link marked with its own language.
    assert 'href="/ko/" lang="ko"' in html and 'href="/en/" lang="en"' in html


@pytest.mark.django_db
def test_an_auditor_reads_complaints_and_the_audit_trail_but_cannot_change_them(
    client, make_staff, submit
):
    receipt = submit()
    auditor = make_staff(Role.AUDITOR, username="auditor")
    assert client.login(username=auditor.label, password=PASSWORD)
    listing = client.get("/staff/admin/complaints/complaint/")
    assert listing.status_code == 200
    assert receipt.reference in listing.content.decode()
    trail = client.get("/staff/admin/audit/auditentry/")
    assert trail.status_code == 200
    assert "sori.complaint.acknowledged" in trail.content.decode()
    assert client.get("/staff/admin/complaints/complaint/add/").status_code == 403
    pk = Complaint.objects.get(reference=receipt.reference).pk
    detail = client.get(f"/staff/admin/complaints/complaint/{pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


@pytest.mark.django_db
def test_the_complaint_page_for_staff_leaves_out_personal_data(client, make_staff, submit):
    receipt = submit()
    make_staff(Role.AUDITOR, username="auditor")
    client.login(username="auditor", password=PASSWORD)
    pk = Complaint.objects.get(reference=receipt.reference).pk
    response = client.get(f"/staff/admin/complaints/complaint/{pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200 and receipt.reference in page
    assert "minji@example.kr" not in page and "김민지" not in page


@pytest.mark.django_db
def test_a_handler_cannot_use_the_admin_pages(client, make_staff):
    make_staff(Role.HANDLER, username="handler")
    assert client.login(username="handler", password=PASSWORD)
    response = client.get("/staff/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
