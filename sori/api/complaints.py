"""Complaint endpoints: thin — shape by schema, one service or selector call, render.

Callers:
- the public (no credential): may submit on the ``web`` and ``api`` channels only;
- a complainant (``X-Access-Code`` with the reference): reads and answers their own complaint;
- staff (``Authorization: Bearer``): per role, as ``sori.complaints.policies`` says.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Header, Query, Router, Schema

from sori.api import throttling
from sori.api.auth import access_code, anonymous, staff_token, viewer_for
from sori.api.problems import openapi_problems
from sori.api.schemas import (
    ComplaintIn,
    ComplaintOut,
    ComplaintPageOut,
    DeadlineOut,
    ExtensionIn,
    ReceiptOut,
    TransitionIn,
    TransitionOptionsOut,
    TransitionOut,
)
from sori.complaints import selectors
from sori.complaints.services.intake import (
    ComplainantInput,
    ComplaintInput,
    Receipt,
    submit_complaint,
)
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import STATUS_LABELS, Status
from sori.core.actors import Actor
from sori.core.errors import InvalidInput
from sori.sla import selectors as sla_selectors
from sori.sla.services.extension import extend_deadline

router = Router(tags=["complaints"])


def _etag(version: int) -> str:
    return f'"{version}"'


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput(_("If-Match must be the ETag you were given, such as \"3\"."),
                           code="invalid_if_match", field="If-Match")  # fmt: skip
    return int(value)


def _complaint_input(payload: ComplaintIn) -> ComplaintInput:
    person = payload.complainant
    return ComplaintInput(
        description=payload.description,
        channel=payload.channel.value,
        language=payload.language.value,
        subject=payload.subject,
        category=payload.category,
        desired_remedy=payload.desired_remedy,
        occurred_on=payload.occurred_on,
        occurred_place=payload.occurred_place,
        product_or_service=payload.product_or_service,
        order_reference=payload.order_reference,
        on_behalf_of=payload.on_behalf_of,
        representative_relationship=payload.representative_relationship,
        assistance_needs=payload.assistance_needs,
        complainant=None if person is None else ComplainantInput(
            name=person.name,
            email=person.email,
            phone=person.phone,
            postal_address=person.postal_address,
            preferred_contact=person.preferred_contact.value,
            preferred_language=person.preferred_language.value if person.preferred_language else None,
        ),
    )  # fmt: skip


@router.post(
    "/complaints",
    auth=[staff_token, anonymous],
    throttle=[throttling.submissions],
    response={201: ReceiptOut},
    url_name="complaints",
    summary="Submit a complaint",
    openapi_extra=openapi_problems(401, 403, 422, 429, security=[{}]),
)
def submit(
    request: HttpRequest,
    payload: ComplaintIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=200,
        description="Send the same key when retrying: you get the first answer, never a second complaint.",
    ),
) -> Receipt:
    """Public and rate limited per address (ISO 10002 4.5 accessibility, 7.2 receipt).

    The answer carries the reference and the access code; the code is shown only here.
    """
    actor: Actor = request.auth  # type: ignore[attr-defined]
    receipt = submit_complaint(
        actor=actor, data=_complaint_input(payload), idempotency_key=idempotency_key
    )
    response["Location"] = reverse("sori-api:complaint", kwargs={"reference": receipt.reference})
    if receipt.replayed:
        response["Idempotent-Replayed"] = "true"
    return receipt


class ListFilters(Schema):
    after: int | None = NinjaField(None, ge=1, description="The next_after of the previous page.")
    limit: int = NinjaField(50, ge=1, le=selectors.MAX_PAGE)
    status: Status | None = None
    email: str | None = NinjaField(None, max_length=254, description="Exact address (blind index).")
    phone: str | None = NinjaField(None, max_length=40, description="Exact number (blind index).")
    q: str | None = NinjaField(
        None,
        max_length=200,
        description="Keywords in the subject, description or internal notes; each word also "
        "finds longer words starting with it (환불 finds 환불을).",
    )


@router.get(
    "/complaints",
    auth=[staff_token],
    response=ComplaintPageOut,
    summary="List complaints (staff)",
    openapi_extra=openapi_problems(401, 403, 422),
)
def list_complaints(request: HttpRequest, filters: Query[ListFilters]) -> selectors.ComplaintPage:
    """Newest first; keyset pagination. Rows carry no personal data."""
    return selectors.complaint_page(
        viewer=request.auth,  # type: ignore[attr-defined]
        after=filters.after,
        limit=filters.limit,
        status=filters.status.value if filters.status else None,
        email=filters.email,
        phone=filters.phone,
        q=filters.q,
    )


@router.get(
    "/complaints/{reference}",
    auth=[staff_token, access_code],
    throttle=[throttling.lookups],
    response=ComplaintOut,
    url_name="complaint",
    summary="Read a complaint",
    openapi_extra=openapi_problems(401, 403, 404, 429),
)
def read_complaint(request: HttpRequest, reference: str, response: HttpResponse) -> dict[str, Any]:
    """The complainant's view with X-Access-Code, the staff view with a token (ISO 10002 7.3).

    A wrong code and an unknown reference give the same 404. The ETag is the version to send
    back in If-Match when firing an event. ``expected_by`` is the date the complainant waits
    for; staff also get ``sla``, every stage clock.
    """
    viewer = viewer_for(request, reference)
    view = selectors.complaint_detail(viewer=viewer, reference=reference)
    response["ETag"] = _etag(view.version)
    fields = {field.name: getattr(view, field.name) for field in dataclasses.fields(view)}
    return {**fields, **_deadlines(viewer, reference, staff=view.view == "staff")}


def _deadlines(viewer: Actor, reference: str, *, staff: bool) -> dict[str, Any]:
    complaint = selectors.complaint_for(viewer=viewer, reference=reference)
    dates = sla_selectors.expected_dates(complaint=complaint)
    sla = None
    if staff:
        sla = [
            {**dataclasses.asdict(clock), "policy": clock.policy_code}
            for clock in sla_selectors.clocks_for(viewer=viewer, complaint=complaint)
        ]
    return {"expected_by": dates[0].due_at if dates else None, "sla": sla}


@router.get(
    "/complaints/{reference}/transitions",
    auth=[staff_token, access_code],
    throttle=[throttling.lookups],
    response=TransitionOptionsOut,
    url_name="transitions",
    summary="Events the caller may fire now",
    openapi_extra=openapi_problems(401, 403, 404, 429),
)
def list_transitions(
    request: HttpRequest, reference: str, response: HttpResponse
) -> selectors.TransitionOptions:
    """Each event the caller's role allows from the current status, and whether a guard blocks it."""
    options = selectors.transition_options(
        viewer=viewer_for(request, reference), reference=reference
    )
    response["ETag"] = _etag(options.version)
    return options


@router.post(
    "/complaints/{reference}/transitions",
    auth=[staff_token, access_code],
    throttle=[throttling.lookups],
    response=TransitionOut,
    summary="Fire an event",
    openapi_extra=openapi_problems(401, 403, 404, 409, 422, 429),
)
def fire_transition(
    request: HttpRequest,
    reference: str,
    payload: TransitionIn,
    response: HttpResponse,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        max_length=40,
        description="The ETag you read; a complaint changed since then answers 409 conflict.",
    ),
) -> TransitionOut:
    """``{"event": ..., ...data}`` → the new status, or 409/422 problem naming the refusal."""
    complaint = transition_complaint(
        actor=viewer_for(request, reference),
        reference=reference,
        event=payload.event,
        data=EventData(**payload.event_data()),
        expected_version=_expected_version(if_match),
    )
    response["ETag"] = _etag(complaint.version)
    return TransitionOut(
        reference=complaint.reference,
        event=payload.event.value,
        status=complaint.status,
        status_label=str(STATUS_LABELS[Status(complaint.status)]),
        version=complaint.version,
    )


@router.post(
    "/complaints/{reference}/deadlines/{stage}/extension",
    auth=[staff_token],
    response=DeadlineOut,
    url_name="deadline_extension",
    summary="Extend a stage's deadline (staff)",
    openapi_extra=openapi_problems(401, 403, 404, 422),
)
def extend(request: HttpRequest, reference: str, stage: str, payload: ExtensionIn) -> DeadlineOut:
    """Once per stage, with a reason and a new working day; the complainant is told both (7.3).

    ``stage`` is one of acknowledge, assess, first_contact, decision, close, internal_review,
    external_referral. Refusals: 422 with code ``required``, ``not_a_working_day``,
    ``not_later``, ``extension_too_long``, ``extension_used``, ``extension_not_allowed``,
    ``no_running_deadline`` or ``invalid_choice``.
    """
    timer = extend_deadline(
        actor=request.auth,  # type: ignore[attr-defined]
        reference=reference,
        stage=stage,
        new_date=payload.new_date,
        reason=payload.reason,
    )
    return DeadlineOut(
        reference=reference,
        stage=timer.stage,
        round=timer.round,
        due_at=timer.due_at,
        original_due_at=timer.original_due_at,
        extended_at=timer.extended_at,
        extension_reason=timer.extension_reason,
    )
