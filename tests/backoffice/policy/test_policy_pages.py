"""The policy pages of the back office (ISO 10002 5.1, 5.2): versions, approval by top
management, publication, acknowledgement and the prompt to staff who have not acknowledged."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sori.accounts.models import Role
from sori.core import clock
from sori.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from sori.governance.policy import today
from sori.governance.services.policy import approve_policy_version
from tests.integration.governance.policy.support import TEXT, drafted, published

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
NOTICE = "read and acknowledge it"
DRAFT_FORM = {
    "title_ko": TEXT.title_ko,
    "title_en": TEXT.title_en,
    "body_ko": TEXT.body_ko,
    "body_en": TEXT.body_en,
    "change_summary": "First version.",
}


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen_at(NOW):
        yield


def test_a_manager_drafts_edits_and_top_management_approves_and_publishes(staff_client):
    manager_client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    top_client, top = staff_client(Role.TOP_MANAGEMENT)
    response = manager_client.post("/staff/policy/new/")
    assert response.status_code == 302 and response["Location"] == "/staff/policy/1/"
    assert manager_client.post("/staff/policy/1/edit/", DRAFT_FORM).status_code == 302
    page = manager_client.get("/staff/policy/1/").content.decode()
    assert "Edit the draft" in page and "Approve this version" not in page
    page = top_client.get("/staff/policy/1/").content.decode()
    assert "Approve this version" in page
    response = top_client.post("/staff/policy/1/approve/", {"note": "Board, 9 March"})
    assert response.status_code == 302
    response = manager_client.post("/staff/policy/1/publish/", {"effective_from": "2026-03-10"})
    assert response.status_code == 302
    version = PolicyVersion.objects.get(number=1)
    assert version.status == PolicyStatus.PUBLISHED
    assert (version.approved_by_id, version.approval_note) == (top.user_id, "Board, 9 March")
    page = manager_client.get("/staff/policy/").content.decode()
    assert "Version 1, in force since 2026-03-10" in page
    assert TEXT.body_en.split("\n")[0] in page and TEXT.title_ko in page


def test_publishing_an_unapproved_version_is_refused_with_a_clear_message(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    drafted(manager)
    # The publish form is not shown for a draft: this is a forged or stale POST.
    response = client.post("/staff/policy/1/publish/", {"effective_from": "2026-03-10"})
    assert response.status_code == 409
    assert "has not been approved by top management" in response.content.decode()
    assert PolicyVersion.objects.get(number=1).status == PolicyStatus.DRAFT


def test_a_complaints_managers_approval_is_refused(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    drafted(manager)
    assert client.post("/staff/policy/1/approve/", {"note": ""}).status_code == 403
    assert PolicyVersion.objects.get(number=1).approved_by_id is None


def test_an_incomplete_draft_is_refused_on_the_approval_form(staff_client):
    _client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    client, _top = staff_client(Role.TOP_MANAGEMENT)
    client.post("/staff/policy/new/")
    response = client.post("/staff/policy/1/approve/", {"note": "typed note"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "complete the title and the text in both languages" in page
    assert "typed note" in page


def test_a_bad_effective_date_keeps_what_was_typed(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    _top_client, top = staff_client(Role.TOP_MANAGEMENT)
    version = drafted(manager)
    approve_policy_version(actor=top, number=version.number)
    response = client.post("/staff/policy/1/publish/", {"effective_from": "2026-03-01"})
    assert response.status_code == 422
    assert "cannot be in the past" in response.content.decode()
    assert 'value="2026-03-01"' in response.content.decode()
    response = client.post("/staff/policy/1/publish/", {"effective_from": "soon"})
    assert response.status_code == 400


def test_editing_a_version_that_is_no_longer_a_draft_is_refused(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    _top_client, top = staff_client(Role.TOP_MANAGEMENT)
    published(manager, top, today())
    response = client.post("/staff/policy/1/edit/", {**DRAFT_FORM, "body_en": "Changed"})
    assert response.status_code == 409
    assert "no longer a draft" in response.content.decode()
    assert PolicyVersion.objects.get(number=1).body_en == TEXT.body_en


def test_a_missing_version_is_a_clear_404(staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER)
    response = client.get("/staff/policy/99/")
    assert response.status_code == 404
    assert "There is no version 99" in response.content.decode()
    assert client.post("/staff/policy/99/edit/", DRAFT_FORM).status_code == 404


def test_the_notice_appears_until_the_person_acknowledges(staff_client):
    _m, manager = staff_client(Role.COMPLAINTS_MANAGER)
    _t, top = staff_client(Role.TOP_MANAGEMENT)
    client, handler = staff_client(Role.HANDLER)
    assert NOTICE not in client.get("/staff/queue/").content.decode()
    published(manager, top, today())
    page = client.get("/staff/queue/").content.decode()
    assert "The complaints-handling policy version 1 is in force: read and acknowledge it" in page
    response = client.post("/staff/policy/acknowledge/", {"number": "1"})
    assert response.status_code == 302
    assert PolicyAcknowledgement.objects.filter(user_id=handler.user_id).exists()
    assert NOTICE not in client.get("/staff/queue/").content.decode()
    page = client.get("/staff/policy/").content.decode()
    assert "You acknowledged this version on" in page
    # Twice is harmless.
    assert client.post("/staff/policy/acknowledge/", {"number": "1"}).status_code == 302
    assert PolicyAcknowledgement.objects.filter(user_id=handler.user_id).count() == 1


def test_a_stale_acknowledgement_is_refused_with_a_message(staff_client):
    _m, manager = staff_client(Role.COMPLAINTS_MANAGER)
    _t, top = staff_client(Role.TOP_MANAGEMENT)
    client, _handler = staff_client(Role.HANDLER)
    published(manager, top, today())
    response = client.post("/staff/policy/acknowledge/", {"number": "7"}, follow=True)
    assert "Version 1 is the one in force now" in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_overseers_see_the_share_and_who_has_not_acknowledged(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, username="mgr")
    _t, top = staff_client(Role.TOP_MANAGEMENT, username="boss")
    handler_client, _h = staff_client(Role.HANDLER, username="hana")
    _i, _inv = staff_client(Role.INVESTIGATOR, username="ivan")
    published(manager, top, today())
    for person in (client, _t, handler_client):
        person.post("/staff/policy/acknowledge/", {"number": "1"})
    page = client.get("/staff/policy/").content.decode()
    assert "3 of 4 active staff members acknowledged it (75.0%)" in page
    pending = page.split("Not yet acknowledged")[1].split("</ul>")[0]
    assert "ivan" in pending and "hana" not in pending
    # A handler sees the policy but not who acknowledged it.
    handler_page = handler_client.get("/staff/policy/").content.decode()
    assert "Not yet acknowledged" not in handler_page and TEXT.title_en in handler_page


AUDITOR_POSTS = [
    ("/staff/policy/new/", {}),
    ("/staff/policy/acknowledge/", {"number": "1"}),
    ("/staff/policy/1/edit/", DRAFT_FORM),
    ("/staff/policy/1/approve/", {"note": ""}),
    ("/staff/policy/1/publish/", {"effective_from": "2026-03-10"}),
    ("/staff/policy/1/withdraw/", {"note": ""}),
    ("/staff/policy/2/edit/", DRAFT_FORM),
    ("/staff/policy/2/approve/", {"note": ""}),
    ("/staff/policy/2/withdraw/", {"note": ""}),
]


def test_the_auditor_reads_every_policy_page_and_every_post_is_refused(staff_client):
    _m, manager = staff_client(Role.COMPLAINTS_MANAGER)
    _t, top = staff_client(Role.TOP_MANAGEMENT)
    published(manager, top, today())
    drafted(manager)
    client, _auditor = staff_client(Role.AUDITOR)
    for path in ("/staff/policy/", "/staff/policy/1/", "/staff/policy/2/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert NOTICE not in response.content.decode()
    page = client.get("/staff/policy/1/").content.decode()
    assert "Approved by top management" in page and "Acknowledgements of version 1" in page
    assert "<form" not in page.split('<main id="main"')[1]
    for path, data in AUDITOR_POSTS:
        assert client.post(path, data).status_code == 403, path
    assert PolicyVersion.objects.get(number=2).status == PolicyStatus.DRAFT
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.HANDLER, Role.INVESTIGATOR, Role.APPROVER, Role.ADMINISTRATOR]
)
def test_other_staff_read_the_policy_but_do_not_draft_it(staff_client, role):
    client, _ = staff_client(role)
    assert client.get("/staff/policy/").status_code == 200
    assert client.get("/staff/policy/new/").status_code == 403
    assert client.post("/staff/policy/new/").status_code == 403
    assert not PolicyVersion.objects.exists()


def test_a_second_draft_while_one_is_open_is_refused_with_a_message(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    drafted(manager)
    response = client.post("/staff/policy/new/", follow=True)
    assert "Version 1 is still open" in response.content.decode()
    assert PolicyVersion.objects.count() == 1


def test_the_pages_render_in_korean(staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="ko")
    _t, top = staff_client(Role.TOP_MANAGEMENT)
    published(manager, top, today())
    drafted(manager)
    for path in ("/staff/policy/", "/staff/policy/1/", "/staff/policy/2/", "/staff/policy/new/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="ko">' in response.content.decode()
