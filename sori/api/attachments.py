"""Attachments, replies to requests for information and the satisfaction survey (API).

Thin like the complaint endpoints: one selector or service per call. Files are never served by
the web server: only these endpoints read them, for a viewer the selectors allow.
"""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field as NinjaField
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from sori.api import throttling
from sori.api.auth import access_code, staff_token, viewer_for
from sori.api.complaints import _etag
from sori.api.problems import openapi_problems
from sori.api.schemas import TransitionOut
from sori.complaints import selectors
from sori.complaints.attachments import MAX_FILES, IncomingFile
from sori.complaints.services.replies import reply_to_request
from sori.complaints.services.survey import MAX_COMMENT, answer_survey, opt_out_of_survey
from sori.complaints.workflow import STATUS_LABELS, Event, Status

router = Router(tags=["attachments and survey"])
CALLERS = [staff_token, access_code]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    by: str
    public: bool


class SurveyIn(Schema):
    process: int = NinjaField(..., ge=1, le=5, description="How the complaint was handled, 1–5.")
    outcome: int = NinjaField(..., ge=1, le=5, description="The outcome, 1–5.")
    ease: int = NinjaField(..., ge=1, le=5, description="How easy it was (customer effort), 1–5.")
    comment: str = NinjaField("", max_length=MAX_COMMENT)


class SurveyOut(Schema):
    closed: bool
    answered: bool
    opted_out: bool
    invite: bool = NinjaField(description="Show the invitation to the survey now.")


def _survey(state: selectors.SurveyState) -> SurveyOut:
    return SurveyOut(
        closed=state.closed, answered=state.answered, opted_out=state.opted_out, invite=state.invite
    )


@router.get(
    "/complaints/{reference}/attachments",
    auth=CALLERS,
    throttle=[throttling.lookups],
    response=list[AttachmentOut],
    summary="List a complaint's attachments",
    openapi_extra=openapi_problems(401, 404, 429),
)
def list_attachments(request: HttpRequest, reference: str) -> list[selectors.AttachmentView]:
    """The complainant sees their own files and those shared with them; staff see all."""
    return selectors.attachments_for(viewer_for(request, reference), reference)


@router.get(
    "/complaints/{reference}/attachments/{attachment_id}",
    auth=CALLERS,
    throttle=[throttling.lookups],
    url_name="attachment",
    summary="Download an attachment",
    openapi_extra={
        **openapi_problems(401, 404, 429),
        "responses": {
            "200": {"description": "The file, as an attachment, with the type found by content."}
        },
    },
)
def download_attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """The file itself; each staff download is recorded in the audit trail (ISO 10002 4.10)."""
    found = selectors.attachment_file(viewer_for(request, reference), reference, attachment_id)
    # as_attachment + filename gives RFC 6266 Content-Disposition with filename* for Hangul.
    response = FileResponse(
        found.file, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.post(
    "/complaints/{reference}/replies",
    auth=CALLERS,
    throttle=[throttling.lookups],
    response=TransitionOut,
    summary="Answer a request for information, with files",
    openapi_extra=openapi_problems(401, 403, 404, 409, 422, 429),
)
def reply(
    request: HttpRequest,
    reference: str,
    response: HttpResponse,
    note: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> TransitionOut:
    """``multipart/form-data`` with ``note`` and up to five ``files`` (ISO 10002 7.6)."""
    uploads = list(files or [])[: MAX_FILES + 1]
    complaint = reply_to_request(
        actor=viewer_for(request, reference),
        reference=reference,
        note=note,
        attachments=[IncomingFile(f.name or "file", f.size or 0, f) for f in uploads],
    )
    response["ETag"] = _etag(complaint.version)
    return TransitionOut(
        reference=complaint.reference,
        event=Event.RECEIVE_INFORMATION.value,
        status=complaint.status,
        status_label=str(STATUS_LABELS[Status(complaint.status)]),
        version=complaint.version,
    )


@router.get(
    "/complaints/{reference}/survey",
    auth=CALLERS,
    throttle=[throttling.lookups],
    response=SurveyOut,
    summary="Whether the satisfaction survey is open",
    openapi_extra=openapi_problems(401, 404, 429),
)
def survey_state(request: HttpRequest, reference: str) -> SurveyOut:
    return _survey(selectors.survey_state(viewer_for(request, reference), reference))


@router.post(
    "/complaints/{reference}/survey",
    auth=[access_code],
    throttle=[throttling.lookups],
    response={201: SurveyOut},
    summary="Answer the satisfaction survey (complainant)",
    openapi_extra=openapi_problems(401, 403, 404, 422, 429),
)
def answer(request: HttpRequest, reference: str, payload: SurveyIn) -> SurveyOut:
    """Once, after closure, with ``X-Access-Code`` (ISO 10002 8.3)."""
    answer_survey(
        actor=viewer_for(request, reference),
        reference=reference,
        process=payload.process,
        outcome=payload.outcome,
        ease=payload.ease,
        comment=payload.comment,
    )
    # The service succeeded, so the survey is now answered and closed to further answers.
    return SurveyOut(closed=True, answered=True, opted_out=False, invite=False)


@router.post(
    "/complaints/{reference}/survey/opt-out",
    auth=CALLERS,
    throttle=[throttling.lookups],
    response={204: None},
    summary="Decline the satisfaction survey",
    openapi_extra=openapi_problems(401, 403, 404, 429),
)
def decline(request: HttpRequest, reference: str) -> None:
    """The complainant is not asked again (ISO 10002 8.3); staff may record it for them."""
    opt_out_of_survey(actor=viewer_for(request, reference), reference=reference)
