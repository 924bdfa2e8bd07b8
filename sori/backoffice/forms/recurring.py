"""The recurring-issue page's forms (ISO 10002 8.2): which groups to list, and a manager's decision
about one group — open an improvement action (8.7) or dismiss it with the reason.

Shape only; ``sori.analytics.services.recurring_groups`` decides. Every group on the page has its
own pair of forms, so each form gets its own element ids.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.analytics.models import GroupKind
from sori.analytics.recurring import STATE_LABELS, GroupState
from sori.analytics.services.recurring_groups import MAX_NOTE

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("every kind")), *GroupKind.choices],
        error_messages={"invalid_choice": _("Choose a kind of group from the list.")},
    )
    state = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[(state.value, STATE_LABELS[state]) for state in GroupState],
        initial=GroupState.OPEN.value,
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class _GroupForm(forms.Form):
    prefix_name = "group"

    def __init__(self, *args: Any, slot: str = "x", **kwargs: Any) -> None:
        # Element ids ``id_<prefix_name>_<group>_<field>``: one pair of forms per group.
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_{slot}_%s")
        super().__init__(*args, **kwargs)


class GroupActionForm(_GroupForm):
    prefix_name = "action"

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
        widget=_DATE_WIDGET,
        error_messages={"invalid": _("Enter a date, for example 2026-06-30.")},
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("nobody yet")), *owners]  # type: ignore[attr-defined]


class DismissForm(_GroupForm):
    prefix_name = "dismiss"

    note = forms.CharField(
        label=_("Why no action is needed"),
        help_text=_("For example: the complaints are already covered by an open action."),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the group needs no action; auditors read the reason."),
            "max_length": _("Keep the reason under %(limit_value)d characters."),
        },
    )
