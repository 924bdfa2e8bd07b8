"""The workspace page: header, timeline, contact details by role, actions by role and status."""

from __future__ import annotations

import re

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.services.transitions import EventData, transition_complaint
from tests.backoffice.workspace.conftest import url

pytestmark = pytest.mark.django_db


def actions(html: str) -> set[str]:
    """The workflow steps offered in the actions panel (forms and links, not blocked ones)."""
    panel = html.split('id="ws-actions"', 1)[1].split("</section>", 1)[0]
    return set(re.findall(r'ws-action ws-action-(?:form|link|assess)" data-event="(\w+)"', panel))


def blocked(html: str) -> set[str]:
    panel = html.split('id="ws-actions"', 1)[1].split("</section>", 1)[0]
    return set(re.findall(r'ws-action ws-action-blocked" data-event="(\w+)"', panel))


def test_the_header_shows_reference_status_priority_due_channel_and_received(staff_client, submit):
    receipt = submit(subject="택배 지연")
    client, _handler = staff_client(Role.HANDLER)
    page = client.get(url(receipt.reference))
    html = page.content.decode()
    assert page.status_code == 200
    assert receipt.reference in html and "택배 지연" in html
    header = html.split('id="ws-header"', 1)[1].split("</header>", 1)[0]
    assert "badge status-acknowledged" in header
    assert "badge priority-normal" in header
    for label in ("Due", "Handler", "Unit", "Channel", "Received"):
        assert f"<dt>{label}</dt>" in header
    assert "Web form" in header
    assert "Overdue" not in header


def test_an_overdue_complaint_says_so_in_words_and_with_a_badge(staff_client, submit):
    from sori.complaints.models import Complaint
    from sori.core import clock

    receipt = submit()
    Complaint.objects.filter(reference=receipt.reference).update(
        due_at=clock.now().replace(year=2020)
    )
    client, _handler = staff_client(Role.HANDLER)
    header = client.get(url(receipt.reference)).content.decode().split('id="ws-header"')[1]
    assert '<span class="badge overdue">Overdue</span>' in header.split("</header>")[0]


def test_the_timeline_keeps_public_and_internal_lines_visibly_apart(staff_client, submit, handler):
    from sori.complaints.services.investigation import add_note

    receipt = submit()
    transition_complaint(actor=handler, reference=receipt.reference, event="assess",
                         data=EventData(severity="low", safety_risk=False, complexity="low",
                                        impact="low", immediate_action_needed=False))  # fmt: skip
    transition_complaint(actor=handler, reference=receipt.reference, event="start_investigation")
    add_note(actor=handler, reference=receipt.reference, text="내부 메모: 창고 확인 필요")
    client, _ = staff_client(Role.HANDLER)
    html = client.get(url(receipt.reference)).content.decode()
    timeline = html.split('id="ws-timeline"', 1)[1].split("</section>", 1)[0]
    public = re.findall(r'<li class="public">(.*?)</li>', timeline, re.S)
    internal = re.findall(r'<li class="internal">(.*?)</li>', timeline, re.S)
    assert public and internal
    assert all('<span class="label">Public</span>' in item for item in public)
    assert all('<span class="label">Internal</span>' in item for item in internal)
    assert any("내부 메모: 창고 확인 필요" in item for item in internal)
    assert not any("내부 메모" in item for item in public)
    # The assessment is internal, the start of the investigation public.
    assert any("Record the initial assessment" in item for item in internal)
    assert any("Start the investigation" in item for item in public)


def test_contact_details_are_shown_to_handlers_and_logged(staff_client, submit):
    receipt = submit()
    client, handler = staff_client(Role.HANDLER)
    html = client.get(url(receipt.reference)).content.decode()
    contact = html.split('id="ws-contact"', 1)[1].split("</section>", 1)[0]
    assert "김민지" in contact and "minji@example.kr" in contact
    assert AuditEntry.objects.filter(
        action="sori.personal_data.viewed", object_id=receipt.reference, actor=handler.audit_id
    ).exists()


def test_an_approver_sees_a_note_instead_of_contact_details_and_nothing_is_logged(
    staff_client, submit
):
    receipt = submit()
    client, approver = staff_client(Role.APPROVER)
    html = client.get(url(receipt.reference)).content.decode()
    contact = html.split('id="ws-contact"', 1)[1].split("</section>", 1)[0]
    assert "김민지" not in html and "minji@example.kr" not in html
    assert "does not show the complainant's contact details" in contact
    assert not AuditEntry.objects.filter(
        action="sori.personal_data.viewed", actor=approver.audit_id
    ).exists()


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.HANDLER, {"assess", "withdraw", "merge"}),
        (Role.COMPLAINTS_MANAGER, {"assess", "withdraw", "merge"}),
        (Role.INVESTIGATOR, set()),
        (Role.APPROVER, set()),
        (Role.AUDITOR, set()),
        (Role.TOP_MANAGEMENT, set()),
    ],
)
def test_the_actions_panel_lists_only_what_the_role_may_do_now(staff_client, submit, role, offered):
    receipt = submit()
    client, _viewer = staff_client(role)
    html = client.get(url(receipt.reference)).content.decode()
    assert actions(html) == offered
    if role in (Role.HANDLER, Role.COMPLAINTS_MANAGER):
        assert '<form method="post" action="/staff/complaints/' in html  # the assessment form
        assert 'id="id_assess_severity"' in html
    else:
        assert 'id="id_assess_severity"' not in html


def test_after_the_assessment_an_investigator_may_start_the_investigation(
    staff_client, submit, handler
):
    receipt = submit()
    transition_complaint(actor=handler, reference=receipt.reference, event="assess",
                         data=EventData(severity="low", safety_risk=False, complexity="low",
                                        impact="low", immediate_action_needed=False))  # fmt: skip
    client, _ = staff_client(Role.INVESTIGATOR)
    html = client.get(url(receipt.reference)).content.decode()
    assert actions(html) == {"start_investigation", "request_information"}
    handler_client, _ = staff_client(Role.HANDLER)
    assert actions(handler_client.get(url(receipt.reference)).content.decode()) == {
        "start_investigation",
        "request_information",
        "reassess",
        "withdraw",
        "merge",
    }


def test_a_blocked_step_says_why(staff_client, submit, handler):
    receipt = submit()
    reference = receipt.reference
    transition_complaint(actor=handler, reference=reference, event="assess",
                         data=EventData(severity="low", safety_risk=False, complexity="low",
                                        impact="low", immediate_action_needed=False))  # fmt: skip
    transition_complaint(actor=handler, reference=reference, event="start_investigation")
    transition_complaint(actor=handler, reference=reference, event="propose_response",
                         data=EventData(outcome="upheld", remedy_type="refund",
                                        remedy_amount="900000", reasons="확인됨"))  # fmt: skip
    client, _ = staff_client(Role.HANDLER)
    html = client.get(url(reference)).content.decode()
    assert "communicate_decision" in blocked(html)
    assert "an approver must approve it first" in html


def test_a_handler_out_of_scope_gets_404_like_an_unknown_reference(staff_client, submit, unit):
    receipt = submit()  # no category: the intake pool, no unit
    client, _ = staff_client(Role.HANDLER, unit=unit("billing"))
    assert client.get(url(receipt.reference)).status_code == 404
    assert client.get(url("C-2026-999999")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, submit):
    receipt = submit()
    answer = client.get(url(receipt.reference))
    assert answer.status_code == 302 and answer["Location"].startswith("/staff/login/")
