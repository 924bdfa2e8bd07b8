"""The how-to-complain page is generated from live configuration (ISO 10002 7.1, 4.4, 4.8)."""

from __future__ import annotations

import pytest

from sori.core.models import ExternalDisputeBody, Organisation
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_configured_contact_points_times_and_notices(client, organisation):
    page = client.get("/ko/").content.decode()
    for value in (
        "voc@sori.example",
        "02-1234-5678",
        "서울특별시 중구 세종대로 1",
        "평일 09:00–18:00",
        "개인정보는 불만 처리에만 사용합니다.",
        "수어 통역이 필요하면 알려 주십시오.",
    ):
        assert value in page, value
    english = client.get("/en/").content.decode()
    assert "Weekdays 09:00–18:00" in english
    assert "We use your personal data only to handle your complaint." in english
    assert "Within 10 days of receiving your complaint." in english
    # ISO 10002 4.8: the page says complaining is free.
    assert "Complaining is free" in english


def test_a_change_in_the_configuration_shows_on_the_next_page_view(client, organisation):
    assert "Within 10 days" in client.get("/en/").content.decode()
    Organisation.objects.filter(pk=organisation.pk).update(
        response_target_days=7, complaints_phone="1588-0000"
    )
    page = client.get("/en/").content.decode()
    assert "Within 7 days" in page and "Within 10 days" not in page
    assert "1588-0000" in page and "02-1234-5678" not in page


def test_an_administrator_edits_the_configuration_in_the_admin_and_the_page_follows(
    client, organisation, make_staff
):
    make_staff("administrator", username="admin")
    assert client.login(username="admin", password=PASSWORD)
    form = client.get(f"/staff/admin/core/organisation/{organisation.pk}/change/")
    assert form.status_code == 200
    data = {
        field: getattr(organisation, field)
        for field in (
            "name_ko",
            "name_en",
            "time_zone",
            "reaction_wait_days",
            "complaints_email",
            "complaints_phone",
            "postal_address",
            "visiting_address",
            "office_hours_ko",
            "office_hours_en",
            "acknowledgement_target_ko",
            "acknowledgement_target_en",
            "privacy_notice_ko",
            "privacy_notice_en",
            "assistance_ko",
            "assistance_en",
        )
    }
    data["response_target_days"] = 21
    data["complaints_email"] = "complaints@sori.example"
    saved = client.post(f"/staff/admin/core/organisation/{organisation.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    client.logout()
    page = client.get("/en/").content.decode()
    assert "Within 21 days" in page and "complaints@sori.example" in page


def test_the_external_bodies_come_from_their_list_and_inactive_ones_are_hidden(
    client, organisation
):
    ExternalDisputeBody.objects.all().delete()
    ExternalDisputeBody.objects.create(
        name_ko="한국소비자원",
        name_en="Korea Consumer Agency",
        phone="1372",
        url="https://www.kca.go.kr",
        position=1,
    )
    ExternalDisputeBody.objects.create(
        name_ko="옴부즈만", name_en="Ombudsman", phone="110", active=False, position=2
    )
    english = client.get("/en/").content.decode()
    assert "Korea Consumer Agency" in english and "https://www.kca.go.kr" in english
    assert "Ombudsman" not in english
    assert "한국소비자원" in client.get("/ko/").content.decode()


def test_the_default_bodies_are_seeded_by_the_migration():
    names = set(ExternalDisputeBody.objects.values_list("name_ko", "phone"))
    assert {("한국소비자원", "1372"), ("금융감독원", "1332")} <= names


def test_the_page_works_before_any_organisation_is_configured(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "Within 14 days" in response.content.decode()


def test_the_language_switch_keeps_the_visitor_on_the_same_page(client):
    page = client.get("/en/complaints/new/").content.decode()
    assert 'href="/ko/complaints/new/" lang="ko"' in page
    page = client.get("/ko/complaints/status/").content.decode()
    assert 'href="/en/complaints/status/" lang="en"' in page
