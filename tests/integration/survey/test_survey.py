"""The satisfaction survey after closure (ISO 10002 8.3): once, by the complainant, unless declined."""

from __future__ import annotations

import pytest
from django.test import Client

from sori.audit.models import AuditEntry
from sori.complaints import selectors
from sori.complaints.models import Complaint, SurveyResponse
from sori.complaints.services.survey import answer_survey, opt_out_of_survey
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core.actors import complainant_actor
from sori.core.errors import Forbidden, InvalidInput, NotFound

URL = "/api/v1/complaints"
STEPS = (
    (Event.ASSESS, {"severity": "low", "safety_risk": False, "complexity": "low", "impact": "low",
                    "immediate_action_needed": False}),
    (Event.START_INVESTIGATION, {}),
    (Event.PROPOSE_RESPONSE, {"outcome": "upheld", "remedy_type": "apology",
                              "reasons": "배송 지연을 확인했습니다."}),
    (Event.COMMUNICATE_DECISION, {"method": "email"}),
)  # fmt: skip


def _decided(reference: str, handler) -> None:
    for event, data in STEPS:
        transition_complaint(
            actor=handler, reference=reference, event=event, data=EventData(**data)
        )


def _closed(reference: str, handler) -> None:
    _decided(reference, handler)
    transition_complaint(
        actor=complainant_actor(reference), reference=reference, event=Event.ACCEPT
    )
    transition_complaint(actor=handler, reference=reference, event=Event.CLOSE)


def _answer(reference: str, **changes):
    scores = {"process": 4, "outcome": 5, "ease": 3, "comment": "빠르게 처리해 주셔서 감사합니다."}
    return answer_survey(actor=complainant_actor(reference), reference=reference,
                         **{**scores, **changes})  # fmt: skip


def test_the_survey_can_be_answered_once_after_closure(db, submit, handler):
    receipt = submit()
    viewer = complainant_actor(receipt.reference)
    _decided(receipt.reference, handler)

    assert selectors.survey_state(viewer, receipt.reference).invite is False
    with pytest.raises(InvalidInput) as early:
        _answer(receipt.reference)
    assert early.value.code == "survey_not_open"

    transition_complaint(actor=viewer, reference=receipt.reference, event=Event.ACCEPT)
    transition_complaint(actor=handler, reference=receipt.reference, event=Event.CLOSE)
    assert selectors.survey_state(viewer, receipt.reference).invite is True

    answer = _answer(receipt.reference)
    assert (answer.process, answer.outcome, answer.ease) == (4, 5, 3)
    state = selectors.survey_state(viewer, receipt.reference)
    assert (state.answered, state.invite) == (True, False)
    entry = AuditEntry.objects.filter(action="sori.survey.answered").get()
    assert entry.iso_clause == "8.3"
    # Scores are statistics; the comment may name people, so the trail keeps only its presence.
    assert entry.data == {"process": 4, "outcome": 5, "ease": 3, "comment_given": True}

    with pytest.raises(InvalidInput) as again:
        _answer(receipt.reference, process=1)
    assert again.value.code == "survey_already_answered"
    assert SurveyResponse.objects.get().process == 4


def test_only_the_complainant_answers_the_survey(db, submit, handler):
    receipt = submit()
    other = submit()
    _closed(receipt.reference, handler)
    with pytest.raises(Forbidden):
        answer_survey(actor=handler, reference=receipt.reference, process=3, outcome=3, ease=3)
    with pytest.raises(NotFound):  # anything else would reveal the other complaint
        answer_survey(actor=complainant_actor(other.reference), reference=receipt.reference,
                      process=3, outcome=3, ease=3)  # fmt: skip
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("changes", [{"process": 0}, {"outcome": 6}, {"ease": True}])
def test_scores_are_whole_numbers_from_one_to_five(db, submit, handler, changes):
    receipt = submit()
    _closed(receipt.reference, handler)
    with pytest.raises(InvalidInput) as refusal:
        _answer(receipt.reference, **changes)
    assert refusal.value.code == "out_of_range"


def test_a_comment_longer_than_two_thousand_characters_is_refused(db, submit, handler):
    receipt = submit()
    _closed(receipt.reference, handler)
    with pytest.raises(InvalidInput) as refusal:
        _answer(receipt.reference, comment="가" * 2001)
    assert refusal.value.code == "too_long"
    assert _answer(receipt.reference, comment="가" * 2000).comment == "가" * 2000


def test_opting_out_stops_the_survey(db, submit, handler):
    receipt = submit()
    viewer = complainant_actor(receipt.reference)
    opt_out_of_survey(actor=viewer, reference=receipt.reference)
    opt_out_of_survey(actor=viewer, reference=receipt.reference)  # asked twice, recorded once
    _closed(receipt.reference, handler)

    state = selectors.survey_state(viewer, receipt.reference)
    assert (state.closed, state.opted_out, state.invite) == (True, True, False)
    with pytest.raises(InvalidInput) as refusal:
        _answer(receipt.reference)
    assert refusal.value.code == "survey_opted_out"
    assert Complaint.objects.get(reference=receipt.reference).survey_opt_out is True
    assert AuditEntry.objects.filter(action="sori.survey.declined", iso_clause="8.3").count() == 1


def test_the_survey_through_the_api(db, submit, handler):
    api = Client()
    receipt = submit()
    _closed(receipt.reference, handler)
    code = {"HTTP_X_ACCESS_CODE": receipt.access_code}
    body = {"process": 5, "outcome": 4, "ease": 5, "comment": "친절했습니다."}

    state = api.get(f"{URL}/{receipt.reference}/survey", **code)
    assert state.json() == {"closed": True, "answered": False, "opted_out": False, "invite": True}

    first = api.post(f"{URL}/{receipt.reference}/survey", body, content_type="application/json",
                     **code)  # fmt: skip
    assert first.status_code == 201, first.content
    assert first.json()["answered"] is True
    second = api.post(f"{URL}/{receipt.reference}/survey", body, content_type="application/json",
                      **code)  # fmt: skip
    assert second.status_code == 422
    assert second.json()["code"] == "survey_already_answered"

    wrong = api.post(f"{URL}/{receipt.reference}/survey", body, content_type="application/json",
                     HTTP_X_ACCESS_CODE="WRONG")  # fmt: skip
    assert wrong.status_code == 404
    bad = api.post(f"{URL}/{receipt.reference}/survey", {**body, "ease": 9},
                   content_type="application/json", **code)  # fmt: skip
    assert bad.status_code == 422


def test_declining_through_the_api(db, submit, handler):
    api = Client()
    receipt = submit()
    code = {"HTTP_X_ACCESS_CODE": receipt.access_code}
    assert api.post(f"{URL}/{receipt.reference}/survey/opt-out", **code).status_code == 204
    _closed(receipt.reference, handler)
    state = api.get(f"{URL}/{receipt.reference}/survey", **code).json()
    assert (state["opted_out"], state["invite"]) == (True, False)
