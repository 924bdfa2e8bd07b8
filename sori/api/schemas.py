"""Request and response shapes. Validation here is shape only; rules live in the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from sori.complaints.models import (
    Channel,
    ContactMethod,
    Language,
    Level,
    Outcome,
    Priority,
    RemedyType,
)
from sori.complaints.services.intake import LIMITS
from sori.complaints.services.transitions import MAX_NOTE
from sori.complaints.workflow import Event


class DecisionMethod(StrEnum):
    EMAIL = ContactMethod.EMAIL.value
    PHONE = ContactMethod.PHONE.value
    LETTER = ContactMethod.LETTER.value


class ComplainantIn(Schema):
    """Who is complaining; leave the whole object out (or null) to complain anonymously."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=LIMITS["name"])
    email: str = Field("", max_length=LIMITS["email"])
    phone: str = Field("", max_length=LIMITS["phone"])
    postal_address: str = Field("", max_length=LIMITS["postal_address"])
    preferred_contact: ContactMethod = Field(
        ContactMethod.EMAIL, description="How to reach you; the matching detail must be given."
    )
    preferred_language: Language | None = Field(None, description="Defaults to the complaint's.")

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        if value.strip():
            try:
                validate_email(value.strip())
            except DjangoValidationError:
                raise PydanticCustomError(
                    "invalid_email", _("Enter a valid email address.")
                ) from None
        return value


class ComplaintIn(Schema):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        ..., min_length=1, max_length=LIMITS["description"], description="What happened."
    )
    subject: str = Field("", max_length=LIMITS["subject"])
    category: str | None = Field(None, max_length=60, description="A category code.")
    desired_remedy: str = Field(
        "", max_length=LIMITS["desired_remedy"], description="The remedy asked for, in your words."
    )
    language: Language = Language.KO
    channel: Channel = Field(
        Channel.API,
        description="web or api for public callers; phone, letter, in_person and email need a "
        "staff token (staff record complaints received that way).",
    )
    occurred_on: dt.date | None = None
    occurred_place: str = Field("", max_length=LIMITS["occurred_place"])
    product_or_service: str = Field("", max_length=LIMITS["product_or_service"])
    order_reference: str = Field("", max_length=LIMITS["order_reference"])
    on_behalf_of: str = Field(
        "",
        max_length=LIMITS["on_behalf_of"],
        description="The person you complain for, if not you.",
    )
    representative_relationship: str = Field("", max_length=LIMITS["representative_relationship"])
    assistance_needs: str = Field("", max_length=LIMITS["assistance_needs"])
    complainant: ComplainantIn | None = None


class ReceiptOut(Schema):
    reference: str
    access_code: str = Field(description="Shown only now: keep it to follow the complaint.")
    status: str
    received_at: str
    acknowledged_at: str | None


class BlockerOut(Schema):
    code: str
    detail: str


class AvailableEventOut(Schema):
    event: str
    label: str
    allowed: bool
    blocked_by: BlockerOut | None
    fields: list[str] = Field(description="The data fields this event accepts.")
    required: list[str]


class TransitionOptionsOut(Schema):
    reference: str
    status: str
    status_label: str
    version: int
    events: list[AvailableEventOut]


class TimelineItemOut(Schema):
    event: str
    from_status: str
    to_status: str
    occurred_at: dt.datetime
    note: str
    by: Literal["complainant", "organisation"]
    public: bool
    actor: str | None = Field(None, description="Staff view only.")


class CategoryOut(Schema):
    code: str
    label: str


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    remedy_type: str
    remedy_type_label: str
    remedy_amount: Decimal | None
    reasons: str
    issued_at: dt.datetime | None
    method: str
    external_routes_given: bool
    reaction: str
    reaction_at: dt.datetime | None


class ContactOut(Schema):
    name: str
    email: str
    phone: str
    postal_address: str
    preferred_contact: str
    preferred_language: str


class HandlingOut(Schema):
    anonymous: bool
    priority: str
    severity: str
    safety_risk: bool | None
    complexity: str
    impact: str
    immediate_action_needed: bool | None
    immediate_action: str
    assessed_at: dt.datetime | None
    assignee: str | None
    unit: str | None
    outcome: str
    remedy_type: str
    remedy_amount: Decimal | None
    response_reasons: str
    approved_at: dt.datetime | None
    decision_method: str
    decision_issued_at: dt.datetime | None
    external_routes_given: bool
    review_round: int
    reaction: str
    reaction_at: dt.datetime | None
    reaction_comment: str
    closure_code: str
    closed_at: dt.datetime | None
    merged_into: str | None
    personal_data_visible: bool


class StageClockOut(Schema):
    """One stage's SLA clock (ISO 10002 7.3): when it is due and where it stands."""

    stage: str = Field(
        description="acknowledge, assess, first_contact, decision, close, internal_review "
        "or external_referral."
    )
    round: int = Field(description="0 at first; counts reopenings and internal reviews.")
    due_at: dt.datetime
    original_due_at: dt.datetime = Field(description="Before any extension.")
    state: Literal["running", "paused", "overdue", "met", "missed", "cancelled"]
    paused_seconds: int = Field(description="Time spent waiting for the complainant.")
    extended: bool
    extension_reason: str
    extension_allowed: bool = Field(description="Whether the one extension may still be used.")
    policy: str = Field(description="The code of the SLA policy that set the target.")


class ComplaintOut(Schema):
    view: Literal["complainant", "staff"]
    reference: str
    version: int
    status: str
    status_label: str
    channel: str
    language: str
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None
    subject: str
    description: str
    category: CategoryOut | None
    desired_remedy: str
    occurred_on: dt.date | None
    occurred_place: str
    product_or_service: str
    order_reference: str
    representative_relationship: str
    assistance_needs: str
    decision: DecisionOut | None = Field(description="Once the decision has been communicated.")
    timeline: list[TimelineItemOut]
    available_events: list[AvailableEventOut]
    handling: HandlingOut | None = Field(None, description="Staff view only.")
    complainant: ContactOut | None = Field(
        None, description="Staff whose role needs contact data only; each reading is logged."
    )
    on_behalf_of: str | None = Field(None, description="Like complainant: staff, logged.")
    expected_by: dt.datetime | None = Field(
        None,
        description="When the decision (or the internal review's decision) is due; null while "
        "we wait for the complainant's information or when no target applies.",
    )
    sla: list[StageClockOut] | None = Field(None, description="Staff view only: every stage clock.")


class ComplaintSummaryOut(Schema):
    id: int
    reference: str
    status: str
    received_at: dt.datetime
    subject: str
    priority: str


class ComplaintPageOut(Schema):
    items: list[ComplaintSummaryOut]
    next_after: int | None = Field(
        description="Pass as ?after= for the next page; null at the end."
    )


class TransitionIn(Schema):
    """``{"event": ..., ...data}``: each event accepts only its own fields (see GET transitions)."""

    model_config = ConfigDict(extra="forbid")

    event: Event
    note: str = Field("", max_length=MAX_NOTE)
    severity: Level | None = None
    safety_risk: bool | None = None
    complexity: Level | None = None
    impact: Level | None = None
    immediate_action_needed: bool | None = None
    immediate_action: str | None = Field(None, max_length=MAX_NOTE)
    priority: Priority | None = None
    outcome: Outcome | None = None
    remedy_type: RemedyType | None = None
    remedy_amount: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"))
    reasons: str | None = Field(None, max_length=MAX_NOTE)
    method: DecisionMethod | None = None
    external_routes_given: bool | None = None
    into_reference: str | None = Field(None, max_length=20)

    def event_data(self) -> dict[str, Any]:
        """The fields as plain values for ``EventData``."""
        data = self.model_dump(exclude={"event"})
        return {
            key: value.value if isinstance(value, Enum) else value for key, value in data.items()
        }


class TransitionOut(Schema):
    reference: str
    event: str
    status: str
    status_label: str
    version: int


class ExtensionIn(Schema):
    """One extension of a stage's deadline: the new date and the reason the complainant is told."""

    model_config = ConfigDict(extra="forbid")

    new_date: dt.date = Field(description="A working day; due at its close of business.")
    reason: str = Field(description="Required; sent to the complainant with the new date.")


class DeadlineOut(Schema):
    reference: str
    stage: str
    round: int
    due_at: dt.datetime
    original_due_at: dt.datetime
    extended_at: dt.datetime | None
    extension_reason: str
