"""Complaints arranged for the queue tests.

Each complaint is submitted through the real intake service; then the fields a queue test is
about (status, due time, unit, handler…) are set on the row, which is test arrangement, not
the behaviour under test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sori.accounts.models import Unit
from sori.accounts.services import actor_for_user, create_staff_user
from sori.complaints.models import Category, Complaint
from sori.complaints.services.intake import ComplaintInput, submit_complaint
from sori.core.actors import SYSTEM, Actor

UTC = dt.UTC


class Casebook:
    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}

    def unit(self, code: str) -> Unit:
        if code not in self.units:
            self.units[code] = Unit.objects.create(
                code=code, name_ko=f"{code} 팀", name_en=f"{code.title()} team"
            )
        return self.units[code]

    def worker(self, role: str, *, username: str, unit: str | None = None) -> Actor:
        user = create_staff_user(
            actor=SYSTEM,
            username=username,
            role=role,
            password=None,
            unit=self.unit(unit) if unit else None,
        )
        actor = actor_for_user(user)
        assert actor is not None
        return actor

    def category(self, code: str, *, parent: Category | None = None) -> Category:
        return Category.objects.create(
            code=code, parent=parent, label_ko=f"{code} 분류", label_en=f"{code} category"
        )

    def complaint(
        self,
        description: str = "택배가 2주째 도착하지 않았습니다.",
        *,
        subject: str = "",
        language: str = "ko",
        unit: str | None = None,
        assignee: Actor | None = None,
        **fields: Any,
    ) -> Complaint:
        receipt = submit_complaint(
            actor=SYSTEM,
            data=ComplaintInput(description=description, subject=subject, language=language),
        )
        changes = dict(fields)
        if unit is not None:
            changes["unit"] = self.unit(unit)
        if assignee is not None:
            changes["assignee_id"] = assignee.user_id
        if changes:
            Complaint.objects.filter(reference=receipt.reference).update(**changes)
        return Complaint.objects.get(reference=receipt.reference)


def at(day: int, hour: int = 9) -> dt.datetime:
    """A moment in March 2026 (UTC)."""
    return dt.datetime(2026, 3, day, hour, tzinfo=UTC)
