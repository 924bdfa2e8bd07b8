"""Two answers to one survey sent at the same moment: exactly one is kept (ISO 10002 8.3).

Threads with their own database connections, committing for real (``transaction=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sori.complaints.models import SurveyResponse
from sori.complaints.services.survey import answer_survey
from sori.core.actors import complainant_actor
from sori.core.errors import InvalidInput
from tests.integration.survey.test_survey import _closed
from tests.support.concurrency import concurrently


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_answers_exactly_one_is_kept(submit, handler):
    receipt = submit()
    _closed(receipt.reference, handler)
    actor = complainant_actor(receipt.reference)

    def answer(score: int) -> Callable[[], Any]:
        return lambda: answer_survey(
            actor=actor, reference=receipt.reference, process=score, outcome=score, ease=score
        )

    results = concurrently(answer(2), answer(5))
    kept = [r for r in results if isinstance(r, SurveyResponse)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(kept) == 1 and len(refused) == 1, results
    assert refused[0].code == "survey_already_answered"
    assert SurveyResponse.objects.get().process == kept[0].process
