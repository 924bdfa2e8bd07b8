"""htmx answers with the changed panel (and the header, actions and timeline out of band); a
handler outside the complaint's scope gets 404 from the page and from every form (ISO 10002 4.10)."""

from __future__ import annotations

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Complaint, ComplaintEvent
from sori.complaints.services.escalation import assess_complaint
from sori.complaints.services.investigation import add_task
from sori.complaints.services.transitions import transition_complaint
from tests.backoffice.workspace.conftest import htmx, url, version
from tests.integration.casework.conftest import assessment

pytestmark = pytest.mark.django_db


def investigating(submit, handler) -> str:
    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    transition_complaint(actor=handler, reference=receipt.reference, event="start_investigation")
    return receipt.reference


def test_a_note_with_htmx_swaps_the_panel_and_refreshes_timeline_header_and_actions(
    staff_client, submit, handler
):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.HANDLER)
    answer = htmx(client, url(reference, "notes/"), {"text": "htmx 메모"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.startswith('<section id="ws-notes"')
    assert (
        '<section id="ws-timeline" class="panel" aria-labelledby="ws-timeline-title" hx-swap-oob="true">'
        in html
    )
    assert '<header id="ws-header" class="ws-header" hx-swap-oob="true">' in html
    assert 'id="ws-actions"' in html and 'id="ws-status" role="status"' in html
    assert "htmx 메모" in html.split('id="ws-timeline"')[1]  # the new line is in the timeline
    # The new version is in the refreshed action forms, so the next step is not "stale".
    assert f'name="expected_version" value="{version(reference)}"' in html
    # No personal data is read again for a panel: the contact panel is not part of it.
    assert "김민지" not in html


def test_a_bad_form_with_htmx_comes_back_in_its_panel(staff_client, submit, handler):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.HANDLER)
    answer = htmx(client, url(reference, "tasks/"), {"title": "확인", "owner": ""})
    html = answer.content.decode()
    assert answer.status_code == 200  # htmx swaps only successful answers
    assert html.startswith('<section id="ws-tasks"') and 'id="task-errors"' in html
    assert 'value="확인"' in html


def test_a_step_with_htmx_reloads_the_whole_page(staff_client, submit, handler):
    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    client, _ = staff_client(Role.HANDLER)
    answer = htmx(client, url(receipt.reference, "event/"), {
        "event": "start_investigation", "note": "", "expected_version": version(receipt.reference)})  # fmt: skip
    assert answer.status_code == 204
    assert answer["HX-Redirect"] == url(receipt.reference)
    assert Complaint.objects.get(reference=receipt.reference).status == "investigating"
    assert "Done: start the investigation." in client.get(url(receipt.reference)).content.decode()


def test_a_stale_step_with_htmx_shows_the_message_in_the_actions_panel(
    staff_client, submit, handler
):
    receipt = submit()
    assess_complaint(actor=handler, reference=receipt.reference, data=assessment())
    client, _ = staff_client(Role.HANDLER)
    answer = htmx(client, url(receipt.reference, "event/"), {
        "event": "withdraw", "note": "본인 요청", "expected_version": 1})  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section id="ws-actions"')
    assert "Someone else changed this complaint" in html and "본인 요청" in html
    assert Complaint.objects.get(reference=receipt.reference).status == "assessed"


def posts(reference: str, task_id: int) -> dict[str, dict[str, object]]:
    return {
        "event/": {"event": "withdraw", "note": "x", "expected_version": 99},
        "assessment/": {"severity": "low"},
        "assignment/": {"assignee": ""},
        "named-staff/": {},
        "conflicts/": {"staff": 1, "reason": "x"},
        "notes/": {"text": "x"},
        "tasks/": {"title": "x"},
        f"tasks/{task_id}/done/": {"outcome": "x"},
        "contacts/": {"party": "x"},
        "findings/": {"findings": "x"},
        "evidence/": {},
        "related/": {"other": reference},
        f"related/{reference}/remove/": {},
    }


def test_a_handler_out_of_scope_gets_404_from_the_page_and_every_form(
    staff_client, submit, handler, unit
):
    reference = investigating(submit, handler)
    task = add_task(actor=handler, reference=reference, title="t", owner_id=handler.user_id)
    events_before = ComplaintEvent.objects.count()
    version_before = version(reference)
    client, _ = staff_client(Role.HANDLER, unit=unit("billing"))
    assert client.get(url(reference)).status_code == 404
    assert client.get(url(reference) + "?show=history").status_code == 404
    for part, data in posts(reference, task.pk).items():
        assert client.post(url(reference, part), data).status_code == 404, part
        assert htmx(client, url(reference, part), data).status_code == 404, part
    attachment = client.get(url(reference, "files/1/"))
    assert attachment.status_code == 404
    assert ComplaintEvent.objects.count() == events_before
    assert version(reference) == version_before


def test_an_auditor_reads_the_workspace_and_is_offered_nothing_to_change(
    staff_client, submit, handler
):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.AUDITOR)
    html = client.get(url(reference)).content.decode()
    assert "There is nothing you can do on this complaint at this stage." in html
    assert 'method="post" action="/staff/complaints/' not in html
    # Refused for the role before anything posted is read, even an empty or broken form.
    for part in ("notes/", "tasks/", "contacts/", "findings/", "evidence/", "related/",
                 "assignment/", "named-staff/", "conflicts/", "assessment/", "event/"):  # fmt: skip
        refused = client.post(url(reference, part), {"text": "감사인 메모", "event": "withdraw"})
        assert refused.status_code == 403, part
        assert "Your role does not allow this on this complaint." in refused.content.decode()
    assert not ComplaintEvent.objects.filter(kind="note").exists()


def test_a_refused_step_with_htmx_is_explained_in_the_status_region(staff_client, submit, handler):
    reference = investigating(submit, handler)
    client, _ = staff_client(Role.INVESTIGATOR)
    answer = htmx(
        client,
        url(reference, "event/"),
        {"event": "withdraw", "note": "", "expected_version": version(reference)},
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section id="ws-actions"')
    status = html.split('id="ws-status"', 1)[1]
    assert '<p class="message error">Your role does not allow this on this complaint.</p>' in status
    assert Complaint.objects.get(reference=reference).status == "investigating"
