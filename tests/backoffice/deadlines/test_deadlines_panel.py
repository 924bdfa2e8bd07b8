"""The workspace's deadlines panel and the one extension per stage (ISO 10002 4.15, 7.3).

Through the web with the real services: the panel lists each stage clock in the organisation's
time zone; a handler extends a deadline once, with a working day and a reason, and the
complainant is told; a refused extension comes back with the message and what was typed; a role
that may not assign sees no form and a forged post is refused.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint
from sori.complaints.services.transitions import transition_complaint
from sori.core import clock
from sori.messaging.models import Audience, OutboundMessage
from sori.sla.models import Stage, Timer, TimerState
from sori.sla.services.extension import extend_deadline
from tests.backoffice.workspace.conftest import htmx, url

from .conftest import seoul

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

EXTEND = "deadlines/extend/"
REASON = "현장 조사 결과를 기다리고 있습니다."


def _decision(reference: str) -> Timer:
    return Timer.objects.get(complaint__reference=reference, stage=Stage.DECISION, round=0)


def _panel(html: str) -> str:
    return html.split('<section id="ws-deadlines"', 1)[1].split("</section>", 1)[0]


def _row(panel: str, stage: str) -> str:
    return panel.split(f'data-stage="{stage}"', 1)[1].split('<li class="deadline ', 1)[0]


def _textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert found is not None, f"no textarea {name}"
    return found.group(1).strip()


def test_the_panel_lists_each_stage_clock_in_seoul_time_in_english(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    panel = _panel(client.get(url(assessed)).content.decode())
    assert "Deadlines" in panel
    decision = _row(panel, "decision")
    # 5 business days after Monday 9 March: Monday 16 March at 18:00 in Seoul (09:00 UTC).
    assert "Decision" in decision and "2026-03-16 18:00" in decision
    assert 'data-state="running"' in decision and "Running" in decision
    assert "기본 test policy" in decision and "기본 source: house rules, section 4" in decision
    # The acknowledgement was met at receipt; the stage and its state are written out.
    acknowledge = _row(panel, "acknowledge")
    assert "Acknowledgement" in acknowledge and "Met" in acknowledge
    # A handler may extend the live decision stage; first contact allows no extension.
    assert "Extend the deadline: decision" in decision and 'type="date"' in decision
    assert "Extend the deadline" not in _row(panel, "first_contact")


def test_the_panel_speaks_korean_to_a_korean_reader(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="ko")
    panel = _panel(client.get(url(assessed)).content.decode())
    with translation.override("ko"):
        heading = translation.gettext("Deadlines")
        stage = str(Stage.DECISION.label)
    assert f'<h2 id="ws-deadlines-title">{heading}</h2>' in panel
    decision = _row(panel, "decision")
    assert stage.capitalize() in decision or stage in decision
    # The policy's Korean name, and labels the catalogue already translates.
    assert "기본 시험 정책" in decision and "처리 기한" in decision
    assert "2026-03-16 18:00" in decision


def test_an_overdue_stage_is_marked_in_words_not_by_colour_alone(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    with clock.frozen_at(seoul(2026, 3, 17, 9, 0)):
        panel = _panel(client.get(url(assessed)).content.decode())
    decision = _row(panel, "decision")
    assert 'data-state="overdue"' in decision
    assert re.search(
        r'class="badge deadline-state state-overdue overdue">.*Overdue</span>', decision
    )


def test_a_handler_extends_the_decision_deadline_and_the_complainant_is_told(
    assessed, staff_client
):
    client, handler = staff_client(Role.HANDLER, language="en")
    answer = client.post(
        url(assessed, EXTEND),
        {"stage": "decision", "new_date": "2026-03-20", "reason": REASON},
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"{url(assessed)}#ws-deadlines"
    html = client.get(answer["Location"]).content.decode()
    assert "The deadline is extended; the complainant is told the new date and the reason." in html

    # The close of business on the new date, in the calendar's time zone.
    timer = _decision(assessed)
    assert timer.due_at == seoul(2026, 3, 20, 18, 0)
    assert timer.original_due_at == seoul(2026, 3, 16, 18, 0)
    assert timer.extension_reason == REASON and timer.extended_by_id == handler.user_id
    decision = _row(_panel(html), "decision")
    assert "2026-03-20 18:00" in decision and "originally" in decision and REASON in decision
    # One extension only: the form is gone.
    assert "Extend the deadline" not in decision

    told = OutboundMessage.objects.get(template="deadline_extended")
    assert told.audience == Audience.COMPLAINANT and told.recipient == "minji@example.kr"
    assert REASON in told.body
    assert AuditEntry.objects.filter(
        action="sori.sla.extended", actor=handler.audit_id, object_id=assessed
    ).exists()


def test_an_extension_with_htmx_swaps_the_panel_and_refreshes_the_header(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = htmx(
        client,
        url(assessed, EXTEND),
        {"stage": "decision", "new_date": "2026-03-20", "reason": REASON},
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section id="ws-deadlines"')
    assert '<header id="ws-header" class="ws-header" hx-swap-oob="true">' in html
    assert "The deadline is extended" in html.split('id="ws-status"', 1)[1]
    assert "2026-03-20 18:00" in _panel(html)


def test_a_second_extension_is_refused_with_the_message_and_the_reason_kept(
    assessed, staff_client, handler
):
    extend_deadline(
        actor=handler, reference=assessed, stage="decision", new_date=seoul(2026, 3, 18).date(),
        reason="첫 연장",
    )  # fmt: skip
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = client.post(
        url(assessed, EXTEND),
        {"stage": "decision", "new_date": "2026-03-20", "reason": REASON},
    )
    html = answer.content.decode()
    assert answer.status_code == 422
    message = "This deadline has already been extended once; it cannot be extended again."
    row = _row(_panel(html), "decision")
    assert message in row and 'role="alert"' in row
    assert html.count(message) == 1  # on the form only, not repeated at the top of the page
    assert _textarea(row, "reason") == REASON and 'value="2026-03-20"' in row
    assert _decision(assessed).due_at == seoul(2026, 3, 18, 18, 0)
    assert OutboundMessage.objects.filter(template="deadline_extended").count() == 1

    # With htmx the refusal comes back in the panel, with the same text kept.
    again = htmx(
        client,
        url(assessed, EXTEND),
        {"stage": "decision", "new_date": "2026-03-20", "reason": REASON},
    )
    html = again.content.decode()
    assert again.status_code == 200 and html.startswith('<section id="ws-deadlines"')
    assert message in html and _textarea(html, "reason") == REASON


def test_a_new_date_that_is_not_a_working_day_is_refused(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = client.post(
        url(assessed, EXTEND),
        {"stage": "decision", "new_date": "2026-03-21", "reason": REASON},  # a Saturday
    )
    html = answer.content.decode()
    assert answer.status_code == 422
    row = _row(_panel(html), "decision")
    assert "2026-03-21 is not a working day; choose a working day." in row
    assert _textarea(row, "reason") == REASON
    assert _decision(assessed).extended_at is None
    assert not OutboundMessage.objects.filter(template="deadline_extended").exists()


def test_a_missing_reason_and_date_are_asked_for_on_the_form(assessed, staff_client):
    client, _ = staff_client(Role.HANDLER, language="en")
    answer = client.post(url(assessed, EXTEND), {"stage": "decision", "new_date": "", "reason": ""})
    row = _row(_panel(answer.content.decode()), "decision")
    assert answer.status_code == 400
    assert "Choose the new date." in row
    assert "Give the reason for the extension; the complainant is told it." in row


def test_an_investigator_sees_no_extension_form_and_a_forged_post_is_refused(
    assessed, staff_client, handler
):
    transition_complaint(actor=handler, reference=assessed, event="start_investigation")
    client, _ = staff_client(Role.INVESTIGATOR, language="en")
    page = client.get(url(assessed)).content.decode()
    panel = _panel(page)
    assert "2026-03-16 18:00" in panel  # the deadlines are shown
    assert "Extend the deadline" not in panel and EXTEND not in page

    forged = client.post(
        url(assessed, EXTEND), {"stage": "decision", "new_date": "2026-03-20", "reason": REASON}
    )
    assert forged.status_code == 403
    assert "Your role does not allow this on this complaint." in forged.content.decode()
    assert _decision(assessed).extended_at is None


def test_staff_outside_the_scope_get_404_from_the_extension(assessed, staff_client, unit):
    complaint = Complaint.objects.get(reference=assessed)
    complaint.unit = unit("claims")
    complaint.save(update_fields=["unit"])
    client, _ = staff_client(Role.HANDLER, unit=unit("sales"), language="en")
    forged = client.post(
        url(assessed, EXTEND), {"stage": "decision", "new_date": "2026-03-20", "reason": REASON}
    )
    assert forged.status_code == 404
    assert _decision(assessed).state == TimerState.RUNNING
    assert _decision(assessed).extended_at is None
