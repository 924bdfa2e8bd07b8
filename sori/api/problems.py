"""The API's one error adapter: everything becomes RFC 9457 problem+json with a stable ``code``.

Body: ``{type, title, status, detail, code, ...}``. ``type`` is a URN per code, so clients branch
on ``code`` (or ``type``) and show ``detail``, which is translated per ``Accept-Language``.
No body ever contains a stack trace or the request path (a 404 for a wrong access code must
look exactly like a 404 for an unknown reference).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from sori.core.errors import DomainError

logger = logging.getLogger("sori.api")

CONTENT_TYPE = "application/problem+json"
RESERVED = frozenset({"type", "title", "status", "detail", "code", "errors"})


def _title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        422: _("The request cannot be processed"),
        429: _("Too many requests"),
        500: _("Internal error"),
    }
    return titles.get(status, _("Error"))


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, set | frozenset):
            return sorted(o)
        return super().default(o)


def problem(
    *,
    status: int,
    code: str,
    detail: str,
    params: Mapping[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:sori:problem:{code}",
        "title": _title(status),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    for key, value in (params or {}).items():
        if key not in RESERVED:
            body[key] = value
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, cls=_Encoder, ensure_ascii=False),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    message = str(exc.message)
    errors = None
    field = exc.params.get("field")
    if isinstance(field, str):
        errors = [{"field": field, "code": exc.code, "detail": message}]
    return problem(
        status=exc.status, code=exc.code, detail=message, params=exc.params, errors=errors
    )


def _field_message(error: Mapping[str, Any]) -> str:
    """pydantic's English messages, translated for the kinds a person is likely to meet."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("At most %(max)d characters.") % {"max": ctx.get("max_length", 0)}
    if kind == "string_too_short":
        return _("At least %(min)d characters.") % {"min": ctx.get("min_length", 0)}
    if kind == "extra_forbidden":
        return _("This field is not expected here.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(expected)s.") % {"expected": ctx.get("expected", "")}
    if kind in ("int_parsing", "int_type", "decimal_parsing", "decimal_type", "float_parsing"):
        return _("Enter a number.")
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("string_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This value has the wrong type.")
    return str(error.get("msg", ""))


def _location(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    """("body", "payload", "complainant", "email") → ("body", "complainant.email")."""
    parts = [str(part) for part in loc]
    if not parts:
        return "body", ""
    source, rest = parts[0], parts[1:]
    # A body parameter is nested under its Python name; clients only know the JSON they sent.
    if source == "body" and rest:
        rest = rest[1:]
    return source, ".".join(rest)


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location, field = _location(error.get("loc", ()))
        errors.append(
            {
                "location": location,
                "field": field,
                "code": error.get("type", "invalid"),
                "detail": _field_message(error),
            }
        )
    fields = ", ".join(item["field"] or item["location"] for item in errors)
    return problem(
        status=422,
        code="invalid",
        detail=_("Some fields are not valid: %(fields)s.") % {"fields": fields},
        errors=errors,
    )


def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        status=401,
        code="unauthenticated",
        detail=_(
            "Send a valid staff token (Authorization: Bearer …) or the complaint's access code "
            "(X-Access-Code)."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="sori"'},
    )


def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds the Retry-After header to this response.
    return problem(
        status=429,
        code="rate_limited",
        detail=_("Too many requests from your address. Please wait a moment and try again."),
    )


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 400:
        return problem(status=400, code="malformed_request",
                       detail=_("The request body could not be read: send JSON."))  # fmt: skip
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return problem(status=status, code=codes.get(status, "http_error"), detail=_title(status))


def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(status=404, code="not_found", detail=_("There is nothing at this address."))


def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return problem(
        status=500,
        code="internal_error",
        detail=_("Something went wrong on our side. It has been logged; please try again later."),
    )


Handler = Callable[[HttpRequest, Any], HttpResponse]

HANDLERS: tuple[tuple[type[Exception], Handler], ...] = (
    (DomainError, domain_error),
    (ValidationError, validation_error),
    (AuthenticationError, authentication_error),
    (Throttled, throttled),
    (HttpError, http_error),
    (Http404, not_found),
    (Exception, unexpected),
)


def install(api: NinjaAPI) -> None:
    """Register the adapter; the most specific handler wins (ninja walks the exception's MRO)."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "string"},
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}


def openapi_problems(
    *statuses: int, security: list[dict[str, list[str]]] | None = None
) -> dict[str, Any]:
    """OpenAPI for the problem+json answers an operation may give."""
    extra: dict[str, Any] = {
        "responses": {
            str(status): {
                "description": "RFC 9457 problem; branch on `code`.",
                "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
            }
            for status in statuses
        }
    }
    if security is not None:
        extra["security"] = security
    return extra
