"""The queue's filter form (GET) and the form that saves a filter under a name (ISO 10002 7.3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.complaints.models import Channel, Priority
from sori.complaints.queue import (
    MISSABLE_STAGES,
    NO_CATEGORY,
    NO_ROOT_CAUSE,
    SURVEY_ANSWERED,
    SURVEY_UNANSWERED,
    UNASSIGNED,
    DueState,
    FilterChoices,
    QueueFilter,
    State,
    View,
)
from sori.complaints.workflow import STATUS_LABELS, Status

VIEW_LABELS = {
    View.MINE: _("My complaints"),
    View.TEAM: _("My team"),
    View.ALL: _("All"),
}
STATE_CHOICES = [
    (State.OPEN.value, _("Open")),
    (State.CLOSED.value, _("Closed, withdrawn or merged")),
    (State.ANY.value, _("Open and closed")),
]
DUE_CHOICES = [
    ("", _("Any due time")),
    (DueState.OVERDUE.value, _("Overdue")),
    (DueState.TODAY.value, _("Due today")),
    (DueState.SOON.value, _("Due within 3 days")),
    (DueState.LATER.value, _("Not due within 3 days, or no due time")),
]
_DATE = forms.DateInput(attrs={"type": "date"})


def _choices(blank: Any, values: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", blank), *values]


class QueueFilterForm(forms.Form):
    """Every field is optional; an empty form is the default queue (open complaints, all tabs)."""

    view = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=200,
        help_text=_(
            "Searches the subject, the description and internal notes. "
            "A word finds longer words that start with it: 환불 finds 환불을."
        ),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    state = forms.ChoiceField(
        label=_("Open or closed"),
        required=False,
        choices=STATE_CHOICES,
        widget=forms.RadioSelect,
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[(status.value, STATUS_LABELS[status]) for status in Status],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every status."),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_choices(_("Any priority"), Priority.choices)
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        help_text=_("Includes its sub-categories."),
    )
    category_only = forms.BooleanField(
        label=_("This category only, not its sub-categories"), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_choices(_("Any channel"), Channel.choices)
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    assignee = forms.ChoiceField(label=_("Handler"), required=False)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES)
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=_DATE,
        error_messages={"invalid": _("Enter a date like 2026-03-01.")},
    )
    received_to = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=_DATE,
        error_messages={"invalid": _("Enter a date like 2026-03-31.")},
    )
    # ISO 10002 8.2: what the dashboards' figures drill down to.
    closed_from = forms.DateField(
        label=_("Closed from"),
        required=False,
        widget=_DATE,
        error_messages={"invalid": _("Enter a date like 2026-03-01.")},
    )
    closed_to = forms.DateField(
        label=_("Closed until"),
        required=False,
        widget=_DATE,
        error_messages={"invalid": _("Enter a date like 2026-03-31.")},
    )
    root_cause = forms.ChoiceField(
        label=_("Root cause"),
        required=False,
        help_text=_("Includes the causes below it."),
    )
    product = forms.CharField(
        label=_("Product or service"),
        required=False,
        max_length=300,
        help_text=_("As recorded on the complaint, in full."),
    )
    # ISO 10002 7.4, 4.15: the misses behind an "on time" figure of the dashboard.
    missed = forms.ChoiceField(
        label=_("Deadline missed"),
        required=False,
        choices=[("", _("Any or none")), *MISSABLE_STAGES],
        error_messages={"invalid_choice": _("Choose a stage from the list.")},
    )
    missed_from = forms.DateField(
        label=_("Missed from"),
        required=False,
        widget=_DATE,
        help_text=_("The day the stage's clock stopped late."),
        error_messages={"invalid": _("Enter a date like 2026-03-01.")},
    )
    missed_to = forms.DateField(
        label=_("Missed until"),
        required=False,
        widget=_DATE,
        error_messages={"invalid": _("Enter a date like 2026-03-31.")},
    )

    # ISO 10002 8.2: the dashboards' "open at the end" of a past period.
    open_at = forms.DateField(
        label=_("Open at the end of"),
        required=False,
        widget=_DATE,
        help_text=_(
            "Received by the end of that day and neither closed, withdrawn nor merged by then."
        ),
        error_messages={"invalid": _("Enter a date like 2026-03-31.")},
    )

    # ISO 10002 8.3: the satisfaction table's survey answers drill down here.
    survey = forms.ChoiceField(
        label=_("Satisfaction survey"),
        required=False,
        choices=[
            ("", _("Answered or not")),
            (SURVEY_ANSWERED, _("Answered")),
            (SURVEY_UNANSWERED, _("Not answered")),
        ],
        error_messages={"invalid_choice": _("Choose from the list.")},
    )

    def __init__(self, data: Any, *, choices: FilterChoices) -> None:
        super().__init__(data)
        fields = self.fields
        fields["view"].choices = [(view.value, VIEW_LABELS[view]) for view in choices.views]  # type: ignore[attr-defined]
        fields["category"].choices = _choices(  # type: ignore[attr-defined]
            _("Any category"),
            [
                (NO_CATEGORY, _("Not classified")),
                *((each.value, "\u2003" * each.depth + each.label) for each in choices.categories),
            ],
        )
        fields["unit"].choices = _choices(  # type: ignore[attr-defined]
            _("Any unit"), [(each.value, each.label) for each in choices.units]
        )
        fields["root_cause"].choices = _choices(  # type: ignore[attr-defined]
            _("Any root cause"),
            [
                (NO_ROOT_CAUSE, _("Not recorded")),
                *((each.value, "\u2003" * each.depth + each.label) for each in choices.root_causes),
            ],
        )
        fields["assignee"].choices = _choices(  # type: ignore[attr-defined]
            _("Anyone or no one"),
            [(UNASSIGNED, _("Not assigned yet")), *((c.value, c.label) for c in choices.assignees)],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        start, end = data.get("closed_from"), data.get("closed_to")
        if start and end and start > end:
            self.add_error("closed_to", _("The end date is before the start date."))
        start, end = data.get("missed_from"), data.get("missed_to")
        if start and end and start > end:
            self.add_error("missed_to", _("The end date is before the start date."))
        if (start or end) and not data.get("missed"):
            self.add_error("missed", _("Choose the stage whose deadline was missed."))
        return data

    def to_filter(self) -> QueueFilter:
        data = self.cleaned_data
        return QueueFilter(
            view=View(data.get("view") or View.ALL),
            state=State(data.get("state") or State.OPEN),
            statuses=tuple(data.get("status") or ()),
            priority=data.get("priority") or "",
            category=data.get("category") or "",
            category_only=bool(data.get("category_only")) and bool(data.get("category")),
            channel=data.get("channel") or "",
            unit=data.get("unit") or "",
            assignee=data.get("assignee") or "",
            due=data.get("due") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            closed_from=data.get("closed_from"),
            closed_to=data.get("closed_to"),
            root_cause=data.get("root_cause") or "",
            product=(data.get("product") or "").strip(),
            missed=data.get("missed") or "",
            missed_from=data.get("missed_from"),
            missed_to=data.get("missed_to"),
            open_at=data.get("open_at"),
            survey=data.get("survey") or "",
            q=(data.get("q") or "").strip(),
        )


class SaveFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Saving under a name you already use replaces that filter."),
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
