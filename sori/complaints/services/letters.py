"""The decision letter: drafted from a ko/en template, checked for what it must say, and sent
(ISO 10002 7.8 communicating the decision; 7.9 and ISO 10003 the recourse open to the complainant).

- ``render_letter(complaint, template)``: the template with its ``{placeholders}`` filled in, in
  the template's language.
- ``check_letter(complaint, subject, body)``: what the letter lacks, if anything — the decision,
  its reasons, how to accept or reject it, the recourse.
- ``communicate_decision(...)``: record the letter, send it by email through the outbox (the letter
  *is* the email) or note the date it went by post or was read out by phone, fire the workflow's
  ``communicate_decision`` step and tell the staff involved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import dateformat, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.complaints import links, policies
from sori.complaints.models import (
    Complaint,
    ContactMethod,
    DecisionLetter,
    LetterTemplate,
    Outcome,
    Remedy,
    RemedyType,
)
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Forbidden, InvalidInput, NotFound
from sori.core.models import ExternalDisputeBody, Organisation
from sori.messaging import services as messaging

MAX_SUBJECT = 300
MAX_BODY = 20_000
METHODS = (ContactMethod.EMAIL, ContactMethod.LETTER, ContactMethod.PHONE)
PLACEHOLDERS = (
    "complainant_name",
    "reference",
    "received_on",
    "outcome",
    "reasons",
    "remedies",
    "how_to_answer",
    "recourse",
    "organisation",
    "handler",
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_DATE_FORMATS = {"ko": "Y년 n월 j일", "en": "j F Y"}
# A signed status link in any language (``links.status_path``); its token names the complaint.
_STATUS_LINK = re.compile(r"/complaints/status/t/([^/\s]+)/")
# Words that offer the internal review, whatever the letter's language (ISO 10002 7.9).
_REVIEW_WORDS = ("재검토", "internal review")


class LetterIncomplete(InvalidInput):
    """The letter lacks something ISO 10002 7.8 says a decision letter must tell the person."""

    code = "letter_incomplete"


@dataclass(frozen=True)
class LetterProblem:
    code: str
    message: str


def letter_language(complaint: Complaint) -> str:
    """The complainant's preferred language, else the complaint's (as for every email)."""
    return messaging.message_language(complaint)


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(str(settings.SORI_TIME_ZONE or "Asia/Seoul"))).date()


def today() -> dt.date:
    """Today in the organisation's time zone."""
    return _local_date(clock.now())


def format_amount(amount: Decimal, language: str) -> str:
    """KRW as a person reads it: ``50,000원`` in Korean, ``KRW 50,000`` in English."""
    figures = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{figures}원" if language == "ko" else f"KRW {figures}"


def _staff_name(user: object | None) -> str:
    if user is None:
        return ""
    full = str(getattr(user, "get_full_name", lambda: "")() or "").strip()
    return full or str(user.get_username())  # type: ignore[attr-defined]


def current_remedies(complaint: Complaint) -> list[Remedy]:
    """The remedies of the response now on the complaint (this round of handling).

    A response proposed through the API names one remedy on the complaint itself; it is shown
    as such when no list was recorded.
    """
    remedies = list(Remedy.objects.filter(complaint=complaint, review_round=complaint.review_round))
    if not remedies and complaint.remedy_type:
        remedies = [
            Remedy(
                complaint=complaint,
                review_round=complaint.review_round,
                kind=complaint.remedy_type,
                amount=complaint.remedy_amount,
            )
        ]
    return remedies


def _remedies_text(complaint: Complaint, language: str) -> str:
    remedies = current_remedies(complaint)
    lines = []
    for remedy in remedies:
        line = f"- {capfirst(str(RemedyType(remedy.kind).label))}"
        if remedy.description:
            line += f": {remedy.description}"
        if remedy.amount is not None:
            line += f" ({format_amount(remedy.amount, language)})"
        lines.append(line)
    amounts = [r.amount for r in remedies if r.amount is not None]
    if len(amounts) > 1:
        lines.append(
            _("Total: %(amount)s") % {"amount": format_amount(sum(amounts, Decimal(0)), language)}
        )
    return "\n".join(lines)


def _how_to_answer(complaint: Complaint, language: str, organisation: Organisation | None) -> str:
    lines = [
        _(
            "Please tell us whether you accept this decision. You can accept it or reject it "
            "on your complaint's status page:"
        ),
        links.status_url(complaint.reference, language),
        _(
            "You can also tell us by replying to our email, by phone or by letter, quoting the "
            "reference %(reference)s."
        )
        % {"reference": complaint.reference},
    ]
    if organisation is not None and organisation.complaints_phone:
        lines.append(_("Phone: %(phone)s") % {"phone": organisation.complaints_phone})
    if organisation is not None and organisation.complaints_email:
        lines.append(_("Email: %(email)s") % {"email": organisation.complaints_email})
    days = organisation.reaction_wait_days if organisation else 14
    lines.append(
        _("If we have not heard from you within %(days)d days, the complaint may be closed.")
        % {"days": days}
    )
    return "\n".join(lines)


def external_bodies() -> list[ExternalDisputeBody]:
    return list(ExternalDisputeBody.objects.filter(active=True).order_by("position", "pk"))


def _bodies_text(language: str) -> str:
    lines = []
    for body in external_bodies():
        name = getattr(body, f"name_{language}", "") or body.name_ko
        line = f"- {name}"
        if body.phone:
            line += " (" + _("phone %(phone)s") % {"phone": body.phone} + ")"
        if body.url:
            line += f" {body.url}"
        lines.append(line)
    return "\n".join(lines)


def _review_offer(language: str) -> str:
    with translation.override(language):
        return _(
            "If you do not agree with this decision, you can reject it and ask for an internal "
            "review: someone who was not involved in this decision will look at your complaint "
            "again."
        )


def _recourse(complaint: Complaint, language: str) -> str:
    bodies = _bodies_text(language)
    if complaint.review_round > 0:
        # ISO 10003: after the internal review only the external routes remain.
        return bodies
    lines = [_review_offer(language)]
    if bodies:
        lines += [_("You can also turn to an external dispute-resolution body:"), bodies]
    return "\n".join(lines)


def _handler(complaint: Complaint) -> str:
    # The first decision is signed by the complaint's handler, a review's by its reviewer.
    if complaint.review_round > 0 and complaint.proposed_by is not None:
        return _staff_name(complaint.proposed_by)
    return _staff_name(complaint.assignee or complaint.proposed_by)


def placeholder_values(complaint: Complaint, language: str) -> dict[str, str]:
    """What each ``{placeholder}`` of a letter template stands for, in ``language``.

    Reads the complainant's name: callers showing the result to staff log that reading (4.10).
    """
    organisation = Organisation.objects.first()
    with translation.override(language):
        name = complaint.complainant.name.strip() if complaint.complainant else ""
        return {
            "complainant_name": name or _("customer"),
            "reference": complaint.reference,
            "received_on": dateformat.format(
                _local_date(complaint.received_at), _DATE_FORMATS.get(language, "Y-m-d")
            ),
            "outcome": str(Outcome(complaint.outcome).label) if complaint.outcome else "",
            "reasons": complaint.response_reasons.strip(),
            "remedies": _remedies_text(complaint, language),
            "how_to_answer": _how_to_answer(complaint, language, organisation),
            "recourse": _recourse(complaint, language),
            "organisation": (
                (getattr(organisation, f"name_{language}", "") or organisation.name_ko)
                if organisation
                else ""
            ),
            "handler": _handler(complaint),
        }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known ``{placeholders}``; anything else in braces stays as written."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def render_letter(complaint: Complaint, template: LetterTemplate) -> tuple[str, str]:
    """The subject and body of ``template`` filled in for ``complaint``, in its language."""
    values = placeholder_values(complaint, template.language)
    subject = " ".join(fill(template.subject, values).split())
    return subject, fill(template.body, values).strip() + "\n"


# ---------------------------------------------------------------- the content check (7.8)


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _names_outcome(complaint: Complaint, body: str) -> bool:
    """The outcome's label, in Korean or English, stands in the letter on its own (“upheld”
    inside “not upheld” does not count)."""
    text = _squash(body)
    for language in ("ko", "en"):
        with translation.override(language):
            labels = {value: _squash(str(label)) for value, label in Outcome.choices}
        mine = labels[complaint.outcome]
        rest = text
        for value, label in labels.items():
            if value != complaint.outcome and mine in label:
                rest = rest.replace(label, " ")
        if mine in rest:
            return True
    return False


def _has_status_link(complaint: Complaint, body: str) -> bool:
    return any(
        links.reference_for_token(token) == complaint.reference
        for token in _STATUS_LINK.findall(body)
    )


def _names_external_body(body: str) -> bool:
    text = _squash(body)
    for candidate in external_bodies():
        names = {candidate.name_ko.strip(), candidate.name_en.strip()} - {""}
        if any(_squash(name) in text for name in names):
            return True
    return False


def _offers_review(body: str) -> bool:
    """The letter offers the internal review: our own sentence for it, or its key words."""
    text = _squash(body)
    phrases = [*_REVIEW_WORDS, *(_review_offer(language) for language in ("ko", "en"))]
    return any(_squash(phrase) in text for phrase in phrases)


def check_letter(complaint: Complaint, subject: str, body: str) -> list[LetterProblem]:
    """What the letter does not yet tell the complainant (ISO 10002 7.8, 7.9; ISO 10003).

    A decision letter states the decision, gives its reasons, says how to accept or reject it
    (the complaint's status link) and names the recourse: the internal review or an external
    body after a first decision, an external body after an internal review.
    """
    problems = []
    if not subject.strip():
        problems.append(LetterProblem("subject_missing", _("Give the letter a subject.")))
    if not complaint.outcome or not complaint.response_reasons.strip():
        problems.append(
            LetterProblem(
                "response_missing",
                _("Record the response first: outcome, remedy type and reasons."),
            )
        )
    else:
        if not _names_outcome(complaint, body):
            problems.append(
                LetterProblem(
                    "decision_missing",
                    _(
                        "The letter does not state the decision: say that the complaint is "
                        "“%(outcome)s”."
                    )
                    % {"outcome": complaint.get_outcome_display()},
                )
            )
        if _squash(complaint.response_reasons) not in _squash(body):
            problems.append(
                LetterProblem(
                    "reasons_missing",
                    _("The letter does not give the reasons for the decision as recorded."),
                )
            )
    if not _has_status_link(complaint, body):
        problems.append(
            LetterProblem(
                "how_to_answer_missing",
                _(
                    "The letter does not say how to accept or reject the decision: include the "
                    "link to the complaint's status page."
                ),
            )
        )
    names_body = _names_external_body(body)
    if complaint.review_round > 0:
        if not names_body:
            problems.append(
                LetterProblem(
                    "recourse_missing",
                    _(
                        "This decision follows an internal review: name at least one external "
                        "dispute-resolution body the complainant can turn to."
                    ),
                )
            )
    elif not names_body and not _offers_review(body):
        problems.append(
            LetterProblem(
                "recourse_missing",
                _(
                    "The letter does not say what the complainant can do if they disagree: offer "
                    "the internal review or name an external dispute-resolution body."
                ),
            )
        )
    return problems


# ---------------------------------------------------------------- sending it


def _sent_on(method: str, sent_on: dt.date | None, complaint: Complaint) -> dt.date:
    if method == ContactMethod.EMAIL:
        # The outbox sends it now; the date is today's.
        return today()
    if sent_on is None:
        raise InvalidInput(
            _("Give the date the letter was posted or the decision was given by phone."),
            code="required",
            field="sent_on",
        )
    if sent_on > today() + dt.timedelta(days=1):
        raise InvalidInput(_("This date is in the future."), code="in_future", field="sent_on")
    if sent_on < _local_date(complaint.received_at):
        raise InvalidInput(
            _("This date is before the complaint was received."),
            code="too_early",
            field="sent_on",
        )
    return sent_on


def _involved(complaint: Complaint, actor: Actor) -> list:
    wanted = {complaint.proposed_by_id, complaint.approved_by_id, complaint.assignee_id}
    wanted -= {None, actor.user_id}
    return list(get_user_model().objects.filter(pk__in=wanted, is_active=True).order_by("pk"))


def communicate_decision(
    *,
    actor: Actor,
    reference: str,
    template_id: int | None,
    subject: str,
    body: str,
    method: str,
    sent_on: dt.date | None = None,
    expected_version: int | None = None,
) -> DecisionLetter:
    """Communicate the decision with this letter (ISO 10002 7.8).

    By email the letter goes to the complainant through the outbox after the commit, and it
    replaces the generic decision message. By letter or phone, the date it was posted or read
    out is recorded. The letter must pass ``check_letter``; the workflow's guards (approval
    above the proposer's authority, the external routes after a review) apply as well.
    """
    if method not in METHODS:
        raise InvalidInput(
            _("Choose how the decision is communicated: email, letter or phone."),
            code="invalid_choice",
            field="method",
        )
    subject, body = " ".join(subject.split()), body.strip()
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(
            _("The subject is too long (at most %(max)d characters).") % {"max": MAX_SUBJECT},
            code="too_long",
            field="subject",
        )
    if len(body) > MAX_BODY:
        raise InvalidInput(
            _("The letter is too long (at most %(max)d characters).") % {"max": MAX_BODY},
            code="too_long",
            field="body",
        )
    if not actor.is_staff or actor.user_id is None:
        raise Forbidden(_("Only staff communicate a decision."))
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(reference=reference).first()
        if complaint is None or not policies.can_read_complaint.test(actor, complaint):
            raise NotFound(_("No complaint with this reference."))
        if not policies.may_fire(actor, Event.COMMUNICATE_DECISION, complaint):
            raise Forbidden(_("You may not take this step on this complaint."))
        template = None
        if template_id is not None:
            template = LetterTemplate.objects.filter(pk=template_id, active=True).first()
            if template is None:
                raise InvalidInput(
                    _("Choose one of the letter templates."),
                    code="invalid_choice",
                    field="template",
                )
        day = _sent_on(method, sent_on, complaint)
        recipient = complaint.complainant.email.strip() if complaint.complainant else ""
        if method == ContactMethod.EMAIL and not recipient:
            raise InvalidInput(
                _(
                    "The complainant gave no email address: send the letter by post or give the "
                    "decision by phone."
                ),
                code="no_email",
                field="method",
            )
        problems = check_letter(complaint, subject, body)
        if problems:
            raise LetterIncomplete(
                " ".join(problem.message for problem in problems),
                problems=[problem.code for problem in problems],
                messages=[problem.message for problem in problems],
            )
        routes_given = _names_external_body(body)
        # The letter is the decision message: the generic one the workflow step would send is
        # held back, and the letter itself goes out below (only by email).
        with messaging.suppressed():
            complaint = transition_complaint(
                actor=actor,
                reference=reference,
                event=Event.COMMUNICATE_DECISION,
                data=EventData(method=method, external_routes_given=routes_given),
                expected_version=expected_version,
            )
        language = template.language if template is not None else letter_language(complaint)
        message = None
        if method == ContactMethod.EMAIL:
            # The outbox puts the reference in the subject if the letter lost it (7.2 threading).
            message = messaging.notify_letter(
                complaint=complaint, subject=subject, body=body + "\n", language=language
            )
        letter = DecisionLetter.objects.create(
            complaint=complaint,
            review_round=complaint.review_round,
            template=template,
            language=language,
            subject=subject,
            body=body,
            method=method,
            sent_on=day,
            message=message,
            created_by_id=actor.user_id,
            created_at=clock.now(),
        )
        audit.record(
            action="sori.complaint.decision_letter_recorded",
            actor=actor,
            object_type="complaint",
            object_id=complaint.reference,
            data={
                "letter": letter.pk,
                "template": template.pk if template is not None else None,
                "method": method,
                "sent_on": day.isoformat(),
                "message": message.pk if message is not None else None,
                "external_routes_given": routes_given,
                "review_round": complaint.review_round,
            },
            iso_clause="7.8",
        )
        notify_staff_about(complaint, actor)
    return letter


def notify_staff_about(complaint: Complaint, actor: Actor) -> None:
    """The staff involved (proposer, approver, handler) hear that the decision went out."""
    messaging.notify_staff(
        complaint=complaint,
        recipients=_involved(complaint, actor),
        key="decision_communicated_staff",
        actor=actor,
    )
