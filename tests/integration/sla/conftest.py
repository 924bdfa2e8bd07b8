"""Helpers for the SLA tests: switching shipped templates on, and reading a complaint's clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sori.accounts.models import Role
from sori.complaints.models import ComplaintType
from sori.core.actors import Actor
from sori.sla.models import SlaPolicy, Timer


def use_only(*codes: str) -> None:
    """Exactly these policies in use (and their complaint types offered), as an organisation
    bound by those rules would set it up in the admin."""
    SlaPolicy.objects.exclude(code__in=codes).update(active=False)
    assert SlaPolicy.objects.filter(code__in=codes).update(active=True) == len(codes)
    ComplaintType.objects.filter(slapolicy__code__in=codes).update(active=True)


def clocks(reference: str) -> dict[tuple[str, int], tuple[dt.datetime, str]]:
    """(stage, round) → (due, policy code) of every timer of the complaint."""
    return {
        (timer.stage, timer.round): (timer.due_at, timer.policy.code)
        for timer in Timer.objects.filter(complaint__reference=reference).select_related("policy")
    }


@pytest.fixture
def manager(make_staff) -> Actor:
    return make_staff(Role.COMPLAINTS_MANAGER, username="manager")


def admin_form_data(response: Any) -> dict[str, Any]:
    """What the admin change page would post back unchanged: the form and its inline formsets."""
    data: dict[str, Any] = {}

    def put(form: Any) -> None:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
                continue
            data[bound.html_name] = "" if value is None else str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            put(form)
    return data
