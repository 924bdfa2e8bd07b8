"""The audit trail and the personal-data access log, for those who answer for them
(ISO 10002 4.9, 4.10, 8.1, 8.5)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.audit.selectors import PAGE_SIZE
from sori.complaints.selectors import complaint_detail
from sori.core import clock
from tests.backoffice.shell.conftest import sign_in
from tests.integration.cli.conftest import bypassing_triggers

pytestmark = pytest.mark.django_db

TRAIL = "/staff/audit/"
PERSONAL = "/staff/audit/personal-data/"
VERIFY = "/staff/audit/verify/"


def seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html)]


def actions(html: str) -> set[str]:
    """The actions of the entries listed on a trail page."""
    return set(re.findall(r"<td><code>([^<]+)</code></td>", html))


@pytest.mark.parametrize(
    "role", [Role.HANDLER, Role.INVESTIGATOR, Role.APPROVER, Role.TOP_MANAGEMENT]
)
def test_roles_that_do_not_answer_for_the_trail_cannot_open_it(client, signed_in, role):
    signed_in(role)
    assert client.get(TRAIL).status_code == 403
    assert client.get(PERSONAL).status_code == 403
    assert client.post(VERIFY).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    for path in (TRAIL, PERSONAL):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR])
def test_auditors_managers_and_administrators_read_the_trail(client, signed_in, submit, role):
    receipt = submit()
    signed_in(role)
    page = client.get(TRAIL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "sori.complaint.received" in html and receipt.reference in html
    assert "sori.staff.signed_in" in html
    numbers = seqs(html)
    assert numbers == sorted(numbers, reverse=True) and numbers[0] == AuditEntry.objects.count()


def test_the_trail_shows_each_entry_in_full(client, signed_in, submit):
    receipt = submit()
    signed_in(Role.AUDITOR)
    html = client.get(TRAIL, {"object": receipt.reference}).content.decode()
    entry = AuditEntry.objects.filter(object_id=receipt.reference).order_by("seq").first()
    assert entry is not None
    assert f'<td class="num">{entry.seq}</td>' in html
    assert f"<code>{entry.action}</code>" in html
    assert entry.iso_clause in html and entry.actor_label in html
    local = entry.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert local.strftime("%Y-%m-%d %H:%M:%S") in html  # shown in Korea time
    assert "sori.staff.signed_in" not in html  # the filter kept only this complaint


def test_the_trail_is_paged_by_position_newest_first(client, signed_in, submit):
    for _ in range(PAGE_SIZE // 2):  # each submission writes at least two entries
        submit(anonymous=True)
    signed_in(Role.AUDITOR)
    total = AuditEntry.objects.count()
    assert total > PAGE_SIZE
    first = client.get(TRAIL).content.decode()
    assert seqs(first) == list(range(total, total - PAGE_SIZE, -1))
    older = re.search(r'href="(/staff/audit/\?before=\d+)" rel="next"', first)
    assert older is not None
    second = client.get(older.group(1)).content.decode()
    assert seqs(second) == list(range(total - PAGE_SIZE, max(0, total - 2 * PAGE_SIZE), -1))
    assert '<li><a href="/staff/audit/">' in second  # back to the newest


def test_the_trail_filters_by_action_actor_and_dates(client, make_staff, signed_in, submit):
    handler = make_staff(Role.HANDLER, username="minji")
    with clock.frozen_at(dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC)):
        sign_in(client, "minji", "wrong-password")
        sign_in(client, "minji")
        client.post("/staff/logout/")
    with clock.frozen_at(dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC)):
        submit()
    signed_in(Role.AUDITOR, username="auditor")

    staff_only = actions(client.get(TRAIL, {"action": "sori.staff.sign"}).content.decode())
    assert staff_only == {
        "sori.staff.signed_in",
        "sori.staff.sign_in_failed",
        "sori.staff.signed_out",
    }

    by_actor = actions(client.get(TRAIL, {"actor": handler.audit_id}).content.decode())
    # The failed attempt is not hers: nobody was proven to be at the keyboard.
    assert by_actor == {"sori.staff.signed_in", "sori.staff.signed_out"}
    assert actions(client.get(TRAIL, {"actor": "minji"}).content.decode()) == by_actor

    first_days = actions(
        client.get(TRAIL, {"since": "2026-03-01", "until": "2026-03-02"}).content.decode()
    )
    assert "sori.staff.signed_in" in first_days
    assert not any(action.startswith("sori.complaint.") for action in first_days)
    later = actions(
        client.get(TRAIL, {"since": "2026-03-05", "until": "2026-03-05"}).content.decode()
    )
    assert "sori.complaint.received" in later and "sori.staff.sign_in_failed" not in later


def test_a_bad_date_range_is_explained_and_kept(client, signed_in):
    signed_in(Role.AUDITOR)
    client.cookies["django_language"] = "en"
    answer = client.get(TRAIL, {"since": "2026-03-05", "until": "2026-03-01", "actor": "minji"})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "The end date is before the start date." in html
    assert 'value="minji"' in html and 'value="2026-03-05"' in html


def test_verifying_an_intact_trail_says_so(client, signed_in, submit):
    submit()
    signed_in(Role.AUDITOR)
    client.cookies["django_language"] = "en"
    before = AuditEntry.objects.count()
    answer = client.post(VERIFY)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Intact" in html and "Broken" not in html
    assert AuditEntry.objects.count() == before  # the check writes nothing


def test_verifying_a_tampered_trail_names_the_first_broken_entry(client, signed_in, submit):
    submit()
    signed_in(Role.AUDITOR)
    client.cookies["django_language"] = "en"
    with bypassing_triggers() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor_label = %s WHERE seq = %s",
            ["someone else", 2],
        )
    html = client.post(VERIFY).content.decode()
    assert "The chain breaks first at entry #2." in html
    assert "Entry #2 was changed after it was written." in html


def test_verifying_with_htmx_returns_only_the_result(client, signed_in):
    signed_in(Role.AUDITOR)
    answer = client.post(VERIFY, headers={"HX-Request": "true"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<html" not in html and 'class="result intact"' in html


def test_an_auditor_sees_who_read_which_complainants_details(client, make_staff, signed_in, submit):
    first, second = submit(), submit("두 번째 불만입니다.")
    handler = make_staff(Role.HANDLER, username="minji")
    other = make_staff(Role.INVESTIGATOR, username="jun")
    complaint_detail(viewer=handler, reference=first.reference)
    complaint_detail(viewer=other, reference=second.reference)
    signed_in(Role.AUDITOR, username="auditor")
    client.cookies["django_language"] = "en"

    everything = client.get(PERSONAL).content.decode()
    assert first.reference in everything and second.reference in everything
    assert "minji" in everything and "jun" in everything
    assert "Complaint handler" in everything  # the role she read it in
    assert "sori.staff.signed_in" not in everything  # only readings of personal data

    hers = client.get(PERSONAL, {"staff": "minji"}).content.decode()
    assert first.reference in hers and second.reference not in hers
    one = client.get(PERSONAL, {"complaint": second.reference.lower()}).content.decode()
    assert second.reference in one and first.reference not in one


def test_the_menu_offers_the_oversight_pages_only_to_those_who_may_open_them(client, signed_in):
    signed_in(Role.HANDLER)
    client.cookies["django_language"] = "en"
    handler_page = client.get("/staff/queue/").content.decode()
    assert 'href="/staff/audit/"' not in handler_page
    assert 'href="/staff/admin/"' not in handler_page
    client.post("/staff/logout/")
    signed_in(Role.AUDITOR)
    auditor_page = client.get("/staff/queue/").content.decode()
    assert 'href="/staff/audit/"' in auditor_page
    assert 'href="/staff/audit/personal-data/"' in auditor_page
    assert 'href="/staff/admin/"' in auditor_page
    trail = client.get(TRAIL).content.decode()
    assert 'href="/staff/audit/" aria-current="page"' in trail
