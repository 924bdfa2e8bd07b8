"""Reading complaints: tracking (ISO 10002 7.3) without revealing what the caller may not see (4.10)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from sori.audit.models import AuditEntry
from tests.api.helpers import ASSESSMENT, RESPONSE, URL, fire

pytestmark = pytest.mark.django_db

PERSON = {"name": "이서준", "email": "Seojun@Example.kr", "phone": "010-5555-0101"}


def test_wrong_access_code_looks_exactly_like_an_unknown_reference(api, file_complaint):
    receipt = file_complaint()
    wrong_code = api.get(f"{URL}/{receipt['reference']}", HTTP_X_ACCESS_CODE="AAAA-BBBB-CCCC")
    unknown = api.get(f"{URL}/C-1999-999999", HTTP_X_ACCESS_CODE=receipt["access_code"])

    assert wrong_code.status_code == unknown.status_code == 404
    assert wrong_code.content == unknown.content
    assert wrong_code["Content-Type"] == unknown["Content-Type"] == "application/problem+json"
    assert wrong_code.json()["code"] == "not_found"
    assert not wrong_code.has_header("ETag") and not unknown.has_header("ETag")


def test_a_code_opens_only_its_own_complaint(api, file_complaint):
    mine, other = file_complaint(), file_complaint()

    response = api.get(f"{URL}/{other['reference']}", HTTP_X_ACCESS_CODE=mine["access_code"])

    assert response.status_code == 404


def test_reading_without_any_credential_needs_authentication(api, file_complaint):
    receipt = file_complaint()

    response = api.get(f"{URL}/{receipt['reference']}")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@override_settings(SORI_LOOKUP_RATE="3/m")
def test_guessing_access_codes_is_rate_limited(api, file_complaint):
    receipt = file_complaint()
    answers = [
        api.get(f"{URL}/{receipt['reference']}", HTTP_X_ACCESS_CODE=f"WRONG-CODE-{n}").status_code
        for n in range(3)
    ]
    # Even the right code waits now: the limit counts attempts, not failures.
    right = api.get(f"{URL}/{receipt['reference']}", HTTP_X_ACCESS_CODE=receipt["access_code"])

    assert answers == [404, 404, 404]
    assert right.status_code == 429
    assert right.json()["code"] == "rate_limited"


def test_staff_see_contact_data_and_the_reading_is_audited(api, bearer, file_complaint):
    receipt = file_complaint(
        complainant=PERSON, on_behalf_of="이영희", representative_relationship="자녀"
    )
    headers = bearer("handler", username="reader")

    body = api.get(f"{URL}/{receipt['reference']}", **headers).json()

    assert body["complainant"]["email"] == "Seojun@Example.kr"
    assert body["on_behalf_of"] == "이영희"
    assert body["handling"]["personal_data_visible"] is True
    # ISO 10002 4.10: every reading of personal data by staff is logged.
    entry = AuditEntry.objects.get(action="sori.personal_data.viewed")
    assert entry.object_id == receipt["reference"]
    assert entry.actor_label == "reader"
    assert entry.iso_clause == "4.10"


def test_each_staff_reading_of_contact_data_leaves_its_own_entry(api, bearer, file_complaint):
    receipt = file_complaint(complainant=PERSON)
    headers = bearer("auditor")

    for _ in range(2):
        assert api.get(f"{URL}/{receipt['reference']}", **headers).status_code == 200

    assert AuditEntry.objects.filter(action="sori.personal_data.viewed").count() == 2


def test_an_approver_sees_the_case_but_not_the_contact_data(api, bearer, file_complaint):
    receipt = file_complaint(
        complainant=PERSON, on_behalf_of="이영희", representative_relationship="자녀"
    )

    body = api.get(f"{URL}/{receipt['reference']}", **bearer("approver")).json()

    assert body["view"] == "staff"
    assert body["complainant"] is None
    assert body["on_behalf_of"] is None
    assert body["handling"]["personal_data_visible"] is False
    assert body["handling"]["anonymous"] is False
    assert "Seojun" not in str(body) and "010-5555" not in str(body)
    assert not AuditEntry.objects.filter(action="sori.personal_data.viewed").exists()


def test_an_anonymous_complaint_read_by_staff_logs_no_personal_data_view(
    api, bearer, file_complaint
):
    receipt = file_complaint()

    body = api.get(f"{URL}/{receipt['reference']}", **bearer("handler")).json()

    assert body["complainant"] is None
    assert body["handling"]["anonymous"] is True
    assert not AuditEntry.objects.filter(action="sori.personal_data.viewed").exists()


def test_staff_see_the_internal_timeline_the_complainant_does_not(api, bearer, file_complaint):
    receipt = file_complaint()
    headers = bearer("handler")

    assert (
        fire(
            api, receipt["reference"], "assess", headers, note="내부 메모", **ASSESSMENT
        ).status_code
        == 200
    )

    staff = api.get(f"{URL}/{receipt['reference']}", **headers).json()
    own = api.get(f"{URL}/{receipt['reference']}", HTTP_X_ACCESS_CODE=receipt["access_code"]).json()

    assert "assess" in [item["event"] for item in staff["timeline"]]
    # ISO 10002 7.5: the assessment is internal; the complainant's timeline leaves it out.
    assert "assess" not in [item["event"] for item in own["timeline"]]
    assert "내부 메모" not in str(own)
    assert own["status"] == "assessed"
    assert all(item["actor"] is None for item in own["timeline"])


def test_the_decision_is_shown_to_the_complainant_only_once_communicated(
    api, bearer, file_complaint
):
    receipt = file_complaint()
    headers, code = bearer("handler"), {"HTTP_X_ACCESS_CODE": receipt["access_code"]}

    for event, data in (("assess", ASSESSMENT), ("start_investigation", {}),
                        ("propose_response", RESPONSE)):  # fmt: skip
        assert fire(api, receipt["reference"], event, headers, **data).status_code == 200
    proposed = api.get(f"{URL}/{receipt['reference']}", **code).json()
    assert proposed["decision"] is None

    assert (
        fire(api, receipt["reference"], "communicate_decision", headers, method="email").status_code
        == 200
    )
    told = api.get(f"{URL}/{receipt['reference']}", **code).json()

    assert told["decision"]["outcome"] == "upheld"
    assert told["decision"]["reasons"] == RESPONSE["reasons"]
    assert told["decision"]["reaction"] == ""
    assert {e["event"] for e in told["available_events"]} >= {"accept", "reject"}


def test_staff_list_is_newest_first_and_keyset_paginated(api, bearer, file_complaint):
    references = [file_complaint()["reference"] for _ in range(5)]
    headers = bearer("handler")

    first = api.get(URL, {"limit": 2}, **headers).json()
    second = api.get(URL, {"limit": 2, "after": first["next_after"]}, **headers).json()
    last = api.get(URL, {"limit": 2, "after": second["next_after"]}, **headers).json()

    pages = [first, second, last]
    seen = [item["reference"] for page in pages for item in page["items"]]
    assert seen == list(reversed(references))
    assert last["next_after"] is None
    assert set(first["items"][0]) == {
        "id",
        "reference",
        "status",
        "received_at",
        "subject",
        "priority",
    }


def test_staff_list_filters_by_status(api, bearer, file_complaint):
    headers = bearer("handler")
    assessed, waiting = file_complaint()["reference"], file_complaint()["reference"]

    fire(api, assessed, "assess", headers, **ASSESSMENT)

    body = api.get(URL, {"status": "assessed"}, **headers).json()

    assert [item["reference"] for item in body["items"]] == [assessed]
    assert waiting not in str(body)


def test_staff_find_complaints_by_email_through_the_blind_index(api, bearer, file_complaint):
    mine = file_complaint(complainant=PERSON)["reference"]
    file_complaint(complainant={"email": "someone@example.kr"})
    file_complaint()

    # Normalised like the index: case does not matter.
    by_email = api.get(URL, {"email": "seojun@example.KR"}, **bearer("handler")).json()
    by_phone = api.get(URL, {"phone": "01055550101"}, **bearer("handler")).json()

    assert [item["reference"] for item in by_email["items"]] == [mine]
    assert [item["reference"] for item in by_phone["items"]] == [mine]
    assert "Seojun" not in str(by_email)


def test_roles_without_personal_data_cannot_search_by_contact_details(api, bearer, file_complaint):
    file_complaint(complainant=PERSON)

    response = api.get(URL, {"email": "seojun@example.kr"}, **bearer("approver"))

    assert response.status_code == 403


def test_the_list_is_for_staff_only(api, file_complaint):
    receipt = file_complaint()

    response = api.get(URL, HTTP_X_ACCESS_CODE=receipt["access_code"])

    assert response.status_code == 401


def test_list_rejects_a_page_size_over_the_maximum(api, bearer):
    response = api.get(URL, {"limit": 101}, **bearer("handler"))

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["location"], error["field"]) == ("query", "limit")
