"""The back office's one adapter from a service's refusal (``DomainError``) to what a person sees.

- ``domain_error_message(error)``: the translated sentence to show.
- ``add_form_errors(form, error, fields=None)``: put it on the form field the error names
  (``error.params["field"]``), or at the top of the form when the form has no such field, so
  the bound form re-renders with everything the person typed.
- ``add_message(request, error)``: the same sentence as a page message (``role="alert"``), for
  actions without a form to re-render (a button that POSTs and redirects).
- ``http_status_for(error)``: the status of the page that shows it (400, 403, 404, 409, 422, 429…).
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from sori.core.errors import DomainError


def domain_error_message(error: DomainError) -> str:
    return str(error.message)


def _field_name(form: forms.BaseForm, field: str, fields: Mapping[str, str] | None) -> str | None:
    if fields and field in fields:
        return fields[field]
    if field in form.fields:
        return field
    # Services name nested input with dots ("complainant.email"); forms are flat.
    last = field.rsplit(".", 1)[-1]
    return last if last in form.fields else None


def add_form_errors(
    form: forms.BaseForm, error: DomainError, fields: Mapping[str, str] | None = None
) -> None:
    """Show ``error`` on the form field it names (``fields`` maps service names to form names).

    The form must have been validated (``is_valid()``) first, as for ``form.add_error``.
    """
    field = error.params.get("field")
    name = _field_name(form, str(field), fields) if field else None
    form.add_error(name, domain_error_message(error))


def add_message(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, domain_error_message(error))


def http_status_for(error: DomainError) -> int:
    return int(error.status)
