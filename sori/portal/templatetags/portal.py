"""Template helpers: the language switch that keeps the place, and fields tied to hints and errors."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def same_page_in(context: template.Context, language: str) -> str:
    """This page's address in ``language`` (the same URL name, under the other prefix)."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return f"/{language}/"
    return translate_url(request.path, language)


@register.filter
def widget(field: BoundField, extra_class: str = "") -> SafeString:
    """The field's widget with its hint and error tied to it for assistive technology (WCAG 3.3.1)."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    attrs: dict[str, Any] = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if extra_class:
        attrs["class"] = extra_class
    return field.as_widget(attrs=attrs)


@register.filter
def anchor(field: BoundField) -> str:
    """The id an error-summary link jumps to: the first option of a group, else the field."""
    if getattr(field.field.widget, "input_type", "") == "radio":
        return f"{field.auto_id}_0"
    return str(field.auto_id)
