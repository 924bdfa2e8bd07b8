"""Domain errors: every refusal a service makes, with a stable ``code`` and a translated message.

Each front-end has one adapter that turns these into a form error, an HTML message or an
RFC 9457 problem+json response; the ``status`` here is the HTTP status that adapter uses.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.params = params

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class InvalidInput(DomainError):
    code = "invalid"
    status = 422


class TransitionNotAllowed(DomainError):
    """The event is not possible from the complaint's current status."""

    code = "transition_not_allowed"
    status = 409


class GuardFailed(DomainError):
    """The event is possible from this status, but a condition of it is not met yet."""

    code = "guard_failed"
    status = 422


class Conflict(DomainError):
    """Someone else changed the record first; the caller acted on an old version."""

    code = "conflict"
    status = 409
