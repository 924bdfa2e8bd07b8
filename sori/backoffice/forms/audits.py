"""The internal-audit forms (ISO 10002 8.5): shape only; ``sori.governance.services.audits``
checks the rules (an eligible auditor, independence, the audit's status)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.governance.audits import MAX_SAMPLE
from sori.governance.models import ChecklistResult, FindingKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=_DATE,
        error_messages={
            "required": _("Enter a date."),
            "invalid": _("Enter a date like 2026-01-31."),
        },
    )


def _text(
    label: Any,
    *,
    required: bool = False,
    rows: int = 3,
    help_text: Any = "",
    max_length: int = 10_000,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": _("This field is required."),
            "max_length": _("Keep this under %(limit_value)d characters."),
        },
    )


def _title() -> forms.CharField:
    return forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Give it a title."),
            "max_length": _("Keep the title under %(limit_value)d characters."),
        },
    )


class _PeriodForm(forms.Form):
    _period = ("period_from", "period_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = (data.get(name) for name in self._period)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error(
                self._period[1], _("The end of the period must not be before its start.")
            )
        return data


class ProgrammeForm(_PeriodForm):
    title = _title()
    period_from = _date(_("From"))
    period_to = _date(_("To"))
    description = _text(_("Aims and method"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_programme_%s")
        super().__init__(*args, **kwargs)


class AuditForm(_PeriodForm):
    _period = ("scope_from", "scope_to")
    title = _title()
    programme = forms.TypedChoiceField(
        label=_("Programme"), required=False, coerce=int, empty_value=None
    )
    scope = _text(
        _("Scope"),
        help_text=_("What the audit looks at, for example the handling of delivery complaints."),
    )
    scope_from = _date(_("Complaints received from"))
    scope_to = _date(_("Complaints received until"))
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Includes its sub-categories."),
    )
    auditor = forms.TypedChoiceField(
        label=_("Auditor"),
        coerce=int,
        help_text=_(
            "The staff member who carries out the audit. They must be independent: "
            "complaints they handled are never in their sample. The read-only auditor "
            "role examines records and changes nothing, so it cannot be named here."
        ),
        error_messages={
            "required": _("Choose the auditor."),
            "invalid_choice": _("Choose the auditor from the list."),
        },
    )
    planned_on = _date(_("Planned for"))

    def __init__(
        self,
        *args: Any,
        auditors: list[tuple[int, str]],
        programmes: list[tuple[int, str]],
        units: list[tuple[int, str]],
        categories: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "id_audit_%s")
        super().__init__(*args, **kwargs)
        choose = [("", _("Choose…"))]
        self._choices("auditor", [*choose, *auditors])
        self._choices("programme", [("", _("no programme")), *programmes])
        self._choices("unit", [("", _("every unit")), *units])
        self._choices("category", [("", _("every category")), *categories])
        for name in ("programme", "unit", "category"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose from the list.")

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        self.fields[name].choices = choices  # type: ignore[attr-defined]


class ChecklistForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Result"),
        choices=ChecklistResult.choices,
        error_messages={"invalid_choice": _("Choose a result.")},
    )
    note = _text(_("Evidence seen"), rows=2)


class DrawForm(forms.Form):
    size = forms.IntegerField(
        label=_("How many complaints"),
        min_value=1,
        max_value=MAX_SAMPLE,
        initial=5,
        error_messages={
            "required": _("Enter how many complaints to draw."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Draw at least one complaint."),
            "max_value": _("Draw at most %(limit_value)s complaints."),
        },
    )
    seed = forms.IntegerField(
        label=_("Seed (optional)"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_(
            "Leave empty for a fresh random draw; the seed used is recorded in the "
            "audit trail so the draw can be repeated."
        ),
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter a number from 0."),
            "max_value": _("Enter a smaller number."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_draw_%s")
        super().__init__(*args, **kwargs)


class AddSampleForm(forms.Form):
    complaint = forms.CharField(
        label=_("Complaint reference"),
        max_length=20,
        help_text=_("Refused when the auditor took part in handling it."),
        error_messages={"required": _("Enter the complaint's reference.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_add_%s")
        super().__init__(*args, **kwargs)


class SampleNoteForm(forms.Form):
    note = _text(_("What you found in this case file"), required=True, rows=4)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=FindingKind.choices,
        error_messages={"invalid_choice": _("Choose the kind.")},
    )
    clause = forms.ChoiceField(label=_("Clause"), required=False)
    complaint = forms.ChoiceField(label=_("Sampled complaint"), required=False)
    description = _text(_("Finding"), required=True, rows=3)
    open_action = forms.BooleanField(
        label=_("Open an improvement action"),
        required=False,
        help_text=_("A nonconformity always opens one; tick for an observation or opportunity."),
    )

    def __init__(
        self, *args: Any, clauses: list[tuple[str, str]], complaints: list[str], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "id_finding_%s")
        super().__init__(*args, **kwargs)
        self.fields["clause"].choices = [("", _("no particular clause")), *clauses]  # type: ignore[attr-defined]
        picked: list[tuple[str, Any]] = [("", _("none")), *((ref, ref) for ref in complaints)]
        self.fields["complaint"].choices = picked  # type: ignore[attr-defined]
        for name in ("clause", "complaint"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose from the list.")


class CompleteForm(forms.Form):
    conclusion = _text(
        _("Conclusion"),
        required=True,
        rows=4,
        help_text=_(
            "Every clause must be answered or marked not applicable first. A completed "
            "audit no longer changes."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_complete_%s")
        super().__init__(*args, **kwargs)
