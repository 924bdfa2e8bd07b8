"""Forms of the improvement-action pages (ISO 10002 8.7): the list's filters, a new action, and
one form per step on an action (edit, start or resume, implementation, effectiveness, cancel).

Shape only; ``sori.governance.services.actions`` decides who may take which step and which
status moves are legal.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.backoffice.forms.fields import yes_no
from sori.governance.models import ActionKind, ActionSource, ActionStatus
from sori.governance.services.actions import MAX_LINKED_COMPLAINTS, MAX_NOTE

# What a person opens by hand; the analysis pages open the others (signals, groups, objectives).
MANUAL_SOURCES = (
    ActionSource.COMPLAINT,
    ActionSource.INTERNAL_AUDIT,
    ActionSource.MANAGEMENT_REVIEW,
    ActionSource.OTHER,
)
_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_ERRORS = {"invalid": _("Enter a date, for example 2026-03-14.")}


def _owner_field(required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Owner"),
        required=required,
        coerce=int,
        empty_value=None,
        choices=[],
        help_text=_("The person who sees the action through."),
        error_messages={"invalid_choice": _("Choose an active staff member as the owner.")},
    )


def _set_owners(form: forms.Form, owners: list[tuple[int, str]], empty: Any) -> None:
    if "owner" in form.fields:
        form.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", empty),
            *[(str(pk), label) for pk, label in owners],
        ]


def _note(label: Any, required_message: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": required_message,
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )


def _kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Kind"),
        # Not given (an older page): a new action is corrective, an edit leaves it as it is.
        required=False,
        choices=ActionKind.choices,
        initial=ActionKind.CORRECTIVE.value,
        help_text=_(
            "Corrective: removes the cause of a problem found. Preventive: removes the cause of "
            "a problem that could happen. Improvement: makes the process or the service better."
        ),
        error_messages={"invalid_choice": _("Choose corrective, preventive or improvement.")},
    )


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ActionStatus.choices],
        error_messages={"invalid_choice": _("There is no such status.")},
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any source")), *ActionSource.choices],
        error_messages={"invalid_choice": _("There is no such source.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *ActionKind.choices],
        error_messages={"invalid_choice": _("There is no such kind.")},
    )
    owner = _owner_field()
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    check_due = forms.BooleanField(label=_("Effectiveness check due"), required=False)
    # ISO 10002 8.7: "show me an improvement that came from a complaint" is one click.
    from_complaints = forms.BooleanField(label=_("Came from complaints"), required=False)
    complaint = forms.CharField(
        label=_("Linked to complaint"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"spellcheck": "false", "placeholder": "C-2026-000001"}),
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].help_text = ""
        _set_owners(self, owners, _("Anyone"))


class NewActionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Give the action a title."),
            "max_length": _("Keep the title under %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=_("What will be done and why"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    cause = forms.CharField(
        label=_("Cause found"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source = forms.ChoiceField(
        label=_("Where the action comes from"),
        choices=[(source.value, source.label) for source in MANUAL_SOURCES],
        initial=ActionSource.OTHER.value,
        error_messages={"invalid_choice": _("Choose where the action comes from.")},
    )
    kind = _kind_field()
    complaints = forms.CharField(
        label=_("Complaints behind it"),
        required=False,
        help_text=_("Complaint references, separated by spaces, commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )
    owner = _owner_field()
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=_DATE_WIDGET, error_messages=_DATE_ERRORS
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_owners(self, owners, _("Nobody yet"))

    def clean_complaints(self) -> list[str]:
        text = self.cleaned_data.get("complaints") or ""
        references = [part for part in re.split(r"[\s,;]+", text) if part]
        if len(references) > MAX_LINKED_COMPLAINTS:
            raise forms.ValidationError(
                _("An action can link at most %(limit)d complaints.")
                % {"limit": MAX_LINKED_COMPLAINTS}
            )
        return references


class EditActionForm(forms.Form):
    kind = _kind_field()
    description = forms.CharField(
        label=_("What will be done and why"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    cause = forms.CharField(
        label=_("Cause found"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = _owner_field()
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=_DATE_WIDGET, error_messages=_DATE_ERRORS
    )

    def __init__(
        self, *args: Any, owners: list[tuple[int, str]], may_assign: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "id_edit_%s")
        super().__init__(*args, **kwargs)
        if may_assign:
            _set_owners(self, owners, _("Nobody yet"))
        else:
            # Only managers choose the owner: the field is not offered (nor read) otherwise.
            del self.fields["owner"]


class StartForm(forms.Form):
    """Start the work, or resume it after an effectiveness check found it not effective."""

    status = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[(ActionStatus.IN_PROGRESS.value, "")]
    )


class ImplementationForm(forms.Form):
    note = _note(
        _("What was done"),
        _("Say what was done."),
        _("The effectiveness is checked next, against this."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_implement_%s")
        super().__init__(*args, **kwargs)


class EffectivenessForm(forms.Form):
    effective = yes_no(
        _("Did the action remove the cause?"),
        error_messages={"required": _("Answer whether the action was effective.")},
    )
    note = _note(
        _("What the check looked at and found"),
        _("Say what the check looked at and what it found."),
        _("For example the complaints in this category in the three months after the change."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_check_%s")
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = _note(_("Why the action is cancelled"), _("Say why the action is cancelled."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_cancel_%s")
        super().__init__(*args, **kwargs)
