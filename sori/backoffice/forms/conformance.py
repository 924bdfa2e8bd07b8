"""The conformance map's period form (GET; ISO 10002 4.1). Shape only: ``from`` and ``to`` are
dates; ``sori.governance.conformance`` checks the period (start not after end, five years at
most) and its error names the field, which the view puts there.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConformancePeriodForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # "from" is a Python keyword, so the fields are added here (the API and CLI names).
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=_DATE,
            help_text=_("Empty: twelve months before the end."),
            error_messages={"invalid": _("Enter a date like 2026-03-01.")},
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            widget=_DATE,
            help_text=_("The last day, included. Empty: today."),
            error_messages={"invalid": _("Enter a date like 2026-03-31.")},
        )
