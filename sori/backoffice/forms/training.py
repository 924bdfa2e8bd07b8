"""The training-record forms (ISO 10002 6.4 resources; 2018: 4.14 competence).

Shape only; ``sori.governance.services.training`` checks the rules (hours above zero and
plausible, a completion date not in the future, an expiry not before the completion).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.governance.services.training import TrainingInput

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TrainingRecordForm(forms.Form):
    course = forms.TypedChoiceField(
        label=_("Course"),
        coerce=int,
        error_messages={
            "required": _("Choose the course."),
            "invalid_choice": _("Choose a course from the list."),
        },
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=6,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the hours."),
            "invalid": _("Enter the hours as a number, for example 3.5."),
            "max_digits": _(
                "A single course of more than 200 hours is not plausible; check the number."
            ),
            "max_whole_digits": _(
                "A single course of more than 200 hours is not plausible; check the number."
            ),
            "max_decimal_places": _("Enter the hours with at most one decimal place."),
        },
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        widget=_DATE,
        error_messages={
            "required": _("Enter the date the course was completed."),
            "invalid": _("Enter a date like 2026-03-31."),
        },
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=_DATE,
        help_text=_(
            "The last day it counts. Empty: the course's validity from the completion date."
        ),
        error_messages={"invalid": _("Enter a date like 2027-03-31.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Keep the note under %(limit_value)d characters.")},
    )

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("Choose…")), *courses]  # type: ignore[attr-defined]

    def training_input(self, user_id: int) -> TrainingInput:
        data = self.cleaned_data
        return TrainingInput(
            user_id=user_id,
            course_id=data["course"],
            hours=data["hours"],
            completed_on=data["completed_on"],
            expires_on=data["expires_on"],
            note=data["note"],
        )


class DeleteRecordForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it deleted?"),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Keep the reason under %(limit_value)d characters.")},
    )
