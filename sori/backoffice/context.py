"""What every back-office page needs in its layout: the staff member, their role, the menu.

A menu entry appears only when its URL exists (features arrive one by one, so a page never
breaks on a link to one that is not there yet) and when the person's role may open it.
Nothing is read from the database unless a template asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sori.accounts.models import Role
from sori.analytics.recurring import RECURRING_READERS
from sori.audit.selectors import TRAIL_READERS
from sori.backoffice.auth import staff_actor
from sori.backoffice.views.control_charts import READERS as CONTROL_CHART_READERS
from sori.core.actors import Actor
from sori.governance import access
from sori.governance.models import PolicyVersion
from sori.governance.objectives import OBJECTIVE_READERS
from sori.governance.policy import policy_to_acknowledge

# Who records a complaint received by phone, letter or in person (ISO 10002 7.2).
_INTAKE_ROLES = frozenset(
    {Role.HANDLER.value, Role.INVESTIGATOR.value, Role.COMPLAINTS_MANAGER.value}
)
# The Django admin: the people who configure Sori and those who read every record there.
_ADMIN_ROLES = frozenset(
    {Role.COMPLAINTS_MANAGER.value, Role.ADMINISTRATOR.value, Role.AUDITOR.value}
)

# (URL name, label, roles allowed or None for every staff member, URL names that count as "here")
_MENU: tuple[tuple[str, Promise, frozenset[str] | None, tuple[str, ...]], ...] = (
    ("backoffice:queue", _("Queue"), None, ("queue",)),
    ("backoffice:intake", _("New complaint"), _INTAKE_ROLES, ("intake",)),
    ("backoffice:audit-trail", _("Audit trail"), TRAIL_READERS, ("audit-trail", "audit-verify")),
    (
        "backoffice:personal-data-log",
        _("Personal-data access log"),
        TRAIL_READERS,
        ("personal-data-log",),
    ),
    (
        "backoffice:analytics",
        _("Analysis"),
        None,
        ("analytics", "analytics-export", "analytics-chart"),
    ),
    ("backoffice:control-charts", _("Control charts"), CONTROL_CHART_READERS, ("control-charts",)),
    (
        "backoffice:recurring",
        _("Recurring issues"),
        RECURRING_READERS,
        ("recurring", "recurring-group"),
    ),
    (
        "backoffice:objectives",
        _("Objectives"),
        OBJECTIVE_READERS,
        ("objectives", "objectives-new", "objective"),
    ),
    (
        "backoffice:improvement-actions",
        _("Improvement actions"),
        None,
        ("improvement-actions", "improvement-action-new", "improvement-action"),
    ),
    (
        "backoffice:policy",
        _("Policy"),
        access.POLICY_READERS,
        ("policy", "policy-version", "policy-new"),
    ),
    ("backoffice:roles", _("Roles"), access.ROLE_MATRIX_READERS, ("roles",)),
    (
        "backoffice:training",
        _("Training"),
        None,
        ("training", "training-person", "training-record"),
    ),
    (
        "backoffice:audits",
        _("Internal audits"),
        access.AUDIT_READERS,
        ("audits", "audit", "audit-sample"),
    ),
    ("backoffice:reviews", _("Management reviews"), access.REVIEW_READERS, ("reviews", "review")),
    ("backoffice:conformance", _("Conformance"), access.CONFORMANCE_READERS, ("conformance",)),
    ("backoffice:outbox", _("Outbox"), _ADMIN_ROLES, ("outbox",)),
    ("admin:index", _("Administration"), _ADMIN_ROLES, ()),
)


def optional_url(name: str, *args: Any) -> str | None:
    """``reverse(name)``, or None while no page has that name."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    current: bool


class BackOffice:
    """The layout's view of the request; each part is worked out on first use."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def actor(self) -> Actor | None:
        return staff_actor(self.request)

    @cached_property
    def role_label(self) -> str:
        if self.actor is None or not self.actor.role:
            return ""
        return str(Role(self.actor.role).label) if self.actor.role in Role.values else ""

    @cached_property
    def menu(self) -> list[MenuItem]:
        actor = self.actor
        if actor is None:
            return []
        match = self.request.resolver_match
        here = match.url_name if match is not None and match.namespace == "backoffice" else None
        items = []
        for name, label, roles, names in _MENU:
            if roles is not None and actor.role not in roles:
                continue
            url = optional_url(name)
            if url is not None:
                items.append(MenuItem(url=url, label=str(label), current=here in names))
        return items

    @cached_property
    def policy_to_acknowledge(self) -> PolicyVersion | None:
        """The policy in force, while this staff member has not acknowledged it (ISO 10002 5.2,
        R-5.3.1: a new version is a task for every member of staff); one query, on first use."""
        return policy_to_acknowledge(viewer=self.actor)


def backoffice(request: HttpRequest) -> dict[str, Any]:
    # Times are stored in UTC and shown in the organisation's zone.
    zone = settings.SORI_TIME_ZONE or "Asia/Seoul"
    return {"backoffice": BackOffice(request), "SORI_TIME_ZONE": zone}
