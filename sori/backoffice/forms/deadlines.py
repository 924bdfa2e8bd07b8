"""The deadline extension form (ISO 10002 7.3): a new date and the reason the complainant is told.

Shape only; ``sori.sla.services.extension.extend_deadline`` decides whether the extension is
allowed (once per stage, a working day, within the policy's longest extension).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.sla.models import Stage
from sori.sla.services.extension import MAX_REASON


class ExtensionForm(forms.Form):
    stage = forms.ChoiceField(widget=forms.HiddenInput, choices=Stage.choices)
    new_date = forms.DateField(
        label=_("New deadline"),
        help_text=_("A working day; the deadline falls at the close of business that day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the new date."),
            "invalid": _("Enter a date, for example 2026-03-14."),
        },
    )
    reason = forms.CharField(
        label=_("Reason for the extension"),
        help_text=_("The complainant is told this reason and the new date."),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the reason for the extension; the complainant is told it.")
        },
    )

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        # One form per stage on the page: each needs its own element ids.
        kwargs.setdefault("auto_id", f"id_extend_{stage}_%s")
        kwargs.setdefault("initial", {"stage": stage})
        super().__init__(*args, **kwargs)
