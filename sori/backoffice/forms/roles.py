"""The appointment forms (ISO 10002 5.3 responsibility and authority; 2018: 5.4).

Shape only; ``sori.governance.services.appointments`` checks the rules (an active staff member,
one representative at a time, an end not before the start).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.governance.models import Duty

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AppointForm(forms.Form):
    duty = forms.ChoiceField(
        label=_("Duty"),
        choices=Duty.choices,
        error_messages={
            "required": _("Choose the duty."),
            "invalid_choice": _("Choose the representative or a deputy."),
        },
    )
    user = forms.TypedChoiceField(
        label=_("Staff member"),
        coerce=int,
        error_messages={
            "required": _("Choose who is appointed."),
            "invalid_choice": _("Choose a staff member from the list."),
        },
    )
    starts_on = forms.DateField(
        label=_("From"),
        required=False,
        widget=_DATE,
        help_text=_("Empty means today. A new representative takes over from the previous one."),
        error_messages={"invalid": _("Enter a date like 2026-01-01.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the decision or minutes that made the appointment."),
        error_messages={"max_length": _("Keep the note under %(limit_value)d characters.")},
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_appoint_%s")
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Choose…")), *staff]  # type: ignore[attr-defined]


class EndAppointmentForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=_DATE,
        help_text=_("Empty means today."),
        error_messages={"invalid": _("Enter a date like 2026-12-31.")},
    )
