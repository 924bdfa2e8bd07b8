"""The management review forms (ISO 10002 8.6): plan a review, write its inputs and minutes,
record a decision.

Shape only; ``sori.governance.services.reviews`` checks the rules (a period in order, a chair
from top management, an owner and a due date for each decision). Its errors name the field they
belong to, and the view puts them there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.governance.models import ActionKind, DecisionKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_ERRORS = {"invalid": _("Enter a date like 2026-03-31.")}
MAX_TEXT = 20000


def _date(label: Any, required_message: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=_DATE,
                           error_messages={**_DATE_ERRORS, "required": required_message})  # fmt: skip


def _text(label: Any, help_text: Any = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )


class _ChairForm(forms.Form):
    chair = forms.TypedChoiceField(
        label=_("Chair"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A member of top management."),
        error_messages={"invalid_choice": _("Choose the chair from the list.")},
    )

    def __init__(self, *args: Any, chairs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = [  # type: ignore[attr-defined]
            ("", _("not chosen yet")),
            *((str(pk), label) for pk, label in chairs),
        ]


class ReviewForm(_ChairForm):
    """Plan a review for a period."""

    period_from = _date(_("Period from"), _("Enter the first day of the period reviewed."))
    period_to = _date(_("Period to"), _("Enter the last day of the period reviewed."))
    planned_on = _date(_("Meeting date"), _("Enter the date of the meeting."))
    attendees = forms.CharField(
        label=_("Attendees"),
        required=False,
        max_length=2000,
        error_messages={"max_length": _("Keep it under %(limit_value)d characters.")},
    )

    field_order = ["period_from", "period_to", "planned_on", "chair", "attendees"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period is before its start."))
        return data


class ReviewInputsForm(_ChairForm):
    """The inputs a person brings, the attendees and the minutes, while the review is a draft."""

    planned_on = _date(_("Meeting date"), _("Enter the date of the meeting."))
    attendees = _text(_("Attendees"), rows=2)
    changes = _text(
        _("Changes that affect complaints handling"),
        _("Changes in the organisation, its products, laws or customers' expectations."),
    )
    recommendations = _text(_("Recommendations for improvement"))
    minutes = _text(
        _("Minutes and conclusions"), _("Required before top management holds the review."), 8
    )

    field_order = ["planned_on", "chair", "attendees", "changes", "recommendations", "minutes"]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=DecisionKind.choices,
        error_messages={
            "required": _("Choose the kind of decision."),
            "invalid_choice": _("Choose a kind from the list."),
        },
    )
    text = forms.CharField(
        label=_("Decision"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write down the decision."),
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        empty_value=None,
        error_messages={
            "required": _("Name who carries the decision out."),
            "invalid_choice": _("Choose an owner from the list."),
        },
    )
    due_on = _date(_("Due"), _("Give the date by which it is done."))
    open_action = forms.BooleanField(
        label=_("Follow it as an improvement action"),
        required=False,
        help_text=_("Opens an improvement action (ISO 10002 8.7) with the same owner and date."),
    )
    action_kind = forms.ChoiceField(
        label=_("Kind of improvement action"),
        choices=ActionKind.choices,
        initial=ActionKind.IMPROVEMENT,
        required=False,
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("choose")),
            *((str(pk), label) for pk, label in owners),
        ]
