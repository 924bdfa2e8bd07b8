"""Form fields both front-ends use: several files in one input, and an optional text field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sori.complaints.attachments import MAX_BYTES, MAX_FILES
from sori.complaints.services.intake import LIMITS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to five files in one ``<input type=file multiple>``; the service checks their content."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(max)d files.") % {"max": MAX_FILES}, code="too_many_files"
            )
        for upload in files:
            if upload.size and upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than 10 MB.") % {"name": upload.name},
                    code="file_too_large",
                )
        return files


def optional_text(
    name: str, label: Any, *, hint: Any = "", rows: int = 0, **kwargs: Any
) -> forms.CharField:
    """An optional complaint text field, as long as the intake service allows for ``name``."""
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=LIMITS.get(name),
        required=False,
        widget=widget,
        **kwargs,
    )
