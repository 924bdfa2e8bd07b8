"""The satisfaction survey after closure (ISO 10002 8.3 monitoring complainant satisfaction).

One answer per complaint, from its complainant, once it is closed: the process, the outcome
and how easy it was (customer effort), each 1–5, with a comment. The complainant may decline;
after that they are not asked again.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import policies
from sori.complaints.models import Complaint, SurveyResponse
from sori.complaints.workflow import Status
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound

SCALE = range(1, 6)
MAX_COMMENT = 2_000


def _already_answered() -> InvalidInput:
    return InvalidInput(
        _("The survey for this complaint has already been answered. Thank you."),
        code="survey_already_answered",
    )


def _locked_complaint(actor: Actor, reference: str) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
    if complaint is None or not policies.can_read_complaint.test(actor, complaint):
        raise NotFound(_("No complaint with this reference."))
    return complaint


def answer_survey(
    *,
    actor: Actor,
    reference: str,
    process: int,
    outcome: int,
    ease: int,
    comment: str = "",
) -> SurveyResponse:
    """Record the complainant's one answer to the survey on their closed complaint."""
    for field, value in (("process", process), ("outcome", outcome), ("ease", ease)):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise InvalidInput(_("Choose a number from 1 to 5."), code="out_of_range", field=field)
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            _("“%(field)s” is too long (at most %(max)d characters).")
            % {"field": "comment", "max": MAX_COMMENT},
            code="too_long",
            field="comment",
        )
    with transaction.atomic():
        complaint = _locked_complaint(actor, reference)
        if not policies.is_own_complaint.test(actor, complaint):
            raise Forbidden(_("Only the complainant may answer the satisfaction survey."))
        if complaint.status != Status.CLOSED:
            raise InvalidInput(
                _("The survey opens once the complaint is closed."), code="survey_not_open"
            )
        if complaint.survey_opt_out:
            raise InvalidInput(
                _("You declined the survey for this complaint."), code="survey_opted_out"
            )
        if SurveyResponse.objects.filter(complaint=complaint).exists():
            raise _already_answered()
        try:
            # The one-to-one column is the last word when two answers race (the row lock
            # already makes the second wait and see the first).
            with transaction.atomic():
                answer = SurveyResponse.objects.create(
                    complaint=complaint,
                    process=process,
                    outcome=outcome,
                    ease=ease,
                    comment=comment,
                    submitted_at=clock.now(),
                )
        except IntegrityError:
            raise _already_answered() from None
        audit.record(
            action="sori.survey.answered",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            # The scores are statistics; the comment may name people, so only its presence.
            data={
                "process": process,
                "outcome": outcome,
                "ease": ease,
                "comment_given": bool(comment),
            },
            iso_clause="8.3",
        )
    return answer


def opt_out_of_survey(*, actor: Actor, reference: str) -> None:
    """The complainant declines the survey (staff may record it for them); asked once, kept."""
    with transaction.atomic():
        complaint = _locked_complaint(actor, reference)
        if not (policies.is_own_complaint | policies.case_worker).test(actor, complaint):
            raise Forbidden(_("Only the complainant may decline the satisfaction survey."))
        if complaint.survey_opt_out:
            return
        Complaint.objects.filter(pk=complaint.pk).update(
            survey_opt_out=True, updated_at=clock.now()
        )
        audit.record(
            action="sori.survey.declined",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={},
            iso_clause="8.3",
        )
