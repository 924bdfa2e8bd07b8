"""The fields of an improvement action opened from a finding (ISO 10002 8.7).

A control-chart signal, a recurring group and a red objective each offer the same small form;
it is defined once here and combined with what names the finding.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ActionFieldsForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the improvement action"),
        max_length=200,
        error_messages={
            "required": _("Give the action a title."),
            "max_length": _("Keep the title under %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=_("What will be done and why"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the description under %(limit_value)d characters.")},
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose an owner from the list.")},
    )
    due_on = forms.DateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-06-30.")},
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("nobody yet")),
            *((str(pk), label) for pk, label in owners),
        ]
