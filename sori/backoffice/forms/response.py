"""Forms of the response stage: proposal with remedies, approval, decision letter, the
complainant's answer, internal review, external referral (ISO 10002 7.7–7.9, ISO 10003).

Shape only (lengths, choices, required answers); the services decide whether the step is
allowed. Choices that depend on the configuration (letter templates, external bodies) are
given by the view from the selectors.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.complaints.models import ContactMethod, Outcome, ReferralOutcome, RemedyType
from sori.complaints.services.letters import MAX_BODY, MAX_SUBJECT
from sori.complaints.services.response import MAX_DETAILS, MAX_REMEDIES, MAX_TEXT

LETTER_METHODS = (ContactMethod.EMAIL, ContactMethod.LETTER, ContactMethod.PHONE)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter a date like 2026-03-01.")}


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(forms.Form):
    # The complaint's version when the page was drawn: a change in between is refused (409).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProposeResponseForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        help_text=_("The complainant reads these in the decision letter."),
        max_length=MAX_TEXT,
        widget=_textarea(6),
        error_messages={"required": _("Give the reasons for the decision.")},
    )
    note = forms.CharField(
        label=_("Internal note (optional)"),
        help_text=_("For the approver and colleagues; never shown to the complainant."),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(3),
    )


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Remedy"),
        choices=[("", _("— choose —")), *RemedyType.choices],
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount in KRW (optional)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("999999999999"),
        decimal_places=2,
        max_digits=14,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        error_messages={"invalid": _("Enter the amount as a number, for example 50000.")},
    )
    description = forms.CharField(
        label=_("Details (optional)"), required=False, max_length=MAX_DETAILS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("kind") and (data.get("amount") is not None or data.get("description")):
            self.add_error("kind", _("Choose the kind of remedy."))
        return data


class BaseRemedyFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if not any(form.cleaned_data.get("kind") for form in self.forms):
            raise forms.ValidationError(
                _("Give at least one remedy, for example an explanation or an apology."),
                code="remedy_missing",
            )


RemedyFormSet = forms.formset_factory(
    RemedyForm,
    formset=BaseRemedyFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_REMEDIES,
    validate_max=True,
)


class ApproveForm(VersionedForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=MAX_TEXT, widget=_textarea(3)
    )


class DeclineForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why do you not approve it?"),
        help_text=_("The proposer is told, so they can revise the response."),
        max_length=MAX_TEXT,
        widget=_textarea(4),
        error_messages={"required": _("Say why you do not approve the response.")},
    )


class TemplateChoiceForm(forms.Form):
    """Choosing the letter template with a plain GET (it reloads the draft)."""

    template = forms.TypedChoiceField(label=_("Letter template"), coerce=int, choices=[])

    def __init__(self, *args: Any, templates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates  # type: ignore[attr-defined]


class LetterForm(VersionedForm):
    # Chosen above the letter (a GET that fills the letter in); kept with the letter sent.
    template = forms.TypedChoiceField(
        label=_("Letter template"),
        coerce=int,
        choices=[],
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        error_messages={"required": _("Give the letter a subject.")},
    )
    body = forms.CharField(
        label=_("Letter"),
        help_text=_(
            "Edit as needed. It must state the decision and its reasons, how to accept or "
            "reject it (the status-page link) and the recourse."
        ),
        max_length=MAX_BODY,
        widget=_textarea(24),
        error_messages={"required": _("Write the letter.")},
    )
    method = forms.ChoiceField(
        label=_("How is the decision communicated?"),
        choices=[(m.value, m.label) for m in LETTER_METHODS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the decision is communicated.")},
    )
    sent_on = forms.DateField(
        label=_("Date posted or given by phone"),
        help_text=_("Not needed for email: it is sent today."),
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args: Any, templates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("— none —")), *templates]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dated = data.get("method") in (ContactMethod.LETTER, ContactMethod.PHONE)
        if dated and not data.get("sent_on") and "sent_on" not in self.errors:
            self.add_error(
                "sent_on",
                _("Give the date the letter was posted or the decision was given by phone."),
            )
        return data


REACTIONS = [("accepted", _("accepted the decision")), ("rejected", _("rejected the decision"))]
RECEIVED_VIA = [
    ("phone", _("phone")),
    ("letter", _("letter")),
    ("email", _("email")),
    ("in_person", _("in person")),
]


class ReactionForm(VersionedForm):
    reaction = forms.ChoiceField(
        label=_("The complainant…"),
        choices=REACTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the complainant accepted or rejected it.")},
    )
    received_via = forms.ChoiceField(
        label=_("How did the answer reach us?"),
        choices=RECEIVED_VIA,
        error_messages={"required": _("Say how the answer reached us.")},
    )
    comment = forms.CharField(
        label=_("What the complainant said (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4),
    )


class StartReviewForm(VersionedForm):
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("For example what the complainant disagrees with."),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4),
    )


class ReferralForm(VersionedForm):
    body = forms.TypedChoiceField(
        label=_("External body"),
        coerce=int,
        choices=[],
        error_messages={"required": _("Choose the external body.")},
    )
    referred_on = forms.DateField(
        label=_("Referred on"),
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": _("Give the date of the referral.")},
    )
    their_reference = forms.CharField(
        label=_("Their reference (optional)"), required=False, max_length=100
    )
    organisation_position = forms.CharField(
        label=_("The organisation's position"),
        help_text=_("What we told the external body, in short."),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(5),
    )

    def __init__(self, *args: Any, bodies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("— choose —")), *bodies]  # type: ignore[attr-defined]


class ReferralOutcomeForm(forms.Form):
    # No version: the outcome is recorded on the referral, not through a workflow step.
    outcome = forms.ChoiceField(
        label=_("The external body's outcome"),
        choices=ReferralOutcome.choices,
        error_messages={"required": _("Choose the outcome.")},
    )
    outcome_on = forms.DateField(
        label=_("Outcome received on"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    action_required = forms.TypedChoiceField(
        label=_("Did the body ask the organisation to act?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the body asked the organisation to act.")},
    )
    implementation = forms.CharField(
        label=_("What was done (optional until it is done)"),
        required=False,
        max_length=MAX_TEXT,
        widget=_textarea(4),
    )
    implemented_on = forms.DateField(
        label=_("Done on"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
