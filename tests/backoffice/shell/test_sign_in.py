"""Signing in to the back office: every role, the lock-out, safe redirects, the audit entries
(ISO 10002 4.9, 4.10)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.core.models import LookupLock
from tests.backoffice.shell.conftest import LOGIN, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

QUEUE = "/staff/queue/"
T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul
LOCK_MESSAGE = (
    "Too many failed sign-ins. For your protection, signing in is paused until "
    "%(time)s (%(zone)s time). Please try again then, or ask an administrator."
)


def lock_message(language: str, until: dt.datetime) -> str:
    """The lock-out sentence as the page must show it, in ``language``, escaped as in HTML."""
    local = until.astimezone(ZoneInfo("Asia/Seoul")).strftime("%H:%M")
    with translation.override(language):
        return escape(gettext(LOCK_MESSAGE) % {"time": local, "zone": "Asia/Seoul"})


@pytest.mark.parametrize("role", Role.values)
def test_every_role_signs_in_and_reaches_the_queue(client, make_staff, role):
    actor = make_staff(role)
    answer = sign_in(client, actor.label)
    assert answer.status_code == 302 and answer["Location"] == QUEUE
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert actor.label in page.content.decode()


def test_a_wrong_password_is_refused_and_the_username_is_kept(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    answer = sign_in(client, "minji", "not-the-password")
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'value="minji"' in html
    assert "not-the-password" not in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("language", ["ko", "en"])
def test_five_wrong_passwords_lock_the_username_and_say_until_when(client, make_staff, language):
    make_staff(Role.HANDLER, username="minji")
    client.cookies["django_language"] = language
    with clock.frozen_at(T0):
        for _ in range(4):
            assert sign_in(client, "minji", "wrong").status_code == 400
        fifth = sign_in(client, "minji", "wrong")
        assert fifth.status_code == 429
        assert lock_message(language, T0 + dt.timedelta(minutes=15)) in fifth.content.decode()
        assert f'<html lang="{language}">' in fifth.content.decode()
    # Later, while the lock holds, even the right password is refused.
    with clock.frozen_at(T0 + dt.timedelta(minutes=10)):
        refused = sign_in(client, "minji", PASSWORD)
        assert refused.status_code == 429
        assert lock_message(language, T0 + dt.timedelta(minutes=15)) in refused.content.decode()
        assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_fifteen_minutes(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    with clock.frozen_at(T0):
        for _ in range(5):
            sign_in(client, "minji", "wrong")
    with clock.frozen_at(T0 + dt.timedelta(minutes=15, seconds=1)):
        answer = sign_in(client, "minji", PASSWORD)
    assert answer.status_code == 302 and answer["Location"] == QUEUE


def test_failures_spread_over_more_than_the_window_do_not_lock(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    for minutes in (0, 5, 10, 14):
        with clock.frozen_at(T0 + dt.timedelta(minutes=minutes)):
            sign_in(client, "minji", "wrong")
    with clock.frozen_at(T0 + dt.timedelta(minutes=16)):
        assert sign_in(client, "minji", "wrong").status_code == 400
        assert sign_in(client, "minji", PASSWORD).status_code == 302


def test_a_right_password_clears_the_count_of_wrong_ones(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    with clock.frozen_at(T0):
        for _ in range(4):
            sign_in(client, "minji", "wrong")
        assert sign_in(client, "minji", PASSWORD).status_code == 302
        client.post("/staff/logout/")
        for _ in range(4):
            assert sign_in(client, "minji", "wrong").status_code == 400


def test_an_unknown_username_locks_like_a_real_one(client, db):
    # A lock must not reveal whether an account exists.
    with clock.frozen_at(T0):
        statuses = [sign_in(client, "nobody", "wrong").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def test_one_client_trying_many_usernames_is_locked_out(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    with clock.frozen_at(T0):
        for number in range(20):
            sign_in(client, f"guess-{number}", "wrong", address="203.0.113.9")
        # The lock is on the client: a right password from there is refused too …
        refused = sign_in(client, "minji", address="203.0.113.9")
        assert refused.status_code == 429
        # … while the same person from another address signs in.
        assert sign_in(client, "minji", address="198.51.100.7").status_code == 302


def test_the_lock_out_is_kept_in_the_database(client, make_staff):
    # Every web process reads the same rows, and they outlive a restart.
    make_staff(Role.HANDLER, username="minji")
    with clock.frozen_at(T0):
        for _ in range(5):
            sign_in(client, "minji", "wrong")
    row = LookupLock.objects.get(key="signin:minji")
    assert row.locked_until == T0 + dt.timedelta(minutes=15)


def test_sign_ins_and_failed_sign_ins_are_in_the_audit_trail(client, make_staff):
    actor = make_staff(Role.HANDLER, username="minji")
    sign_in(client, "minji", "hunter2-typo")
    sign_in(client, "minji", PASSWORD)
    failed = AuditEntry.objects.get(action="sori.staff.sign_in_failed")
    assert failed.object_id == "minji" and failed.iso_clause == "4.10"
    assert failed.data["reason"] == "wrong_credentials" and failed.data["failures"] == 1
    assert failed.data["client"] == "127.0.0.1"
    assert "hunter2" not in str(failed.data)  # never the password typed
    succeeded = AuditEntry.objects.get(action="sori.staff.signed_in")
    assert succeeded.actor == actor.audit_id and succeeded.data["role"] == "handler"


def test_a_lock_and_the_attempts_during_it_are_in_the_audit_trail(client, make_staff):
    make_staff(Role.HANDLER, username="minji")
    with clock.frozen_at(T0):
        for _ in range(6):
            sign_in(client, "minji", "wrong")
    assert AuditEntry.objects.filter(action="sori.staff.sign_in_locked").count() == 1
    reasons = list(
        AuditEntry.objects.filter(action="sori.staff.sign_in_failed")
        .order_by("seq")
        .values_list("data__reason", flat=True)
    )
    assert reasons == ["wrong_credentials"] * 5 + ["locked"]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_a_next_address_on_another_site_is_ignored(client, make_staff, target):
    make_staff(Role.HANDLER, username="minji")
    answer = sign_in(client, "minji", next=target)
    assert answer.status_code == 302 and answer["Location"] == QUEUE


def test_a_next_address_on_this_site_is_followed(client, make_staff):
    make_staff(Role.AUDITOR, username="auditor")
    page = client.get("/staff/audit/?action=sori.staff.")
    assert page.status_code == 302
    assert page["Location"] == "/staff/login/?next=/staff/audit/%3Faction%3Dsori.staff."
    form = client.get(page["Location"]).content.decode()
    assert 'name="next" value="/staff/audit/?action=sori.staff."' in form
    answer = sign_in(client, "auditor", next="/staff/audit/?action=sori.staff.")
    assert answer["Location"] == "/staff/audit/?action=sori.staff."


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_user_without_a_staff_profile_gets_a_forbidden_page(client, db, language):
    get_user_model().objects.create_user(username="visitor", password=PASSWORD)
    client.cookies["django_language"] = language
    assert sign_in(client, "visitor").status_code == 302
    page = client.get(QUEUE)
    assert page.status_code == 403
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        expected = gettext(
            "You are signed in, but your account has no role in the back office. "
            "Ask an administrator to give you one."
        )
    assert escape(expected) in html


def test_signing_out_is_a_post_that_ends_the_session(client, signed_in):
    actor = signed_in(Role.HANDLER)
    assert client.get("/staff/logout/").status_code == 405
    answer = client.post("/staff/logout/")
    assert answer.status_code == 302 and answer["Location"] == LOGIN
    assert client.get(QUEUE)["Location"].startswith(LOGIN)
    entry = AuditEntry.objects.get(action="sori.staff.signed_out")
    assert entry.actor == actor.audit_id and entry.data == {"reason": "signed_out"}


def test_a_signed_in_person_opening_the_sign_in_page_goes_to_the_queue(client, signed_in):
    signed_in(Role.HANDLER)
    answer = client.get(LOGIN)
    assert answer.status_code == 302 and answer["Location"] == QUEUE


def test_the_admin_sign_in_goes_through_the_back_office_sign_in(client, make_staff):
    make_staff(Role.AUDITOR, username="auditor")
    first = client.get("/staff/admin/")
    assert first.status_code == 302
    second = client.get(first["Location"])
    assert second.status_code == 302
    assert second["Location"] == "/staff/login/?next=/staff/admin/"
    answer = sign_in(client, "auditor", next="/staff/admin/")
    assert answer["Location"] == "/staff/admin/"
    assert client.get("/staff/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="sori.staff.signed_in").count() == 1


def test_a_handler_sent_to_the_admin_is_told_the_account_cannot_open_it(client, signed_in):
    signed_in(Role.HANDLER, username="handler")
    client.cookies["django_language"] = "en"
    answer = client.get("/staff/admin/", follow=True)
    assert answer.status_code == 200
    assert answer.redirect_chain[-1][0].startswith("/staff/login/?next=")
    html = answer.content.decode()
    assert "You are signed in as handler, but that account cannot open the page" in html


def test_the_admin_sign_out_is_recorded_like_the_back_office_one(client, signed_in):
    signed_in(Role.ADMINISTRATOR)
    answer = client.post("/staff/admin/logout/")
    assert answer.status_code == 302 and answer["Location"] == LOGIN
    assert AuditEntry.objects.filter(action="sori.staff.signed_out").exists()
    assert client.get("/staff/admin/").status_code == 302
