"""Following a complaint and answering it on the status page (ISO 10002 7.3, 7.6, 7.8, 7.9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from sori.audit.models import AuditEntry
from sori.complaints import links
from sori.complaints.models import Complaint
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.core import clock
from sori.core.models import ExternalDisputeBody
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT, response

pytestmark = pytest.mark.django_db

STATUS = "/en/complaints/status/"


def enter(client, receipt, path: str = STATUS):
    return client.post(
        path,
        {"action": "lookup", "reference": receipt.reference, "access_code": receipt.access_code},
    )


def fire(actor, reference: str, event: str, **data) -> None:
    transition_complaint(actor=actor, reference=reference, event=event, data=EventData(**data))


def decided(handler, reference: str) -> None:
    fire(handler, reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, reference, "start_investigation")
    fire(handler, reference, "propose_response", **response())
    fire(handler, reference, "communicate_decision", method="email")


def version(reference: str) -> int:
    return Complaint.objects.get(reference=reference).version


def test_the_reference_and_code_open_the_page_without_the_code_in_any_address(client, submit):
    receipt = submit()
    answer = enter(client, receipt)
    assert answer.status_code == 302 and answer["Location"] == STATUS
    assert receipt.access_code not in answer["Location"]
    page = client.get(STATUS)
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert receipt.reference in html and "acknowledged" in html
    assert "We received your complaint." in html and "We confirmed that we received it." in html
    # The expected date: received + the response target (14 days by default).
    expected = (
        (Complaint.objects.get(reference=receipt.reference).received_at + dt.timedelta(days=14))
        .date()
        .isoformat()
    )
    assert expected in html


def test_a_lower_case_reference_with_spaces_is_forgiven(client, submit):
    receipt = submit()
    answer = client.post(
        STATUS,
        {
            "action": "lookup",
            "reference": f"  {receipt.reference.lower()} ",
            "access_code": receipt.access_code.lower(),
        },
    )
    assert answer.status_code == 302


def test_the_signed_link_from_an_email_opens_the_page(client, submit):
    receipt = submit()
    answer = client.get(f"/ko/complaints/status/t/{links.status_token(receipt.reference)}/")
    assert answer.status_code == 302
    assert receipt.reference in client.get("/ko/complaints/status/").content.decode()


def test_a_tampered_link_is_refused_with_a_clear_message(client, submit):
    receipt = submit()
    token = links.status_token(receipt.reference)
    answer = client.get(f"/en/complaints/status/t/{token[:-2]}xx/")
    assert answer.status_code == 400
    assert "This link is not valid any more" in answer.content.decode()
    assert receipt.reference not in client.get(STATUS).content.decode()


def test_a_wrong_code_is_refused_in_the_language_of_the_page(client, submit):
    receipt = submit()
    wrong = {"action": "lookup", "reference": receipt.reference, "access_code": "AAAA-BBBB-CCCC"}
    english = client.post(STATUS, wrong)
    assert english.status_code == 404
    assert "No complaint matches this reference and access code." in english.content.decode()
    korean = client.post("/ko/complaints/status/", wrong).content.decode()
    assert "이 접수번호와 확인 코드에 해당하는 불만이 없습니다." in korean


def test_five_wrong_codes_lock_the_reference_even_against_the_right_code(client, submit):
    receipt = submit()
    wrong = {"action": "lookup", "reference": receipt.reference, "access_code": "AAAA-BBBB-CCCC"}
    for _ in range(5):
        assert client.post(STATUS, wrong).status_code == 404
    locked = enter(client, receipt)
    assert locked.status_code == 429
    assert "Too many wrong access codes" in locked.content.decode()
    assert "Show my complaint" in client.get(STATUS).content.decode()  # still not let in
    # Each failure and the lock are in the audit trail (ISO 10002 4.10).
    failures = AuditEntry.objects.filter(
        action="sori.complaint.lookup_failed", object_id=receipt.reference
    )
    assert failures.count() == 5 and {e.iso_clause for e in failures} == {"4.10"}
    lock = AuditEntry.objects.get(
        action="sori.complaint.lookup_locked", object_id=receipt.reference
    )
    assert lock.iso_clause == "4.10"
    # Another client (another address) is locked out of this reference too.
    assert enter(client.__class__(REMOTE_ADDR="127.0.0.9"), receipt).status_code == 429
    # After 15 minutes the right code works again.
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=16)):
        assert enter(client, receipt).status_code == 302


def test_an_unknown_reference_locks_the_same_way_so_a_lock_reveals_nothing(client):
    wrong = {"action": "lookup", "reference": "C-2026-999999", "access_code": "AAAA-BBBB-CCCC"}
    answers = [client.post(STATUS, wrong).status_code for _ in range(6)]
    assert answers == [404] * 5 + [429]


@override_settings(SORI_LOOKUP_RATE="3/m")
def test_look_ups_are_rate_limited_per_address(client, submit):
    receipt = submit()
    for _ in range(3):
        assert enter(client, receipt).status_code == 302
    assert enter(client, receipt).status_code == 429


def test_the_complainant_accepts_the_decision(client, submit, handler):
    receipt = submit()
    decided(handler, receipt.reference)
    enter(client, receipt)
    page = client.get(STATUS).content.decode()
    assert "배송 지연이 확인되었습니다." in page and "I accept the decision" in page
    answer = client.post(STATUS, {"action": "accept", "version": version(receipt.reference)})
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).reaction == "accepted"
    after = client.get(STATUS).content.decode()
    assert "You accepted the decision." in after and "I accept the decision" not in after


def test_a_rejection_needs_a_reason_and_then_shows_internal_review_and_external_bodies(
    client, submit, handler
):
    ExternalDisputeBody.objects.update_or_create(
        name_en="Korea Consumer Agency", defaults={"name_ko": "한국소비자원", "phone": "1372"}
    )
    receipt = submit()
    decided(handler, receipt.reference)
    enter(client, receipt)
    page = client.get(STATUS).content.decode()
    assert "Ask for an internal review" not in page
    empty = client.post(
        STATUS, {"action": "reject", "note": "", "version": version(receipt.reference)}
    )
    assert empty.status_code == 400 and "Please write your answer." in empty.content.decode()
    answer = client.post(
        STATUS,
        {
            "action": "reject",
            "note": "The refund is too small.",
            "version": version(receipt.reference),
        },
    )
    assert answer.status_code == 302
    complaint = Complaint.objects.get(reference=receipt.reference)
    assert (
        complaint.reaction == "rejected"
        and complaint.reaction_comment == "The refund is too small."
    )
    page = client.get(STATUS).content.decode()
    assert "Ask for an internal review" in page and "Korea Consumer Agency" in page
    assert "1372" in page
    review = client.post(STATUS, {"action": "review", "version": version(receipt.reference)})
    assert review.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).status == "escalated"
    assert (
        "An internal review of your complaint is under way." in client.get(STATUS).content.decode()
    )


def test_withdrawing_asks_for_confirmation_first(client, submit):
    receipt = submit()
    enter(client, receipt)
    first = client.post(STATUS, {"action": "withdraw"})
    assert first.status_code == 200 and "Withdraw your complaint?" in first.content.decode()
    assert Complaint.objects.get(reference=receipt.reference).status == "acknowledged"
    done = client.post(
        STATUS, {"action": "withdraw", "confirm": "yes", "version": version(receipt.reference)}
    )
    assert done.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).status == "withdrawn"
    assert "withdrawn" in client.get(STATUS).content.decode()


def test_a_stale_page_is_refused_with_a_message_not_an_error_page(client, submit, handler):
    receipt = submit()
    decided(handler, receipt.reference)
    enter(client, receipt)
    stale = version(receipt.reference) - 1
    answer = client.post(STATUS, {"action": "accept", "version": stale})
    assert answer.status_code == 409 and 'role="alert"' in answer.content.decode()
    assert Complaint.objects.get(reference=receipt.reference).reaction == ""


def test_the_complainant_answers_a_request_for_information(client, submit, handler):
    receipt = submit()
    fire(handler, receipt.reference, "assess", **COMPLETE_ASSESSMENT)
    fire(handler, receipt.reference, "start_investigation")
    fire(handler, receipt.reference, "request_information", note="Please send the order receipt.")
    enter(client, receipt)
    page = client.get(STATUS).content.decode()
    assert "Please send the order receipt." in page and "Send my answer" in page
    answer = client.post(
        STATUS,
        {
            "action": "reply",
            "note": "Order 42, paid on 14 March.",
            "version": version(receipt.reference),
        },
    )
    assert answer.status_code == 302
    complaint = Complaint.objects.get(reference=receipt.reference)
    assert complaint.status == "investigating"
    assert complaint.events.filter(
        kind="receive_information", note="Order 42, paid on 14 March."
    ).exists()
    assert "Send my answer" not in client.get(STATUS).content.decode()


def test_actions_without_a_verified_session_go_back_to_the_look_up(client, submit, handler):
    receipt = submit()
    decided(handler, receipt.reference)
    answer = client.post(STATUS, {"action": "accept"})
    assert answer.status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).reaction == ""


def test_signing_out_forgets_the_complaint(client, submit):
    receipt = submit()
    enter(client, receipt)
    client.post(STATUS, {"action": "leave"})
    assert receipt.reference not in client.get(STATUS).content.decode()


def close_accepted(client, receipt, handler) -> None:
    decided(handler, receipt.reference)
    enter(client, receipt)
    client.post(STATUS, {"action": "accept", "version": version(receipt.reference)})
    fire(handler, receipt.reference, "close")


def test_after_closure_the_survey_is_offered_and_answered_once(client, submit, handler):
    from sori.complaints.models import SurveyResponse

    receipt = submit()
    close_accepted(client, receipt, handler)
    page = client.get(STATUS).content.decode()
    assert "How did we do?" in page and "<legend>" in page
    incomplete = client.post(STATUS, {"action": "survey", "process": "4"})
    assert incomplete.status_code == 400
    assert 'href="#id_outcome_0"' in incomplete.content.decode()
    answer = client.post(
        STATUS,
        {
            "action": "survey",
            "process": "4",
            "outcome": "5",
            "ease": "3",
            "comment": "Quick and kind.",
        },
    )
    assert answer.status_code == 302
    saved = SurveyResponse.objects.get(complaint__reference=receipt.reference)
    assert (saved.process, saved.outcome, saved.ease, saved.comment) == (4, 5, 3, "Quick and kind.")
    after = client.get(STATUS).content.decode()
    assert "Thank you for answering the survey." in after and "Send my answers" not in after


def test_the_complainant_may_decline_the_survey(client, submit, handler):
    receipt = submit()
    close_accepted(client, receipt, handler)
    assert client.post(STATUS, {"action": "survey_opt_out"}).status_code == 302
    assert Complaint.objects.get(reference=receipt.reference).survey_opt_out is True
    assert "You chose not to answer the survey." in client.get(STATUS).content.decode()


def test_no_survey_before_closure(client, submit):
    receipt = submit()
    enter(client, receipt)
    assert "How did we do?" not in client.get(STATUS).content.decode()


def test_wrong_codes_through_the_api_lock_the_portal_look_up_too(client, submit):
    receipt = submit()
    for _ in range(5):
        api = client.get(
            f"/api/v1/complaints/{receipt.reference}", headers={"X-Access-Code": "AAAA-BBBB-CCCC"}
        )
        assert api.status_code == 404
    assert enter(client, receipt).status_code == 429
    api = client.get(
        f"/api/v1/complaints/{receipt.reference}", headers={"X-Access-Code": receipt.access_code}
    )
    assert api.status_code == 429
