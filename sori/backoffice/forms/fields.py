"""Form fields the back-office forms share: local date and time, yes/no."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
