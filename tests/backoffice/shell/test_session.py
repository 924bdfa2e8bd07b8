"""An unattended session ends, and the sign-in page says why (ISO 10002 4.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from tests.backoffice.shell.conftest import LOGIN, sign_in

pytestmark = pytest.mark.django_db

QUEUE = "/staff/queue/"
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def at(minutes: float):
    return clock.frozen_at(T0 + dt.timedelta(minutes=minutes))


def test_a_session_used_within_the_idle_limit_stays_open(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    with at(0):
        sign_in(client, "minji")
    for minutes in (20, 45, 70):  # each visit restarts the idle count
        with at(minutes):
            assert client.get(QUEUE).status_code == 200


def test_a_session_left_idle_for_thirty_minutes_ends(client, make_staff):
    actor = make_staff(Role.HANDLER, username="minji")
    client.cookies["django_language"] = "en"
    with at(0):
        sign_in(client, "minji")
    with at(31):
        answer = client.get(QUEUE)
        assert answer.status_code == 302
        assert answer["Location"] == f"{LOGIN}?next={QUEUE}"
        page = client.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your session ended because it was not used for a while." in html
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="sori.staff.signed_out")
    assert entry.actor == actor.audit_id and entry.data == {"reason": "idle"}
    # The notice is said once, not on every later visit.
    assert "Your session ended" not in client.get(LOGIN).content.decode()


@override_settings(SORI_SESSION_IDLE_SECONDS=120)
def test_the_idle_limit_is_a_setting(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    with at(0):
        sign_in(client, "minji")
    with at(3):
        assert client.get(QUEUE).status_code == 302


@override_settings(SESSION_COOKIE_AGE=3600)
def test_a_session_ends_at_its_absolute_age_even_when_in_use(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    client.cookies["django_language"] = "en"
    with at(0):
        sign_in(client, "minji")
    for minutes in (20, 40, 59):
        with at(minutes):
            assert client.get(QUEUE).status_code == 200
    with at(61):
        answer = client.get(QUEUE)
        assert answer.status_code == 302
        html = client.get(answer["Location"]).content.decode()
    assert "Your session reached its time limit and ended." in html
    assert AuditEntry.objects.get(action="sori.staff.signed_out").data == {"reason": "session_age"}


def test_the_admin_shares_the_idle_limit(client, make_staff):
    make_staff(Role.ADMINISTRATOR, username="admin")
    with at(0):
        sign_in(client, "admin")
        assert client.get("/staff/admin/").status_code == 200
    with at(40):
        assert client.get("/staff/admin/").status_code == 302


def test_an_htmx_request_after_expiry_loads_the_sign_in_page(client, make_staff):
    make_staff(Role.AUDITOR, username="auditor")
    with at(0):
        sign_in(client, "auditor")
    with at(31):
        answer = client.post(
            "/staff/audit/verify/",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/staff/audit/"},
        )
    assert answer.status_code == 204
    assert answer["HX-Redirect"] == f"{LOGIN}?next=/staff/audit/"
