"""The policy forms (ISO 10002 5.1, 5.2): a draft's text, the approval note and the effective date.

Shape only; ``sori.governance.services.policy`` checks the rules (only a draft changes, only a
complete draft is approved, only an approved version is published, not from a past date).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sori.governance.services.policy import MAX_BODY, MAX_NOTE, MAX_TITLE, PolicyText

_TOO_LONG = _("Keep this under %(limit_value)d characters.")


def _text(label: Any, rows: int, max_length: int, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": _TOO_LONG},
    )


class PolicyDraftForm(forms.Form):
    """A draft may be saved incomplete; approval asks for both languages."""

    title_ko = forms.CharField(
        label=_("Title (Korean)"), required=False, max_length=MAX_TITLE,
        error_messages={"max_length": _TOO_LONG},
    )  # fmt: skip
    body_ko = _text(_("Policy (Korean)"), 14, MAX_BODY,
                    _("Leave an empty line between paragraphs. The first paragraph is shown on "
                      "the how-to-complain page."))  # fmt: skip
    title_en = forms.CharField(
        label=_("Title (English)"), required=False, max_length=MAX_TITLE,
        error_messages={"max_length": _TOO_LONG},
    )  # fmt: skip
    body_en = _text(_("Policy (English)"), 14, MAX_BODY)
    change_summary = _text(_("What changed"), 3, MAX_BODY,
                           _("For the version history: what this version changes and why."))  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_draft_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The text is typed in its own language whatever the page's (WCAG 3.1.2).
        for name in ("title_ko", "body_ko", "title_en", "body_en"):
            self.fields[name].widget.attrs["lang"] = name[-2:]

    def policy_text(self) -> PolicyText:
        data = self.cleaned_data
        return PolicyText(
            title_ko=data.get("title_ko") or "",
            title_en=data.get("title_en") or "",
            body_ko=data.get("body_ko") or "",
            body_en=data.get("body_en") or "",
            change_summary=data.get("change_summary") or "",
        )


class ApproveForm(forms.Form):
    note = _text(_("Approval note"), 3, MAX_NOTE,
                 _("Optional: for example the meeting or the decision that approved it."))  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_approve_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from"),
        help_text=_("Today or a later day. The version in force until then ends the day before."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the day the version takes effect."),
            "invalid": _("Enter a date like 2026-01-01."),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_publish_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class WithdrawForm(forms.Form):
    note = _text(_("Why the version is withdrawn"), 2, MAX_NOTE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_withdraw_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class AcknowledgeForm(forms.Form):
    """The version the person read (a stale page names an older one and is refused)."""

    number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
