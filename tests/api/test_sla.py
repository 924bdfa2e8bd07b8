"""Deadlines through the API: staff see every stage clock, the complainant the date they wait for,
and staff extend a deadline once with a reason (ISO 10002 7.3, 4.15)."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.core import clock
from sori.messaging.models import OutboundMessage
from tests.api.helpers import ASSESSMENT, URL, fire
from tests.support.sla import DECISION_DUE, RECEIVED, sla_policy

pytestmark = pytest.mark.django_db

PERSON = {"name": "이서준", "email": "seojun@example.kr"}
# Two business days into the ten: Wednesday 12 March 2025, 10:00 in Seoul.
LATER = RECEIVED + dt.timedelta(days=2)


def extension_url(reference: str, stage: str = "decision") -> str:
    return f"{URL}/{reference}/deadlines/{stage}/extension"


@pytest.fixture
def received(file_complaint):
    """A complaint received on Monday 10 March 2025 under the test's own policy."""
    sla_policy()
    with clock.frozen_at(RECEIVED):
        return file_complaint(complainant=PERSON)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_the_staff_view_lists_every_stage_clock_with_its_state(api, bearer, received):
    headers = bearer("handler")

    with clock.frozen_at(LATER):
        body = api.get(f"{URL}/{received['reference']}", **headers).json()

    assert body["view"] == "staff"
    [decision] = [row for row in body["sla"] if row["stage"] == "decision"]
    assert decision["state"] == "running"
    assert decision["due_at"] == iso(DECISION_DUE)
    assert decision["paused_seconds"] == 0
    assert decision["extended"] is False and decision["extension_allowed"] is True
    assert decision["policy"] == "test-policy"
    assert {"stage", "due_at", "state", "paused_seconds"} <= set(decision)
    # Read after the deadline, a running clock is overdue.
    late = api.get(f"{URL}/{received['reference']}", **headers).json()
    assert [row["state"] for row in late["sla"] if row["stage"] == "decision"] == ["overdue"]


def test_the_complainant_gets_the_expected_date_but_not_the_clocks(api, received):
    with clock.frozen_at(LATER):
        body = api.get(
            f"{URL}/{received['reference']}", HTTP_X_ACCESS_CODE=received["access_code"]
        ).json()

    assert body["view"] == "complainant"
    assert body["expected_by"] == iso(DECISION_DUE)
    assert body["sla"] is None


def test_while_waiting_for_the_complainant_the_clock_is_paused_and_no_date_is_promised(
    api, bearer, received
):
    headers = bearer("handler")
    reference = received["reference"]
    with clock.frozen_at(LATER):
        assert fire(api, reference, "assess", headers, **ASSESSMENT).status_code == 200
        assert fire(api, reference, "start_investigation", headers).status_code == 200
        asked = fire(api, reference, "request_information", headers, note="영수증을 보내 주십시오.")
        assert asked.status_code == 200
    with clock.frozen_at(LATER + dt.timedelta(hours=3)):
        staff = api.get(f"{URL}/{reference}", **headers).json()
        mine = api.get(f"{URL}/{reference}", HTTP_X_ACCESS_CODE=received["access_code"]).json()

    [decision] = [row for row in staff["sla"] if row["stage"] == "decision"]
    assert decision["state"] == "paused"
    assert decision["paused_seconds"] == 3 * 3600
    assert mine["expected_by"] is None


def test_staff_extend_a_deadline_once_and_the_complainant_is_told_the_reason(api, bearer, received):
    headers = bearer("handler")
    reference = received["reference"]
    reason = "제조사의 검사 결과를 기다리고 있습니다."

    with clock.frozen_at(LATER):
        answer = api.post(
            extension_url(reference),
            {"new_date": "2025-04-04", "reason": reason},
            content_type="application/json",
            **headers,
        )
        again = api.post(
            extension_url(reference),
            {"new_date": "2025-04-07", "reason": "한 번 더"},
            content_type="application/json",
            **headers,
        )
        body = api.get(f"{URL}/{reference}", **headers).json()

    assert answer.status_code == 200, answer.content
    extended = answer.json()
    # Friday 4 April 2025 at the close of business in Seoul (18:00 = 09:00 UTC).
    assert extended["due_at"] == "2025-04-04T09:00:00Z"
    assert extended["original_due_at"] == iso(DECISION_DUE)
    assert extended["extension_reason"] == reason
    [decision] = [row for row in body["sla"] if row["stage"] == "decision"]
    assert decision["extended"] is True and decision["extension_allowed"] is False
    assert body["expected_by"] == "2025-04-04T09:00:00Z"
    # One extension per stage.
    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["code"] == "extension_used"
    message = OutboundMessage.objects.get(template="deadline_extended")
    assert message.recipient == PERSON["email"]
    assert reason in message.body and "2025년 4월 4일(금)" in message.body


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"new_date": "2025-04-05", "reason": "검사 지연"}, "not_a_working_day", "new_date"),
        ({"new_date": "2025-04-04", "reason": "  "}, "required", "reason"),
        ({"new_date": "2025-03-20", "reason": "검사 지연"}, "not_later", "new_date"),
        ({"new_date": "2025-06-30", "reason": "검사 지연"}, "extension_too_long", "new_date"),
    ],
)
def test_a_refused_extension_is_a_problem_naming_the_field(
    api, bearer, received, body, code, field
):
    with clock.frozen_at(LATER):
        answer = api.post(
            extension_url(received["reference"]),
            body,
            content_type="application/json",
            **bearer("handler"),
        )

    assert answer.status_code == 422, answer.content
    problem = answer.json()
    assert problem["code"] == code
    assert [error["field"] for error in problem["errors"]] == [field]
    assert not OutboundMessage.objects.filter(template="deadline_extended").exists()


def test_an_unknown_stage_or_a_stage_without_a_clock_is_refused(api, bearer, received):
    headers = bearer("handler")
    payload = {"new_date": "2025-04-04", "reason": "검사 지연"}

    unknown = api.post(
        extension_url(received["reference"], "lunch"),
        payload,
        content_type="application/json",
        **headers,
    )
    idle = api.post(
        extension_url(received["reference"], "internal_review"),
        payload,
        content_type="application/json",
        **headers,
    )

    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_choice")
    assert (idle.status_code, idle.json()["code"]) == (422, "no_running_deadline")


def test_only_staff_may_extend_and_only_roles_that_handle_complaints(api, bearer, received):
    payload = {"new_date": "2025-04-04", "reason": "검사 지연"}
    url = extension_url(received["reference"])

    complainant = api.post(
        url, payload, content_type="application/json", HTTP_X_ACCESS_CODE=received["access_code"]
    )
    auditor = api.post(url, payload, content_type="application/json", **bearer("auditor"))

    assert complainant.status_code == 401
    assert auditor.status_code == 403
    assert auditor["Content-Type"] == "application/problem+json"


def test_the_openapi_document_describes_the_clocks_and_the_extension(api):
    spec = api.get("/api/v1/openapi.json").json()

    complaint = spec["components"]["schemas"]["ComplaintOut"]["properties"]
    assert "sla" in complaint and "expected_by" in complaint
    clock_schema = spec["components"]["schemas"]["StageClockOut"]["properties"]
    assert clock_schema["state"]["enum"] == [
        "running",
        "paused",
        "overdue",
        "met",
        "missed",
        "cancelled",
    ]
    operation = spec["paths"]["/api/v1/complaints/{reference}/deadlines/{stage}/extension"]["post"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
