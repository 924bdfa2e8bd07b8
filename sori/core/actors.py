"""Who does something: every service takes an ``actor`` so the audit trail can name them (ISO 10002 4.12)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ActorKind(StrEnum):
    STAFF = "staff"
    COMPLAINANT = "complainant"
    SYSTEM = "system"
    EMAIL = "email"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str
    user_id: int | None = None
    role: str | None = None
    unit_id: int | None = None
    authority_limit: Decimal | None = None
    # The complaint a complainant actor proved access to (reference + access code).
    complaint_reference: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF

    @property
    def audit_id(self) -> str:
        if self.user_id is not None:
            return f"{self.kind.value}:{self.user_id}"
        if self.complaint_reference:
            return f"{self.kind.value}:{self.complaint_reference}"
        return self.kind.value


SYSTEM = Actor(kind=ActorKind.SYSTEM, label="system")
# A member of the public who has not proved access to any complaint (submitting, looking up).
PUBLIC = Actor(kind=ActorKind.COMPLAINANT, label="public")


def complainant_actor(reference: str) -> Actor:
    return Actor(kind=ActorKind.COMPLAINANT, label="complainant", complaint_reference=reference)
