"""The per-stage clock rules agree with the workflow table's SLA column (one rule, two views)."""

from __future__ import annotations

from sori.complaints.workflow import TRANSITIONS, SlaEffect
from sori.sla.calendar import Unit
from sori.sla.models import Stage, UnitChoice
from sori.sla.services.clocks import CANCELS_ALL, PAUSES, RESUMES, STARTS, STOPS


def test_the_stored_units_are_the_calendar_units():
    assert set(UnitChoice.values) == {unit.value for unit in Unit}


def test_every_pause_and_resume_of_the_workflow_pauses_and_resumes_the_decision_clock():
    for transition in TRANSITIONS:
        pauses = Stage.DECISION in PAUSES.get(transition.event, ())
        resumes = Stage.DECISION in RESUMES.get(transition.event, ())
        assert pauses == (transition.sla is SlaEffect.PAUSE), transition
        assert resumes == (transition.sla is SlaEffect.RESUME), transition


def test_every_start_and_stop_of_the_workflow_starts_or_stops_a_response_clock():
    response_stages = {Stage.DECISION, Stage.CLOSE, Stage.INTERNAL_REVIEW, Stage.EXTERNAL_REFERRAL}
    for transition in TRANSITIONS:
        if transition.sla is SlaEffect.START:
            assert response_stages & set(STARTS[transition.event]), transition
        if transition.sla is SlaEffect.STOP:
            stops = response_stages & set(STOPS.get(transition.event, ()))
            assert stops or transition.event in CANCELS_ALL, transition


def test_the_response_clocks_only_move_where_the_workflow_says_so():
    declared = {t.event for t in TRANSITIONS if t.sla is not SlaEffect.NONE}
    moving = (
        {e for e, stages in STOPS.items() if {Stage.DECISION, Stage.CLOSE} & set(stages)}
        | set(PAUSES)
        | set(RESUMES)
        | set(STARTS)
        | set(CANCELS_ALL)
    )
    assert moving - {e for e in moving if e in declared} == set()
