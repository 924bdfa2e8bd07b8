"""The portal through Django's test client: real views, real services, real database."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from sori.core.models import Organisation


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # The per-address counters live in the cache; every test starts with a clean budget.
    cache.clear()


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(
        name_ko="소리전자",
        name_en="Sori Electronics",
        complaints_email="voc@sori.example",
        complaints_phone="02-1234-5678",
        postal_address="서울특별시 중구 세종대로 1",
        visiting_address="서울특별시 중구 세종대로 1, 1층 고객센터",
        office_hours_ko="평일 09:00–18:00",
        office_hours_en="Weekdays 09:00–18:00",
        response_target_days=10,
        privacy_notice_ko="개인정보는 불만 처리에만 사용합니다.",
        privacy_notice_en="We use your personal data only to handle your complaint.",
        assistance_ko="수어 통역이 필요하면 알려 주십시오.",
        assistance_en="Tell us if you need a sign-language interpreter.",
    )


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "택배가 2주째 도착하지 않았습니다.",
        "occurred_on": "2026-03-14",
        "occurred_place": "온라인 쇼핑몰",
        "product_or_service": "무선 청소기",
        "order_reference": "ORD-2026-0042",
        "desired_remedy": "환불해 주십시오.",
        "name": "김민지",
        "email": "minji@example.kr",
        "phone": "010-1234-5678",
        "postal_address": "",
        "preferred_contact": "email",
        "preferred_language": "ko",
        "on_behalf_of": "",
        "representative_relationship": "",
        "assistance_needs": "",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
