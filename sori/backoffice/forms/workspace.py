"""The workspace's forms: workflow steps, assessment, assignment, investigation, related cases.

Shape only (lengths, choices, required answers); the services decide whether the step is
allowed (ISO 10002 7.5, 7.6, 4.7). Choices that depend on the complaint (staff, units, root
causes) come from ``workspace_selectors.Choices``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.backoffice.forms.fields import LocalDateTimeField, yes_no
from sori.complaints.models import ComplaintType, ContactMethodUsed, Level, Priority
from sori.complaints.services.investigation import MAX_TEXT
from sori.complaints.services.links import MAX_NOTE as MAX_LINK_NOTE
from sori.complaints.services.transitions import MAX_NOTE, EventData
from sori.complaints.workflow import Event
from sori.complaints.workspace_selectors import Choices, Person
from sori.web.fields import MultipleFileField

# Workflow steps fired from the workspace with nothing but a note (and, for a merge, the
# complaint to merge into). Steps that carry a response, a letter or a referral have pages of
# their own.
SIMPLE_EVENTS = (
    Event.ACKNOWLEDGE,
    Event.START_INVESTIGATION,
    Event.REQUEST_INFORMATION,
    Event.RECEIVE_INFORMATION,
    Event.ESCALATE,
    Event.CLOSE,
    Event.REOPEN,
    Event.WITHDRAW,
    Event.MERGE,
)
# Steps with a page of their own, that need no more than a note: fired with the generic form
# only while their page is not installed.
NOTE_ONLY_EVENTS = (Event.APPROVE, Event.ACCEPT, Event.REJECT)
GENERIC_EVENTS = frozenset(SIMPLE_EVENTS + NOTE_ONLY_EVENTS)

NOTE_LABELS: dict[Event, Any] = {
    Event.REQUEST_INFORMATION: _("What do you ask the complainant for?"),
    Event.RECEIVE_INFORMATION: _("What the complainant told us"),
    Event.REOPEN: _("Why is the complaint reopened?"),
    Event.WITHDRAW: _("Why is the complaint withdrawn?"),
    Event.ACCEPT: _("What the complainant said"),
    Event.REJECT: _("What the complainant said"),
}
NOTE_REQUIRED: dict[Event, Any] = {
    # ISO 10002 7.6: the complainant must know what is asked of them.
    Event.REQUEST_INFORMATION: _("Say what you ask the complainant for."),
    # ISO 10002 7.9: reopening a closed complaint needs a reason on the record.
    Event.REOPEN: _("Give the reason for reopening the complaint."),
}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(forms.Form):
    # The complaint's version when the page was drawn: a change in between is refused (409).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EventForm(VersionedForm):
    """One workflow step with its note; the event is fixed by the page that drew the form."""

    event = forms.ChoiceField(widget=forms.HiddenInput, choices=[])
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=MAX_NOTE, widget=_textarea()
    )
    into_reference = forms.CharField(
        label=_("Reference of the complaint to merge into"),
        help_text=_("For example C-2026-000123. That complaint keeps both histories."),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, event: str, public: bool = False, **kwargs: Any) -> None:
        # Each step's form on the page needs its own element ids; the field names stay plain.
        kwargs.setdefault("auto_id", f"id_{event}_%s")
        super().__init__(*args, **kwargs)
        self.step = Event(event)
        self.fields["event"].choices = [  # type: ignore[attr-defined]
            (step.value, step.value) for step in GENERIC_EVENTS
        ]
        self.fields["event"].initial = self.step.value
        note = self.fields["note"]
        if self.step in NOTE_LABELS:
            note.label = NOTE_LABELS[self.step]
        if self.step in NOTE_REQUIRED:
            note.required = True
            note.error_messages["required"] = NOTE_REQUIRED[self.step]
        self.set_public(public)
        if self.step is Event.MERGE:
            self.fields["into_reference"].required = True
            self.fields["into_reference"].error_messages["required"] = _(
                "Enter the reference of the complaint to merge into."
            )
        else:
            del self.fields["into_reference"]

    def set_public(self, public: bool) -> None:
        """Say whether the note goes on a line the complainant sees (ISO 10002 7.3)."""
        self.fields["note"].help_text = (
            _("The complainant sees this note on the status page.")
            if public
            else _("Internal: the complainant does not see it.")
        )

    def clean_event(self) -> str:
        value = str(self.cleaned_data["event"])
        if value != self.step.value:
            raise forms.ValidationError(_("This form is for another step."), code="wrong_event")
        return value

    def event_data(self) -> EventData:
        data = self.cleaned_data
        into = str(data.get("into_reference") or "").strip().upper() or None
        return EventData(note=str(data.get("note") or "").strip(), into_reference=into)


def _level(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", _("Choose…")), *Level.choices])


class AssessmentForm(VersionedForm):
    """The initial assessment (ISO 10002 7.5); the priority follows from the matrix."""

    severity = _level(_("Severity"))
    safety_risk = yes_no(
        _("Are there safety implications?"),
        help_text=_(
            "Yes makes the complaint urgent and tells the complaints manager and top "
            "management at once."
        ),
    )
    complexity = _level(_("Complexity"))
    impact = _level(_("Impact"))
    immediate_action_needed = yes_no(_("Is immediate action needed?"))
    immediate_action = forms.CharField(
        label=_("Immediate action taken"),
        help_text=_("What was done or arranged straight away, if anything."),
        required=False,
        max_length=MAX_NOTE,
        widget=_textarea(),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        help_text=_(
            "Leave it to the priority matrix (severity × impact) unless you have a reason."
        ),
        required=False,
        choices=[("", _("From the priority matrix")), *Priority.choices],
    )
    complaint_type = forms.ChoiceField(
        label=_("Complaint type"),
        help_text=_("Some SLA policies apply to one type of complaint: the deadlines follow it."),
        required=False,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Internal: the complainant does not see it."),
        required=False,
        max_length=MAX_NOTE,
        widget=_textarea(),
    )
    field_order = [
        "severity",
        "safety_risk",
        "complexity",
        "impact",
        "immediate_action_needed",
        "immediate_action",
        "priority",
        "complaint_type",
        "note",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = complaint_type_choices()
        if types:
            self.fields["complaint_type"].choices = [  # type: ignore[attr-defined]
                ("", _("Not set")),
                *types,
            ]
        else:
            # No type is configured: the question would only be noise.
            del self.fields["complaint_type"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("immediate_action_needed")
            and not str(data.get("immediate_action") or "").strip()
        ):
            self.add_error(
                "immediate_action",
                _("Say what immediate action was taken or arranged."),
            )
        return data

    def event_data(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            note=str(data.get("note") or "").strip(),
            severity=data["severity"],
            safety_risk=bool(data["safety_risk"]),
            complexity=data["complexity"],
            impact=data["impact"],
            immediate_action_needed=bool(data["immediate_action_needed"]),
            immediate_action=str(data.get("immediate_action") or "").strip() or None,
            priority=data.get("priority") or None,
            complaint_type=data.get("complaint_type") or None,
        )


def complaint_type_choices() -> list[tuple[str, str]]:
    """The active complaint types, labelled in the current language (ISO 10002 7.5)."""
    return [
        (row.code, row.label)
        for row in ComplaintType.objects.filter(active=True).order_by("position", "code")
    ]


class ReassessmentForm(AssessmentForm):
    """A new assessment when the facts change (ISO 10002 7.5, 7.6): the SLA policy is chosen
    again from the new priority and complaint type, and the deadlines follow."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].help_text = _(
            "Left to the priority matrix, the priority is derived again from the new severity "
            "and impact."
        )
        self.fields["note"].label = _("What changed (optional)")


def _person_label(person: Person) -> str:
    parts = [person.label]
    if person.role_label:
        parts.append(f"({person.role_label}{', ' + person.unit if person.unit else ''})")
    if person.objectivity:
        parts.append(f"— {person.objectivity}")
    return " ".join(parts)


def _int_choice(label: Any, **kwargs: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, **kwargs)


class AssignForm(forms.Form):
    assignee = _int_choice(
        _("Handler"),
        required=False,
        help_text=_(
            "Staff named in the complaint or who declared a conflict of interest cannot handle it."
        ),
    )
    unit = _int_choice(_("Unit"), required=False)

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Nobody (back to the unit's queue)")),
            *[(person.id, _person_label(person)) for person in choices.assignees],
        ]
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("The handler's unit")),
            *choices.units,
        ]


class ConflictForm(forms.Form):
    """A declared conflict of interest (ISO 10002 4.7); the person stops handling the case."""

    staff = _int_choice(_("Staff member"))
    reason = forms.CharField(
        label=_("What is the conflict of interest?"), max_length=2000, widget=_textarea()
    )

    def __init__(
        self, *args: Any, choices: Choices, only: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = [only] if only is not None else choices.staff
        self.fields["staff"].choices = [  # type: ignore[attr-defined]
            (person.id, _person_label(person)) for person in people
        ]
        if only is not None:
            self.fields["staff"].initial = only.id


class NamedStaffForm(forms.Form):
    """Staff the complaint is about; none of them may handle it (ISO 10002 4.7)."""

    named_staff = forms.TypedMultipleChoiceField(
        label=_("Staff named in the complaint"),
        help_text=_("Leave all unticked if the complaint names nobody."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_staff"].choices = [  # type: ignore[attr-defined]
            (person.id, f"{person.label} ({person.role_label})") for person in choices.staff
        ]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Only staff see notes; the complainant never does."),
        max_length=MAX_TEXT,
        widget=_textarea(4),
        error_messages={"required": _("Write the note first.")},
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = _int_choice(_("Owner"))
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-03-14.")},
    )

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose…")),
            *[(person.id, _person_label(person)) for person in choices.assignees],
        ]


class TaskDoneForm(forms.Form):
    outcome = forms.CharField(label=_("Result"), max_length=MAX_TEXT, widget=_textarea(2))

    def __init__(self, *args: Any, task_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_task{task_id}_%s")
        super().__init__(*args, **kwargs)


class ContactForm(forms.Form):
    contacted_at = LocalDateTimeField(
        label=_("When"),
        error_messages={"invalid": _("Enter a date and time, for example 2026-03-14 14:30.")},
    )
    method = forms.ChoiceField(label=_("How"), choices=ContactMethodUsed.choices)
    party = forms.CharField(label=_("With whom"), max_length=200)
    with_complainant = forms.BooleanField(
        label=_("With the complainant"),
        help_text=_("A contact with the complainant meets the first-contact deadline."),
        required=False,
    )
    summary = forms.CharField(label=_("What was said"), max_length=MAX_TEXT, widget=_textarea())


class FindingsForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings"),
        help_text=_("What the investigation established."),
        max_length=MAX_TEXT,
        widget=_textarea(5),
    )
    root_cause = forms.ChoiceField(label=_("Root cause"), required=False)
    root_cause_note = forms.CharField(
        label=_("Root cause explained"), required=False, max_length=MAX_TEXT, widget=_textarea()
    )

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].choices = [  # type: ignore[attr-defined]
            ("", _("Not decided yet")),
            *choices.root_causes,
        ]


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(
        label=_("Files"),
        required=True,
        help_text=_("Up to 5 files, 10 MB each: images, PDF, office documents or plain text."),
    )
    share = forms.BooleanField(
        label=_("Share with the complainant"),
        help_text=_("Left unticked, only staff see these files."),
        required=False,
    )


class LinkForm(forms.Form):
    other = forms.CharField(
        label=_("Reference of the related complaint"),
        help_text=_("For example C-2026-000123."),
        max_length=20,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Why they are related (optional)"), required=False, max_length=MAX_LINK_NOTE
    )

    def clean_other(self) -> str:
        return str(self.cleaned_data["other"]).strip().upper()
