"""Who is calling: a staff bearer token, a complaint's access code, or nobody (public submission).

Authentication here only says which credential was presented. An access code is *checked* by
the selector inside the endpoint, after the rate limit has counted the attempt: checking it here
would answer before the throttle runs and let codes be guessed at full speed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer

from sori.accounts.services import actor_for_user, user_for_token
from sori.complaints import selectors
from sori.core import ratelimit
from sori.core.actors import PUBLIC, Actor
from sori.core.errors import Forbidden


@dataclass(frozen=True)
class AccessCodeClaim:
    """An X-Access-Code header, not yet verified against the complaint it claims."""

    code: str


class StaffToken(HttpBearer):
    """``Authorization: Bearer sori_…``, from ``sori token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        user = user_for_token(token.strip())
        if user is None:
            # A token that is presented but wrong is an error, not a fall-back to anonymous.
            raise AuthenticationError()
        actor = actor_for_user(user)
        if actor is None:
            raise Forbidden(_("This account has no role in Sori."))
        return actor


class AccessCode(APIKeyHeader):
    """``X-Access-Code``: the code the complainant was given with their reference."""

    param_name = "X-Access-Code"

    def authenticate(self, request: HttpRequest, key: str | None) -> AccessCodeClaim | None:
        if not key:
            return None
        return AccessCodeClaim(code=key)


def anonymous(request: HttpRequest) -> Actor:
    """The last resort for public endpoints: nobody in particular."""
    return PUBLIC


def viewer_for(request: HttpRequest, reference: str) -> Actor:
    """The actor behind the request for this complaint; an access code is verified now."""
    caller = request.auth  # type: ignore[attr-defined]
    if isinstance(caller, AccessCodeClaim):
        return selectors.complainant_viewer(
            reference=reference, access_code=caller.code, client=ratelimit.client_ip(request)
        )
    assert isinstance(caller, Actor)
    return caller


staff_token = StaffToken()
access_code = AccessCode()
