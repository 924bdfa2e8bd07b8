"""Firing events over HTTP: the workflow's refusals as problem+json (ISO 10002 7.3–7.9)."""

from __future__ import annotations

import pytest

from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from tests.api.helpers import ASSESSMENT, RESPONSE, URL, drive_to_decision, fire

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_an_event_not_possible_from_the_status_is_a_409(api, bearer, file_complaint):
    receipt = file_complaint()

    response = fire(api, receipt["reference"], "close", bearer("handler"))

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "transition_not_allowed"
    assert problem["event"] == "close"
    assert problem["status"] == 409
    assert Complaint.objects.get(reference=receipt["reference"]).status == "acknowledged"


def test_an_unmet_guard_is_a_422_naming_it(api, bearer, file_complaint):
    receipt = file_complaint()

    # ISO 10002 7.5: severity alone is not an assessment.
    response = fire(api, receipt["reference"], "assess", bearer("handler"), severity="high")

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "assessment_incomplete"
    complaint = Complaint.objects.get(reference=receipt["reference"])
    assert (complaint.status, complaint.severity) == ("acknowledged", "")


def test_a_stale_if_match_is_a_conflict(api, bearer, file_complaint):
    receipt = file_complaint()
    headers = bearer("handler")
    etag = api.get(f"{URL}/{receipt['reference']}", **headers)["ETag"]
    assert fire(api, receipt["reference"], "assess", {**headers, "HTTP_IF_MATCH": etag},
                **ASSESSMENT).status_code == 200  # fmt: skip

    response = fire(api, receipt["reference"], "withdraw", {**headers, "HTTP_IF_MATCH": etag})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["current_version"] == int(etag.strip('"')) + 1
    assert Complaint.objects.get(reference=receipt["reference"]).status == "assessed"


def test_a_successful_event_answers_the_new_status_and_etag(api, bearer, file_complaint):
    receipt = file_complaint()
    headers = bearer("handler")
    etag = api.get(f"{URL}/{receipt['reference']}", **headers)["ETag"]

    response = fire(
        api, receipt["reference"], "assess", {**headers, "HTTP_IF_MATCH": etag}, **ASSESSMENT
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["reference"], body["event"], body["status"]) == (
        receipt["reference"],
        "assess",
        "assessed",
    )
    assert response["ETag"] == f'"{body["version"]}"'
    assert (
        AuditEntry.objects.filter(
            action="sori.complaint.assessed", object_id=receipt["reference"]
        ).count()
        == 1
    )


def test_a_malformed_if_match_is_refused(api, bearer, file_complaint):
    receipt = file_complaint()

    response = fire(
        api, receipt["reference"], "withdraw", {**bearer("handler"), "HTTP_IF_MATCH": "yesterday"}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_if_match"


def test_a_role_without_the_right_is_forbidden(api, bearer, file_complaint):
    receipt = file_complaint()

    # ISO 10002 5.4: auditors read everything and change nothing.
    response = fire(api, receipt["reference"], "assess", bearer("auditor"), **ASSESSMENT)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Complaint.objects.get(reference=receipt["reference"]).status == "acknowledged"


def test_data_that_does_not_belong_to_the_event_is_refused(api, bearer, file_complaint):
    receipt = file_complaint()

    response = fire(api, receipt["reference"], "withdraw", bearer("handler"), outcome="upheld")

    assert response.status_code == 422
    assert response.json()["code"] == "unexpected_fields"


def test_an_unknown_event_is_a_validation_problem(api, bearer, file_complaint):
    receipt = file_complaint()

    response = fire(api, receipt["reference"], "teleport", bearer("handler"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "event"


def test_staff_list_the_events_they_may_fire_with_their_guards(api, bearer, file_complaint):
    receipt = file_complaint()

    response = api.get(f"{URL}/{receipt['reference']}/transitions", **bearer("handler"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert response["ETag"] == f'"{body["version"]}"'
    events = {item["event"]: item for item in body["events"]}
    assert set(events) == {"assess", "withdraw", "merge"}
    assert events["withdraw"]["allowed"] is True
    assert events["withdraw"]["blocked_by"] is None
    # Assessing needs the assessment data sent with it (ISO 10002 7.5).
    assert events["assess"]["allowed"] is False
    assert events["assess"]["blocked_by"]["code"] == "assessment_incomplete"
    assert "severity" in events["assess"]["fields"]
    assert events["merge"]["required"] == ["into_reference"]
    assert events["assess"]["label"]


def test_an_auditor_may_fire_no_event(api, bearer, file_complaint):
    receipt = file_complaint()

    body = api.get(f"{URL}/{receipt['reference']}/transitions", **bearer("auditor")).json()

    assert body["events"] == []


def test_the_complainant_lists_only_their_own_events(api, file_complaint):
    receipt = file_complaint()

    response = api.get(f"{URL}/{receipt['reference']}/transitions",
                       HTTP_X_ACCESS_CODE=receipt["access_code"])  # fmt: skip

    assert [item["event"] for item in response.json()["events"]] == ["withdraw"]


def test_the_complainant_accepts_the_communicated_decision(api, bearer, file_complaint):
    receipt = file_complaint()
    staff = bearer("handler")
    code = {"HTTP_X_ACCESS_CODE": receipt["access_code"]}
    drive_to_decision(api, receipt["reference"], staff)

    response = fire(api, receipt["reference"], "accept", code, note="감사합니다.")

    assert response.status_code == 200
    assert response.json()["status"] == "decision_communicated"
    own = api.get(f"{URL}/{receipt['reference']}", **code).json()
    assert own["decision"]["reaction"] == "accepted"
    assert own["timeline"][-1]["by"] == "complainant"
    assert own["timeline"][-1]["note"] == "감사합니다."
    entry = AuditEntry.objects.filter(action="sori.complaint.decision_accepted").get()
    assert entry.actor == f"complainant:{receipt['reference']}"
    # ISO 10002 7.9: with the acceptance recorded, staff may close.
    assert fire(api, receipt["reference"], "close", staff).json()["status"] == "closed"


def test_the_complainant_rejects_and_may_then_ask_for_a_review(api, bearer, file_complaint):
    receipt = file_complaint()
    code = {"HTTP_X_ACCESS_CODE": receipt["access_code"]}
    drive_to_decision(api, receipt["reference"], bearer("handler"))

    rejected = fire(api, receipt["reference"], "reject", code, note="동의하지 않습니다.")
    options = api.get(f"{URL}/{receipt['reference']}/transitions", **code).json()

    assert rejected.status_code == 200
    # ISO 10002 7.9: a rejection keeps the complaint open.
    assert rejected.json()["status"] == "decision_communicated"
    allowed = {item["event"] for item in options["events"] if item["allowed"]}
    assert "escalate" in allowed and "reject" not in allowed
    escalated = fire(api, receipt["reference"], "escalate", code)
    assert escalated.json()["status"] == "escalated"


def test_the_complainant_cannot_fire_staff_events(api, file_complaint):
    receipt = file_complaint()

    response = fire(api, receipt["reference"], "assess", {"HTTP_X_ACCESS_CODE": receipt["access_code"]},
                    **ASSESSMENT)  # fmt: skip

    assert response.status_code == 403


def test_a_wrong_code_cannot_fire_events_and_looks_unknown(api, file_complaint):
    receipt = file_complaint()

    wrong = fire(api, receipt["reference"], "withdraw", {"HTTP_X_ACCESS_CODE": "AAAA-BBBB-CCCC"})
    unknown = fire(api, "C-1999-999999", "withdraw", {"HTTP_X_ACCESS_CODE": receipt["access_code"]})

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert Complaint.objects.get(reference=receipt["reference"]).status == "acknowledged"


def test_a_decision_above_the_proposers_limit_needs_approval(api, bearer, file_complaint):
    receipt = file_complaint()
    handler = bearer("handler")
    for event, data in (("assess", ASSESSMENT), ("start_investigation", {}),
                        ("propose_response", {**RESPONSE, "remedy_type": "refund",
                                              "remedy_amount": "2500000"})):  # fmt: skip
        assert fire(api, receipt["reference"], event, handler, **data).status_code == 200

    blocked = fire(api, receipt["reference"], "communicate_decision", handler, method="email")
    approved = fire(api, receipt["reference"], "approve", bearer("approver"))
    told = fire(api, receipt["reference"], "communicate_decision", handler, method="letter")

    assert (blocked.status_code, blocked.json()["code"]) == (422, "approval_required")
    assert approved.json()["status"] == "approved"
    assert told.json()["status"] == "decision_communicated"
