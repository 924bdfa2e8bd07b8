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
from sori.backoffice.forms.action_fields import ActionFieldsForm

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


class GroupActionForm(_GroupForm, ActionFieldsForm):
    prefix_name = "action"


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
