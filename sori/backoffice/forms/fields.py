"""Form fields the back-office forms share: several files in one input, local date and time."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sori.complaints.attachments import MAX_BYTES, MAX_FILES


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


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read in the organisation's time zone (stored in UTC)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            for pattern in self.input_formats:
                try:
                    naive = dt.datetime.strptime(value, pattern)
                except ValueError:
                    continue
                return naive.replace(tzinfo=ZoneInfo(str(settings.SORI_TIME_ZONE)))
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(str(settings.SORI_TIME_ZONE))).replace(tzinfo=None)
        return super().prepare_value(value)


def yes_no(label: Any, **kwargs: Any) -> forms.TypedChoiceField:
    """A required yes/no question as two radio buttons (an unticked checkbox cannot say "no")."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        **kwargs,
    )
