"""A handler takes a complaint from assessment to closure in Debian's Chromium (ISO 10002 7.5–7.9).

Signs in, opens the complaint from the queue, records the initial assessment, starts the
investigation, adds a note and a task, records the findings, proposes a response, communicates
the decision by letter, records the complainant's acceptance and closes it; axe-core finds no
WCAG 2.2 AA violation on the workspace along the way. htmx is on (the page's own script).
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, ComplaintEvent, InvestigationTask
from sori.core.models import Organisation
from tests.conftest import PASSWORD
from tests.e2e.browser import axe_violations, browser_page, needs_chromium

__all__ = ["browser_page"]

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(db) -> None:
    # Transactional tests flush the database between tests, seeded rows included: put back the
    # default priority matrix, root causes and letter templates the migration installs.
    migration = importlib.import_module(
        "sori.complaints.migrations.0004_default_matrix_causes_letters"
    )
    migration.add_defaults(apps, None)
    Organisation.objects.get_or_create(
        name_ko="소리 시험", defaults={"name_en": "Sori Test", "reaction_wait_days": 14}
    )


def assert_accessible(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], (where, violations)


def open_step(page, event: str):
    """The form of a workflow step in the actions panel, opened."""
    item = page.locator(f'#ws-actions li[data-event="{event}"]')
    item.locator("summary").click()
    return item


def test_a_handler_takes_a_complaint_from_assessment_to_closure(
    live_server, browser_page, seeded, make_staff, submit
):
    receipt = submit("주문한 의자가 파손된 채 도착했습니다.", subject="파손 배송")
    reference = receipt.reference
    make_staff(Role.HANDLER, username="handler")
    make_staff(Role.INVESTIGATOR, username="investigator")
    base = live_server.url
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # Sign in; the queue lists the complaint; open it from there.
    page.goto(f"{base}/staff/login/?next=/staff/queue/")
    page.fill("#id_username", "handler")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/staff/queue/")
    # The page for complaints received by phone or letter is one menu link away.
    page.click("nav.menu a[href='/staff/complaints/new/']")
    page.wait_for_url(f"{base}/staff/complaints/new/")
    assert_accessible(page, "intake form")
    page.goto(f"{base}/staff/queue/")
    page.click(f"a:text-is('{reference}')")
    page.wait_for_url(f"{base}/staff/complaints/{reference}/")
    assert page.locator("#ws-header .badge.status-acknowledged").count() == 1
    assert_accessible(page, "workspace, acknowledged")

    # The initial assessment (7.5); the step reloads the page with htmx.
    page.select_option("#id_assess_severity", "medium")
    page.check("#id_assess_safety_risk_1")  # no
    page.select_option("#id_assess_complexity", "low")
    page.select_option("#id_assess_impact", "high")
    page.check("#id_assess_immediate_action_needed_1")  # no
    page.click("#ws-assessment button[type=submit]")
    page.wait_for_selector("#ws-header .badge.status-assessed")
    assert page.locator(".messages").inner_text().startswith("The initial assessment is recorded")
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.priority == "high"  # medium severity × high impact in the default matrix

    # Start the investigation (7.6).
    item = open_step(page, "start_investigation")
    item.locator("button[type=submit]").click()
    page.wait_for_selector("#ws-header .badge.status-investigating")
    assert_accessible(page, "workspace, investigating")

    # A note: htmx swaps the note panel and the timeline in place.
    page.fill("#id_note_text", "택배사에 파손 사진 요청함")
    page.click("#ws-notes button[type=submit]")
    page.wait_for_selector("#ws-timeline li.internal:has-text('택배사에 파손 사진 요청함')")
    assert page.input_value("#id_note_text").strip() == ""
    assert page.locator("#ws-status").inner_text().startswith("The note is added")

    # A task for the investigator, with a due date.
    page.fill("#id_task_title", "물류센터 CCTV 확인")
    owner = page.locator("#id_task_owner option", has_text="investigator").get_attribute("value")
    page.select_option("#id_task_owner", owner)
    page.fill("#id_task_due_on", "2030-03-14")
    page.click("#ws-tasks form:has(#id_task_title) button[type=submit]")
    page.wait_for_selector("#ws-tasks li:has-text('물류센터 CCTV 확인')")
    assert InvestigationTask.objects.get().owner.get_username() == "investigator"

    # Findings and root cause.
    page.fill("#id_findings_findings", "포장 불량으로 배송 중 파손됨")
    page.select_option("#id_findings_root_cause", "third-party")
    page.click("#ws-findings button[type=submit]")
    page.wait_for_selector("#ws-findings dd:has-text('포장 불량으로 배송 중 파손됨')")
    assert_accessible(page, "workspace, findings recorded")

    # Propose a response on the response feature's page (7.7).
    page.click("#ws-actions a:text-is('Propose a response')")
    page.wait_for_url(re.compile(r".*/response/propose/$"))
    page.check("input[name=outcome][value=upheld]")
    page.fill("textarea[name=reasons]", "배송 중 파손이 확인되어 교환해 드립니다.")
    page.select_option("select[name=remedies-0-kind]", "replacement")
    page.click("main button[type=submit]:text-is('Propose the response')")
    page.wait_for_url(re.compile(rf".*/complaints/{reference}/.*"))
    page.goto(f"{base}/staff/complaints/{reference}/")
    assert page.locator("#ws-header .badge.status-response_proposed").count() == 1

    # Communicate the decision by letter (7.8).
    page.click("#ws-actions a:text-is('Communicate the decision')")
    page.wait_for_url(re.compile(r".*/decision/$"))
    page.check("input[name=method][value=letter]")
    page.fill(
        "input[name=sent_on]",
        Complaint.objects.get(reference=reference).received_at.date().isoformat(),
    )
    page.click("main button[type=submit]:text-is('Communicate the decision')")
    page.wait_for_load_state()
    page.goto(f"{base}/staff/complaints/{reference}/")
    assert page.locator("#ws-header .badge.status-decision_communicated").count() == 1

    # The complainant accepted it by phone (7.9).
    page.click("#ws-actions a.button[href$='/decision/answer/']")
    page.wait_for_url(re.compile(r".*/decision/answer/$"))
    page.check("input[name=reaction][value=accepted]")
    page.select_option("select[name=received_via]", "phone")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/staff/complaints/{reference}/")
    assert Complaint.objects.get(reference=reference).reaction == "accepted"

    # Close it.
    item = open_step(page, "close")
    item.locator("button[type=submit]").click()
    page.wait_for_selector("#ws-header .badge.status-closed")
    assert_accessible(page, "workspace, closed")

    # The same page in Korean.
    page.context.add_cookies([{"name": "django_language", "value": "ko", "url": base}])
    page.goto(f"{base}/staff/complaints/{reference}/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert_accessible(page, "workspace in Korean")

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.status == "closed" and complaint.closure_code == "resolved_accepted"
    assert complaint.root_cause is not None and complaint.root_cause.code == "third-party"
    kinds = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", flat=True))
    for kind in ("assess", "start_investigation", "note", "propose_response",
                 "communicate_decision", "accept", "close"):  # fmt: skip
        assert kind in kinds, kind
    assert AuditEntry.objects.filter(object_id=reference, action="sori.complaint.closed").exists()
