"""The policy in force on the portal's how-to-complain page and its own page, in Korean and
English (ISO 10002 5.2: the policy is available to the public; R-4.2.1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sori.accounts.models import Role
from sori.core import clock
from tests.integration.governance.policy.support import TEXT, drafted, published

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
TODAY = dt.date(2026, 3, 10)
SECOND = dataclasses.replace(
    TEXT,
    body_ko="버전 2: 모든 불만에 14일 이내에 답합니다.\n\n불만 제기는 무료입니다.",
    body_en="Version 2: we answer every complaint within 14 days.\n\nComplaining is free.",
)


@pytest.fixture
def people(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER), make_staff(Role.TOP_MANAGEMENT)


def page(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def test_without_a_published_version_the_portal_says_nothing_about_a_policy(people):
    manager, _top = people
    drafted(manager)  # a draft is not public
    with clock.frozen_at(NOW):
        for language in ("ko", "en"):
            status, html = page(f"/{language}/")
            assert status == 200
            assert "/policy/" not in html and TEXT.title_en not in html
            assert TEXT.title_ko not in html
            status, _html = page(f"/{language}/policy/")
            assert status == 404


def test_the_how_to_complain_page_shows_the_version_in_force_in_the_readers_language(people):
    manager, top = people
    with clock.frozen_at(NOW):
        published(manager, top, TODAY)
        _status, korean = page("/ko/")
        _status, english = page("/en/")
    assert TEXT.title_ko in korean and "우리는 모든 불만을 공정하게 처리합니다." in korean
    assert "We handle every complaint fairly." not in korean
    assert TEXT.title_en in english and "We handle every complaint fairly." in english
    assert "Version 1, in force since 2026-03-10" in english
    assert 'href="/en/policy/"' in english and "Read the whole policy" in english
    # The summary is the first paragraph; the policy page has the whole text.
    assert "Complaining is free." not in english.split('id="policy"')[1].split("</section>")[0]
    with clock.frozen_at(NOW):
        status, full = page("/en/policy/")
    assert status == 200 and "Complaining is free." in full and f"<h1>{TEXT.title_en}</h1>" in full


def test_a_new_version_shows_only_from_its_effective_date(people):
    manager, top = people
    with clock.frozen_at(NOW):
        published(manager, top, TODAY)
        published(manager, top, TODAY + dt.timedelta(days=5), SECOND)
        _status, before = page("/en/policy/")
    assert "Version 2:" not in before and "We handle every complaint fairly." in before
    with clock.frozen_at(NOW + dt.timedelta(days=5)):
        _status, after_en = page("/en/policy/")
        _status, after_ko = page("/ko/")
    assert "Version 2: we answer every complaint within 14 days." in after_en
    assert "버전 2: 모든 불만에 14일 이내에 답합니다." in after_ko
