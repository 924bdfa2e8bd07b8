"""Forms of the public portal: shape only; every rule lives in the services (ISO 10002 7.2, 7.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sori.complaints.models import ContactMethod, Language
from sori.complaints.services.intake import LIMITS
from sori.complaints.services.survey import MAX_COMMENT
from sori.complaints.services.transitions import MAX_NOTE
from sori.web.fields import MultipleFileField
from sori.web.fields import optional_text as _text


class ComplaintForm(forms.Form):
    # ISO 10002 7.2: what happened, in the complainant's own words.
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Describe the problem in your own words: what went wrong and how it affected you."
        ),
        max_length=LIMITS["description"],
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Please describe what happened.")},
    )
    occurred_on = forms.DateField(
        label=_("When did it happen?"),
        help_text=_("The date, if you know it."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-03-14.")},
    )
    occurred_place = _text(
        "occurred_place", _("Where did it happen?"), hint=_("A branch, a website, an address…")
    )
    product_or_service = _text("product_or_service", _("Product or service"))
    order_reference = _text(
        "order_reference",
        _("Order, contract or account number"),
        hint=_("If you have one; it helps us find your case quickly."),
    )
    desired_remedy = _text(
        "desired_remedy",
        _("What would you like us to do?"),
        hint=_("In your own words: an explanation, a repair, a refund…"),
        rows=4,
    )

    anonymous = forms.BooleanField(
        label=_("I want to complain anonymously"),
        help_text=_(
            "We will not ask who you are. You can still follow your complaint with the reference "
            "and access code, but we cannot contact you."
        ),
        required=False,
    )
    name = _text("name", _("Your name"))
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send the acknowledgement and updates here."),
        max_length=LIMITS["email"],
        required=False,
        error_messages={"invalid": _("Enter a valid email address.")},
    )
    phone = _text("phone", _("Phone number"))
    postal_address = _text("postal_address", _("Postal address"), rows=3)
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactMethod.choices,
        initial=ContactMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    preferred_language = forms.ChoiceField(
        label=_("In which language?"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    on_behalf_of = _text(
        "on_behalf_of",
        _("Name of the person you complain for"),
        hint=_("Only if you complain on someone else's behalf."),
    )
    representative_relationship = _text(
        "representative_relationship",
        _("Your relationship to them"),
        hint=_("For example: parent, guardian, lawyer, friend."),
    )
    assistance_needs = _text(
        "assistance_needs",
        _("Do you need any help or adjustments?"),
        hint=_("For example large print, a sign-language interpreter, or calls at a certain time."),
        rows=3,
    )
    attachments = MultipleFileField(
        label=_("Documents or photos (optional)"),
        help_text=_("Up to 5 files, 10 MB each: images, PDF, office documents or plain text."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my information is used to handle "
            "this complaint."
        ),
        error_messages={
            "required": _("Please agree to the privacy notice to send your complaint.")
        },
    )
    # A field people never see: bots fill every field they find (no CAPTCHA, WCAG 3.3.8).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (
            Language.EN if get_language() == "en" else Language.KO
        )
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")
        self.fields["postal_address"].widget.attrs["autocomplete"] = "street-address"

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def add_domain_error(self, field: str | None, message: str) -> None:
        """Place a service's refusal on the field it names (``complainant.email`` → ``email``)."""
        name = (field or "").removeprefix("complainant.")
        name = {"letter": "postal_address"}.get(name, name)
        self.add_error(name if name in self.fields else None, message)


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("For example C-2026-000123."),
        max_length=20,
        error_messages={"required": _("Enter the reference of your complaint.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    access_code = forms.CharField(
        label=_("Access code"),
        help_text=_("The code you were given with the reference, for example ABCD-EFGH-JKLM."),
        max_length=64,
        error_messages={"required": _("Enter your access code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self) -> str:
        return str(self.cleaned_data["reference"]).strip().upper()


class NoteForm(forms.Form):
    """A reason for a rejection, or a reply to a request for information (ISO 10002 7.6, 7.9)."""

    note = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write your answer.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReplyForm(NoteForm):
    attachments = MultipleFileField(
        label=_("Documents or photos (optional)"),
        help_text=_("Up to 5 files, 10 MB each: images, PDF, office documents or plain text."),
    )


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCALE = [(str(n), str(n)) for n in range(1, 6)]


def _rating(label: StrOrPromise, help_text: StrOrPromise) -> forms.TypedChoiceField:
    """A 1–5 answer as a group of radio buttons (a fieldset with a legend in the template)."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )


class SurveyForm(forms.Form):
    """ISO 10002 8.3 / ISO 10004: satisfaction with the process and the outcome, and effort."""

    process = _rating(
        _("How satisfied are you with how we handled your complaint?"),
        _("1 = very dissatisfied, 5 = very satisfied"),
    )
    outcome = _rating(
        _("How satisfied are you with the outcome?"),
        _("1 = very dissatisfied, 5 = very satisfied"),
    )
    ease = _rating(
        _("How easy was it to make your complaint and follow it?"),
        _("1 = very difficult, 5 = very easy"),
    )
    comment = forms.CharField(
        label=_("Anything else you would like to tell us? (optional)"),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
