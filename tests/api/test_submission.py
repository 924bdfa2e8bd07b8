"""POST /api/v1/complaints: public receipt (ISO 10002 7.2), acknowledgement (7.4), accessibility (4.5)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from sori.accounts.services import create_token
from sori.audit.models import AuditEntry
from sori.complaints.models import Category, Complaint, IdempotencyKey
from sori.core.actors import SYSTEM
from tests.api.helpers import URL

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_anonymous_complaint_is_acknowledged_and_readable_with_its_code(api):
    response = api.post(URL, {"description": "상담원이 불친절했습니다.", "subject": "상담 불만"},
                        content_type="application/json")  # fmt: skip

    assert response.status_code == 201
    receipt = response.json()
    assert set(receipt) == {"reference", "access_code", "status", "received_at", "acknowledged_at"}
    # ISO 10002 7.4: acknowledged at once, in the same request.
    assert receipt["status"] == "acknowledged"
    assert receipt["acknowledged_at"]
    assert response["Location"] == f"{URL}/{receipt['reference']}"

    complaint = Complaint.objects.get(reference=receipt["reference"])
    assert complaint.complainant_id is None
    assert complaint.channel == "api"

    view = api.get(response["Location"], HTTP_X_ACCESS_CODE=receipt["access_code"])
    assert view.status_code == 200
    body = view.json()
    assert body["view"] == "complainant"
    assert body["description"] == "상담원이 불친절했습니다."
    assert body["complainant"] is None
    assert body["on_behalf_of"] is None
    assert body["handling"] is None
    assert view["ETag"] == f'"{body["version"]}"'
    assert [item["event"] for item in body["timeline"]] == ["received", "acknowledge"]


def test_access_code_is_forgiving_about_case_and_dashes(api, file_complaint):
    receipt = file_complaint()
    typed = receipt["access_code"].replace("-", "").lower()

    response = api.get(f"{URL}/{receipt['reference']}", HTTP_X_ACCESS_CODE=typed)

    assert response.status_code == 200


def test_complainant_details_round_trip_to_staff(api, bearer):
    Category.objects.create(code="delivery", label_ko="배송", label_en="Delivery")
    body = {
        "description": "주문한 냉장고가 파손된 채 배송되었습니다.",
        "subject": "파손 배송",
        "category": "delivery",
        "desired_remedy": "교환을 원합니다.",
        "language": "ko",
        "channel": "web",
        "occurred_on": "2026-03-02",
        "occurred_place": "서울 마포구",
        "product_or_service": "냉장고 RF-100",
        "order_reference": "ORD-7781",
        "assistance_needs": "큰 글씨 안내문",
        "complainant": {
            "name": "김민지",
            "email": "minji@example.kr",
            "phone": "010-1234-5678",
            "postal_address": "서울특별시 마포구 월드컵로 1",
            "preferred_contact": "phone",
            "preferred_language": "ko",
        },
    }
    receipt = api.post(URL, body, content_type="application/json").json()

    staff = api.get(f"{URL}/{receipt['reference']}", **bearer("handler")).json()

    assert staff["view"] == "staff"
    assert staff["complainant"] == {
        "name": "김민지",
        "email": "minji@example.kr",
        "phone": "010-1234-5678",
        "postal_address": "서울특별시 마포구 월드컵로 1",
        "preferred_contact": "phone",
        "preferred_language": "ko",
    }
    assert staff["category"]["code"] == "delivery"
    assert staff["occurred_on"] == "2026-03-02"
    assert staff["channel"] == "web"
    assert staff["order_reference"] == "ORD-7781"
    assert staff["handling"]["anonymous"] is False

    # The complainant's own view never echoes contact data back (a leaked code must not leak them).
    own = api.get(f"{URL}/{receipt['reference']}", HTTP_X_ACCESS_CODE=receipt["access_code"]).json()
    assert own["complainant"] is None
    assert own["category"] == {"code": "delivery", "label": "배송"}


def test_replayed_idempotency_key_returns_the_first_answer_and_one_complaint(api):
    body = {"description": "환불이 아직 처리되지 않았습니다."}
    first = api.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-42")
    second = api.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="retry-42")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert second["Location"] == first["Location"]
    assert Complaint.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_idempotency_key_reused_for_a_different_complaint_is_refused(api):
    api.post(URL, {"description": "첫 번째 불만"}, content_type="application/json",
             HTTP_IDEMPOTENCY_KEY="same-key")  # fmt: skip

    response = api.post(URL, {"description": "전혀 다른 불만"}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="same-key")  # fmt: skip

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


@override_settings(SORI_SUBMISSION_RATE="2/m")
def test_third_submission_in_a_minute_is_rate_limited(api):
    answers = [
        api.post(URL, {"description": f"불만 {n}"}, content_type="application/json")
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [201, 201, 429]
    limited = answers[2]
    assert limited["Content-Type"] == PROBLEM
    assert limited.json()["code"] == "rate_limited"
    assert limited.json()["status"] == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert Complaint.objects.count() == 2


@override_settings(SORI_SUBMISSION_RATE="1/m")
def test_rate_limit_counts_each_client_address_separately(api):
    first = api.post(URL, {"description": "하나"}, content_type="application/json",
                     REMOTE_ADDR="127.0.0.2")  # fmt: skip
    other = api.post(URL, {"description": "둘"}, content_type="application/json",
                     REMOTE_ADDR="127.0.0.3")  # fmt: skip
    again = api.post(URL, {"description": "셋"}, content_type="application/json",
                     REMOTE_ADDR="127.0.0.2", HTTP_X_FORWARDED_FOR="127.0.0.9")  # fmt: skip

    assert (first.status_code, other.status_code) == (201, 201)
    # X-Forwarded-For is not trusted unless configured: it cannot dodge the limit.
    assert again.status_code == 429


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"subject": "설명 없음"}, "description", "missing"),
        ({"description": "x", "subject": "가" * 201}, "subject", "string_too_long"),
        ({"description": "x", "complainant": {"email": "not-an-email"}}, "complainant.email",
         "invalid_email"),
        ({"description": "x", "language": "fr"}, "language", "enum"),
        ({"description": "x", "surprise": 1}, "surprise", "extra_forbidden"),
    ],
)  # fmt: skip
def test_invalid_submission_is_a_problem_naming_the_field(api, body, field, code):
    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "invalid"
    assert {"field": field, "code": code, "location": "body"}.items() <= problem["errors"][
        0
    ].items()
    assert field in problem["detail"]
    assert Complaint.objects.count() == 0


def test_rule_checked_by_the_service_is_reported_with_its_field(api):
    # Blank after trimming passes the schema; the service refuses it and names the field.
    response = api.post(URL, {"description": "   "}, content_type="application/json")

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "required"
    assert problem["errors"] == [{"field": "description", "code": "required",
                                  "detail": problem["detail"]}]  # fmt: skip


def test_unknown_category_is_refused(api):
    response = api.post(
        URL, {"description": "x", "category": "nope"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "category"


def test_public_callers_cannot_claim_a_staff_channel(api):
    response = api.post(URL, {"description": "전화로 접수", "channel": "phone"},
                        content_type="application/json")  # fmt: skip

    assert response.status_code == 403
    assert response.json()["code"] == "channel_not_allowed"
    assert Complaint.objects.count() == 0


def test_staff_record_a_phone_complaint_with_their_token(api, bearer, make_staff):
    response = api.post(URL, {"description": "전화로 접수된 불만", "channel": "phone"},
                        content_type="application/json", **bearer("handler", username="kim"))  # fmt: skip

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert complaint.channel == "phone"
    assert complaint.received_by.get_username() == "kim"
    entry = AuditEntry.objects.get(action="sori.complaint.received", object_id=complaint.reference)
    assert entry.actor == f"staff:{complaint.received_by_id}"


def test_a_role_that_changes_nothing_cannot_record_complaints(api, bearer):
    response = api.post(URL, {"description": "감사인이 접수 시도"}, content_type="application/json",
                        **bearer("auditor"))  # fmt: skip

    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_a_wrong_token_is_refused_not_treated_as_anonymous(api):
    response = api.post(URL, {"description": "x"}, content_type="application/json",
                        HTTP_AUTHORIZATION="Bearer sori_deadbeef_nope")  # fmt: skip

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Complaint.objects.count() == 0


def test_a_token_of_a_user_without_a_role_is_forbidden(api):
    user = get_user_model().objects.create_user(username="no-role", password=None)
    token = create_token(actor=SYSTEM, user=user)

    response = api.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
