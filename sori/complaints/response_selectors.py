"""Reading the response, its approval, the decision letters and any external referral, always for
a viewer (ISO 10002 7.7–7.9, ISO 10003): what the back office shows and which steps it offers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from sori.accounts.models import StaffProfile
from sori.complaints import policies
from sori.complaints.models import (
    Complaint,
    ComplaintEvent,
    ContactMethod,
    DecisionLetter,
    ExternalReferral,
    LetterTemplate,
    Outcome,
    ReferralOutcome,
    RemedyType,
)
from sori.complaints.selectors import complaint_for
from sori.complaints.services import letters
from sori.complaints.services.transitions import facts_for
from sori.complaints.workflow import (
    STATUS_LABELS,
    Event,
    Status,
    decide,
    transition_for,
)
from sori.core.actors import Actor
from sori.core.errors import Forbidden, NotFound
from sori.core.models import Organisation
from sori.privacy.services import record_personal_data_view


@dataclass(frozen=True)
class RemedyView:
    kind: str
    label: str
    amount: Decimal | None
    description: str


@dataclass(frozen=True)
class DeclinedView:
    by: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class LetterView:
    id: int
    review_round: int
    subject: str
    body: str
    language: str
    method: str
    method_label: str
    sent_on: dt.date
    created_by: str
    created_at: dt.datetime
    message_status: str | None


@dataclass(frozen=True)
class ReferralView:
    id: int
    body_name: str
    referred_on: dt.date
    their_reference: str
    organisation_position: str
    outcome: str
    outcome_label: str
    outcome_on: dt.date | None
    action_required: bool
    implementation: str
    implemented_on: dt.date | None
    concluded: bool


@dataclass(frozen=True)
class StepState:
    """One step of the response stage as ``viewer`` sees it now.

    ``may``: their role (and scope) lets them take it at all; ``possible``: the complaint's
    status has the step; ``blocker``: a condition not met yet (approval, independence…),
    judged as if the page's data were already given.
    """

    name: str
    may: bool
    possible: bool
    blocker_code: str | None = None
    blocker: str | None = None

    @property
    def open(self) -> bool:
        return self.may and self.possible and self.blocker is None


@dataclass(frozen=True)
class ResponseSummary:
    reference: str
    version: int
    status: str
    status_label: str
    language: str
    review_round: int
    outcome: str
    outcome_label: str
    reasons: str
    remedies: list[RemedyView]
    total: Decimal | None
    proposed_by: str | None
    proposer_limit: Decimal | None
    approval_required: bool
    approved_by: str | None
    approved_at: dt.datetime | None
    declined: list[DeclinedView]
    decision_issued_at: dt.datetime | None
    reaction: str
    reaction_label: str
    reaction_at: dt.datetime | None
    reaction_comment: str
    letters: list[LetterView]
    referrals: list[ReferralView]
    steps: dict[str, StepState]

    @property
    def has_response(self) -> bool:
        return bool(self.outcome)

    @property
    def open_steps(self) -> list[StepState]:
        return [step for step in self.steps.values() if step.may and step.possible]


@dataclass(frozen=True)
class TemplateChoice:
    id: int
    name: str
    language: str
    for_review: bool


@dataclass(frozen=True)
class LetterDraft:
    template_id: int | None
    language: str
    subject: str
    body: str


# Page name → the workflow event it fires (the reaction page fires accept or reject).
STEP_EVENTS: dict[str, tuple[Event, ...]] = {
    "propose": (Event.PROPOSE_RESPONSE,),
    "approve": (Event.APPROVE,),
    "communicate": (Event.COMMUNICATE_DECISION,),
    "reaction": (Event.ACCEPT, Event.REJECT),
    "start_review": (Event.ESCALATE,),
    "refer": (Event.REFER_EXTERNALLY,),
}
STEP_NAMES = (*STEP_EVENTS, "referral_outcome")


def _name(user: object | None) -> str | None:
    return None if user is None else str(user.get_username())  # type: ignore[attr-defined]


def _steps(viewer: Actor, complaint: Complaint) -> dict[str, StepState]:
    status = Status(complaint.status)
    facts = facts_for(complaint, viewer, Organisation.objects.first())
    # Judge each page's step as if the data it asks for were given: a response proposed, a
    # letter naming the external routes. What remains are the real conditions.
    assumed = dataclasses.replace(facts, response_recorded=True, external_routes_given=True)
    steps: dict[str, StepState] = {}
    for name, events in STEP_EVENTS.items():
        may = any(policies.EVENT_RULES.test_rule(e, viewer, complaint) for e in events)
        possible = any(transition_for(status, e) is not None for e in events)
        blocker = None
        if may and possible:
            refusals = [decide(e, assumed).refusal for e in events]
            if all(refusals):
                blocker = refusals[0]
        steps[name] = StepState(
            name=name,
            may=may,
            possible=possible,
            blocker_code=blocker.code if blocker else None,
            blocker=str(blocker.message) if blocker else None,
        )
    referral = ExternalReferral.objects.filter(complaint=complaint).order_by("-id").first()
    steps["referral_outcome"] = StepState(
        name="referral_outcome",
        may=bool(policies.can_assign.test(viewer, complaint)),
        possible=status == Status.REFERRED and referral is not None,
    )
    return steps


def _referral_view(referral: ExternalReferral) -> ReferralView:
    return ReferralView(
        id=referral.pk,
        body_name=referral.body.name,
        referred_on=referral.referred_on,
        their_reference=referral.their_reference,
        organisation_position=referral.organisation_position,
        outcome=referral.outcome,
        outcome_label=str(ReferralOutcome(referral.outcome).label),
        outcome_on=referral.outcome_on,
        action_required=referral.action_required,
        implementation=referral.implementation,
        implemented_on=referral.implemented_on,
        concluded=referral.concluded,
    )


def response_summary(*, viewer: Actor, reference: str) -> ResponseSummary:
    """The response of the current round, its approval, the letters sent, the referrals, and
    the steps ``viewer`` may take now. No complainant personal data is read."""
    complaint = complaint_for(viewer=viewer, reference=reference)
    facts = facts_for(complaint, viewer, Organisation.objects.first())
    remedies = [
        RemedyView(
            kind=remedy.kind,
            label=str(RemedyType(remedy.kind).label),
            amount=remedy.amount,
            description=remedy.description,
        )
        for remedy in letters.current_remedies(complaint)
    ]
    proposer_limit = (
        StaffProfile.objects.filter(user_id=complaint.proposed_by_id)
        .values_list("authority_limit", flat=True)
        .first()
        if complaint.proposed_by_id
        else None
    )
    # Declined approvals since the current proposal was made.
    last_proposal = (
        ComplaintEvent.objects.filter(complaint=complaint, kind=Event.PROPOSE_RESPONSE)
        .order_by("-occurred_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    declined = [
        DeclinedView(by=event.actor_label, at=event.occurred_at, reason=event.note)
        for event in ComplaintEvent.objects.filter(
            Q(id__gt=last_proposal or 0), complaint=complaint, kind="approval_declined"
        ).order_by("occurred_at", "id")
    ]
    letter_views = [
        LetterView(
            id=letter.pk,
            review_round=letter.review_round,
            subject=letter.subject,
            body=letter.body,
            language=letter.language,
            method=letter.method,
            method_label=str(ContactMethod(letter.method).label),
            sent_on=letter.sent_on,
            created_by=_name(letter.created_by) or "",
            created_at=letter.created_at,
            message_status=letter.message.get_status_display() if letter.message else None,
        )
        for letter in DecisionLetter.objects.filter(complaint=complaint)
        .select_related("created_by", "message")
        .order_by("created_at", "id")
    ]
    referrals = [
        _referral_view(referral)
        for referral in ExternalReferral.objects.filter(complaint=complaint)
        .select_related("body")
        .order_by("referred_on", "id")
    ]
    return ResponseSummary(
        reference=complaint.reference,
        version=complaint.version,
        status=complaint.status,
        status_label=str(STATUS_LABELS[Status(complaint.status)]),
        language=letters.letter_language(complaint),
        review_round=complaint.review_round,
        outcome=complaint.outcome,
        outcome_label=str(Outcome(complaint.outcome).label) if complaint.outcome else "",
        reasons=complaint.response_reasons,
        remedies=remedies,
        total=complaint.remedy_amount,
        proposed_by=_name(complaint.proposed_by),
        proposer_limit=proposer_limit,
        approval_required=bool(complaint.outcome) and facts.approval_required,
        approved_by=_name(complaint.approved_by),
        approved_at=complaint.approved_at,
        declined=declined,
        decision_issued_at=complaint.decision_issued_at,
        reaction=complaint.reaction,
        reaction_label=complaint.get_reaction_display() if complaint.reaction else "",
        reaction_at=complaint.reaction_at,
        reaction_comment=complaint.reaction_comment,
        letters=letter_views,
        referrals=referrals,
        steps=_steps(viewer, complaint),
    )


def letter_templates(*, viewer: Actor, reference: str) -> list[TemplateChoice]:
    """The active templates for this decision: the first decision's or the review's, in the
    complainant's language first, then the other language (ISO 10002 7.8)."""
    complaint = complaint_for(viewer=viewer, reference=reference)
    language = letters.letter_language(complaint)
    rows = LetterTemplate.objects.filter(active=True, for_review=complaint.review_round > 0)
    choices = [
        TemplateChoice(id=t.pk, name=t.name, language=t.language, for_review=t.for_review)
        for t in rows.order_by("name", "pk")
    ]
    return sorted(choices, key=lambda choice: choice.language != language)


def letter_draft(*, viewer: Actor, reference: str, template_id: int | None) -> LetterDraft:
    """The letter ``template_id`` (else the first suitable template) filled in for this
    complaint. It carries the complainant's name, so showing it to staff is logged (4.10)."""
    complaint = complaint_for(viewer=viewer, reference=reference)
    if not policies.may_fire(viewer, Event.COMMUNICATE_DECISION, complaint):
        raise Forbidden(_("You may not take this step on this complaint."))
    choices = letter_templates(viewer=viewer, reference=reference)
    if template_id is None and choices:
        template_id = choices[0].id
    if template_id is None:
        return LetterDraft(
            template_id=None, language=letters.letter_language(complaint), subject="", body=""
        )
    template = LetterTemplate.objects.filter(pk=template_id, active=True).first()
    if template is None:
        raise NotFound(_("No such letter template."))
    subject, body = letters.render_letter(complaint, template)
    if complaint.complainant_id is not None:
        record_personal_data_view(actor=viewer, complaint_reference=complaint.reference)
    return LetterDraft(
        template_id=template.pk, language=template.language, subject=subject, body=body
    )


def external_body_choices(*, viewer: Actor) -> list[tuple[int, str]]:
    """The active external dispute-resolution bodies, by position (ISO 10003)."""
    return [(body.pk, body.name) for body in letters.external_bodies()]


def latest_referral(*, viewer: Actor, reference: str) -> ReferralView | None:
    complaint = complaint_for(viewer=viewer, reference=reference)
    referral = (
        ExternalReferral.objects.filter(complaint=complaint)
        .select_related("body")
        .order_by("-id")
        .first()
    )
    return _referral_view(referral) if referral is not None else None
