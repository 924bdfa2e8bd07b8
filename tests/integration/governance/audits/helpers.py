"""Set-up for the internal-audit tests: a planned audit over today's complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sori.complaints.models import Category
from sori.core import clock
from sori.core.actors import Actor
from sori.governance.models import InternalAudit
from sori.governance.services.audits import plan_audit, start_audit


def today() -> dt.date:
    from sori.analytics.filters import time_zone

    return clock.now().astimezone(time_zone()).date()


def planned(planner: Actor, auditor: Actor, **scope: Any) -> InternalAudit:
    day = today()
    values: dict[str, Any] = {"scope_from": day - dt.timedelta(days=30), "scope_to": day}
    values.update(scope)
    return plan_audit(
        actor=planner,
        title="Delivery complaints",
        auditor_id=auditor.user_id,
        planned_on=day,
        **values,
    )


def started(planner: Actor, auditor: Actor, **scope: Any) -> InternalAudit:
    audit = planned(planner, auditor, **scope)
    start_audit(actor=auditor, reference=audit.reference)
    audit.refresh_from_db()
    return audit


def category(code: str, parent: Category | None = None) -> Category:
    return Category.objects.get_or_create(
        code=code, defaults={"label_ko": code, "label_en": code, "parent": parent}
    )[0]


def unit(code: str):  # type: ignore[no-untyped-def]
    from sori.accounts.models import Unit

    return Unit.objects.get_or_create(code=code, defaults={"name_ko": code, "name_en": code})[0]
