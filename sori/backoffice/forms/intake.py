"""Recording a complaint received by phone, letter, in person or email (ISO 10002 7.2).

Shape only; ``submit_complaint`` checks the rest (contact detail for the chosen method, the
relationship when someone complains on another's behalf, the category).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sori.complaints.models import Channel, ContactMethod, Language
from sori.complaints.services.intake import LIMITS, ComplainantInput, ComplaintInput
from sori.web.fields import MultipleFileField
from sori.web.fields import optional_text as _text

# The channels staff record for someone; web and API complaints arrive by themselves.
STAFF_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.LETTER.value, Channel.LETTER.label),
    (Channel.IN_PERSON.value, Channel.IN_PERSON.label),
    (Channel.EMAIL.value, Channel.EMAIL.label),
]


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How was the complaint received?"),
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the complaint"), choices=Language.choices, widget=forms.RadioSelect
    )
    subject = _text("subject", _("Subject"), hint=_("A few words the queue can show."))
    description = forms.CharField(
        label=_("What happened"),
        help_text=_("In the complainant's words, as fully as they told it."),
        max_length=LIMITS["description"],
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Describe what the complainant told you.")},
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    occurred_on = forms.DateField(
        label=_("When it happened"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-03-14.")},
    )
    occurred_place = _text("occurred_place", _("Where it happened"))
    product_or_service = _text("product_or_service", _("Product or service"))
    order_reference = _text("order_reference", _("Order, contract or account number"))
    desired_remedy = _text("desired_remedy", _("What the complainant asks for"), rows=3)

    anonymous = forms.BooleanField(
        label=_("The complainant gave no name or contact details"),
        help_text=_(
            "They can still follow the complaint with the reference and access code you give them."
        ),
        required=False,
    )
    name = _text("name", _("Complainant's name"))
    email = forms.EmailField(
        label=_("Email address"),
        max_length=LIMITS["email"],
        required=False,
        error_messages={"invalid": _("Enter a valid email address.")},
    )
    phone = _text("phone", _("Phone number"))
    postal_address = _text("postal_address", _("Postal address"), rows=3)
    preferred_contact = forms.ChoiceField(
        label=_("How the complainant wants to be contacted"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for letters and messages"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    on_behalf_of = _text(
        "on_behalf_of",
        _("Complaining on behalf of"),
        hint=_("The name of the person affected, if someone complains for them."),
    )
    representative_relationship = _text(
        "representative_relationship",
        _("Relationship to that person"),
        hint=_("For example: parent, guardian, lawyer, friend."),
    )
    assistance_needs = _text(
        "assistance_needs",
        _("Help or adjustments the complainant needs"),
        hint=_("For example large print, an interpreter, calls at a certain time."),
        rows=2,
    )
    attachments = MultipleFileField(
        label=_("Documents or photos"),
        help_text=_("Up to 5 files, 10 MB each: images, PDF, office documents or plain text."),
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Not chosen yet")),
            *categories,
        ]
        language = Language.EN if get_language() == "en" else Language.KO
        self.fields["language"].initial = language
        self.fields["preferred_language"].initial = language
        self.fields["channel"].initial = Channel.PHONE
        self.fields["preferred_contact"].initial = ContactMethod.PHONE
        self.fields["phone"].widget.attrs["type"] = "tel"
        for name in ("name", "email", "phone", "postal_address"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def complaint_input(self) -> ComplaintInput:
        data = self.cleaned_data
        person = None
        if not data.get("anonymous"):
            person = ComplainantInput(
                name=data.get("name") or "",
                email=data.get("email") or "",
                phone=data.get("phone") or "",
                postal_address=data.get("postal_address") or "",
                preferred_contact=data["preferred_contact"],
                preferred_language=data["preferred_language"],
            )
        return ComplaintInput(
            description=data["description"],
            channel=data["channel"],
            language=data["language"],
            subject=data.get("subject") or "",
            category=data.get("category") or None,
            desired_remedy=data.get("desired_remedy") or "",
            occurred_on=data.get("occurred_on"),
            occurred_place=data.get("occurred_place") or "",
            product_or_service=data.get("product_or_service") or "",
            order_reference=data.get("order_reference") or "",
            on_behalf_of=data.get("on_behalf_of") or "",
            representative_relationship=data.get("representative_relationship") or "",
            assistance_needs=data.get("assistance_needs") or "",
            complainant=person,
        )

    def add_domain_error(self, field: str | None, message: str) -> None:
        """Put a service's refusal on the field it names (``complainant.email`` → ``email``)."""
        name = (field or "").removeprefix("complainant.")
        name = {"letter": "postal_address"}.get(name, name)
        self.add_error(name if name in self.fields else None, message)
