"""The recurring-issue pages (ISO 10002 8.2, 8.7) through the web with the real services.

Readers see the groups by kind with their members linked to the complaints; a complaints manager
opens an improvement action for a group in one step (its complaints linked), dismisses a group
with a reason, or scans now; a refused decision comes back with the message and what was typed;
an auditor reads but cannot decide; a handler cannot open the page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sori.accounts.models import Role
from sori.analytics.models import GroupKind, RecurringGroup
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.governance.models import ActionSource, ImprovementAction

from .seed import NOW, needs_data, seed_near_duplicates

pytestmark = pytest.mark.django_db

LIST = "/staff/analytics/recurring/"


def group_url(group: RecurringGroup, part: str = "") -> str:
    return f"{LIST}{group.pk}/{part}"


@pytest.fixture(autouse=True)
def at_now():
    with clock.frozen_at(NOW):
        yield


def test_the_page_lists_a_rising_category_with_its_complaints_in_korean(staff_client, rising):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER, language="ko")

    page = client.get(LIST)

    assert page.status_code == 200
    html = page.content.decode()
    # The page is in Korean, with the category's Korean label (the lead's catalogue run
    # translates the page's own sentences).
    assert '<html lang="ko">' in html and "“요금”" in html
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)
    assert f'href="{group_url(group)}"' in html
    # The first ten members are on the list, each linked to its complaint; the rest on the group.
    linked = re.findall(r'href="/staff/complaints/(C-[\d-]+)/"', html)
    assert len(linked) == 10 and set(linked) <= set(rising)
    assert f'href="{group_url(group)}"' in html


def test_the_group_page_lists_every_member_in_english(staff_client, rising):
    client, _ = staff_client(Role.TOP_MANAGEMENT, language="en")
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)

    page = client.get(group_url(group))

    html = page.content.decode()
    assert page.status_code == 200
    assert "“Billing” is rising: 2.0 complaints expected in 30 days" in html
    assert set(re.findall(r'href="/staff/complaints/(C-[\d-]+)/"', html)) == set(rising)
    assert "Open improvement action" in html and "Dismiss" in html


@needs_data
def test_opening_an_improvement_action_from_the_page_links_the_groups_complaints(staff_client):
    seeded = seed_near_duplicates()
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    client.post(f"{LIST}scan/")
    group = RecurringGroup.objects.get(complaints__reference=seeded["korean"][0])
    listing = client.get(LIST).content.decode()
    # The action form is on the list itself, its title filled in from the group.
    assert f'id="id_action_{group.pk}_title"' in listing

    response = client.post(
        group_url(group, "action/"),
        {
            "title": "흡연카드 청원 반복 대응",
            "description": "관련 부서와 협의",
            "owner": manager.user_id,
            "due_on": "2026-05-31",
        },
    )

    assert response.status_code == 302 and response["Location"] == group_url(group)
    group.refresh_from_db()
    action = ImprovementAction.objects.get()
    assert group.improvement_action == action
    assert action.source == ActionSource.SIMILAR_COMPLAINTS
    assert set(action.complaints.values_list("reference", flat=True)) == set(seeded["korean"])
    assert action.owner_id == manager.user_id and action.due_on == dt.date(2026, 5, 31)
    shown = client.get(group_url(group)).content.decode()
    assert action.reference in shown
    assert 'id="id_action_' not in shown  # no second action for the same group


def test_a_refused_action_comes_back_with_the_message_and_what_was_typed(staff_client, rising):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)

    past = client.post(group_url(group, "action/"),
                       {"title": "요금 이중 청구 조사", "owner": manager.user_id,
                        "due_on": "2026-01-02"})  # fmt: skip
    blank = client.post(group_url(group, "action/"), {"title": "", "due_on": "2026-05-01"})

    assert past.status_code == 422
    html = past.content.decode()
    assert "The due date is in the past." in html
    assert 'value="요금 이중 청구 조사"' in html and 'value="2026-01-02"' in html
    assert blank.status_code == 400
    assert "Give the action a title." in blank.content.decode()
    assert 'value="2026-05-01"' in blank.content.decode()
    assert ImprovementAction.objects.count() == 0


def test_dismissing_from_the_page_needs_a_reason_and_is_kept(staff_client, rising):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)

    blank = client.post(group_url(group, "dismiss/"), {"note": ""})
    done = client.post(group_url(group, "dismiss/"), {"note": "요금제 개편 안내 기간"})

    assert blank.status_code == 400
    assert "Say why the group needs no action" in blank.content.decode()
    assert done.status_code == 302
    group.refresh_from_db()
    assert group.dismissal_note == "요금제 개편 안내 기간"
    assert "No group matches." in client.get(LIST).content.decode()
    dismissed = client.get(f"{LIST}?state=dismissed").content.decode()
    assert "요금제 개편 안내 기간" in dismissed


def test_scan_now_runs_the_scan_in_the_background_and_the_page_shows_it(staff_client, rising):
    client, manager = staff_client(Role.TOP_MANAGEMENT, username="park", language="en")

    response = client.post(f"{LIST}scan/", follow=True)

    # The tests run background tasks at once; the worker runs them in production.
    assert response.redirect_chain == [(LIST, 302)]
    html = response.content.decode()
    assert "The scan has started in the background." in html
    assert "by park: 1 group found." in html
    entry = AuditEntry.objects.filter(action="sori.analytics.recurring_scanned").last()
    assert entry.actor == f"staff:{manager.user_id}"


def test_the_tabs_show_one_kind_at_a_time(staff_client, rising):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")

    rising_tab = client.get(f"{LIST}?kind=rising&state=open").content.decode()
    similar_tab = client.get(f"{LIST}?kind=similar&state=open").content.decode()

    assert "is rising" in rising_tab
    assert "is rising" not in similar_tab and "No group matches." in similar_tab


def test_an_auditor_reads_the_groups_but_cannot_decide(staff_client, rising):
    client, _ = staff_client(Role.AUDITOR, language="en")
    group = RecurringGroup.objects.get(kind=GroupKind.RISING)

    page = client.get(group_url(group))

    assert page.status_code == 200
    assert "Dismiss the group" not in page.content.decode()
    assert "Scan now" not in client.get(LIST).content.decode()
    assert client.post(group_url(group, "action/"), {"title": "x"}).status_code == 403
    assert client.post(group_url(group, "dismiss/"), {"note": "x"}).status_code == 403
    assert client.post(f"{LIST}scan/").status_code == 403


@pytest.mark.parametrize("role", [Role.HANDLER, Role.INVESTIGATOR, Role.APPROVER])
def test_roles_outside_the_analysis_cannot_open_the_page(staff_client, role):
    client, _ = staff_client(role)

    assert client.get(LIST).status_code == 403


def test_a_group_that_does_not_exist_is_a_404(staff_client, db):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")

    response = client.get(f"{LIST}999999/")

    assert response.status_code == 404
    assert "There is no such group of complaints." in response.content.decode()
