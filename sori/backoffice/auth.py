"""Who is at the keyboard in the back office, what their role lets them open, and how long a
session lasts (ISO 10002 4.10 confidentiality, 5.4 responsibility and authority).

- ``staff_actor(request)``: the ``Actor`` of the signed-in staff member, or None.
- ``@staff_required``: anonymous → the sign-in page (with ``next``); signed in without a staff
  profile → 403; otherwise the view runs with ``request.actor`` set.
- ``@roles_required(*roles)``: the same, and a 403 unless the actor's role is one of ``roles``.
- ``SessionTimeoutMiddleware``: ends a session left idle for ``SORI_SESSION_IDLE_SECONDS`` or older
  than ``SESSION_COOKIE_AGE`` (counted from sign-in), and tells the sign-in page why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, cast
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sori.accounts.services import actor_for_user, record_sign_out
from sori.core import clock
from sori.core.actors import Actor, ActorKind

P = ParamSpec("P")

# Session keys: when the person signed in and when they were last seen (POSIX seconds, UTC).
SIGNED_IN_AT = "sori.signed_in_at"
LAST_SEEN_AT = "sori.last_seen_at"
# Set on the fresh session after a timeout so the sign-in page can say what happened.
EXPIRED = "sori.session_expired"
# Writing the session on every request would cost a write per page; a minute's precision is enough.
_TOUCH_EVERY_SECONDS = 60


class StaffRequest(HttpRequest):
    """A request that went through ``staff_required``: for type annotations in views."""

    actor: Actor


def staff_actor(request: HttpRequest) -> Actor | None:
    """The staff ``Actor`` for the signed-in user, or None (anonymous, or no role in Sori)."""
    cached = getattr(request, "_sori_actor", False)
    if cached is not False:
        return cast(Actor | None, cached)
    user = getattr(request, "user", None)
    actor = None
    if user is not None and user.is_authenticated and user.is_active:
        actor = actor_for_user(user)
    request._sori_actor = actor  # type: ignore[attr-defined]
    return actor


def forbidden(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """The 403 page, in the person's language, saying what they cannot do and where to go."""
    return render(
        request,
        "backoffice/forbidden.html",
        {"message": message or _("Your account does not give you access to this page.")},
        status=403,
    )


def _to_login(request: HttpRequest) -> HttpResponse:
    login_url = reverse("backoffice:login")
    if request.headers.get("HX-Request"):
        # htmx would swap the sign-in page into a fragment; have it load the whole page instead,
        # coming back afterwards to the page the person was on.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = urlunsplit(("", "", current.path, current.query, "")) or request.path
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(back, login_url)["Location"]
        return response
    return redirect_to_login(request.get_full_path(), login_url)


def _guard(request: HttpRequest, roles: frozenset[str] | None) -> HttpResponse | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _to_login(request)
    actor = staff_actor(request)
    if actor is None:
        return forbidden(
            request,
            _(
                "You are signed in, but your account has no role in the back office. "
                "Ask an administrator to give you one."
            ),
        )
    if roles is not None and actor.role not in roles:
        return forbidden(request)
    request.actor = actor  # type: ignore[attr-defined]
    return None


def staff_required(
    view: Callable[Concatenate[StaffRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Only signed-in staff (any role); the view gets ``request.actor``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        refused = _guard(request, None)
        if refused is not None:
            return refused
        return view(cast(StaffRequest, request), *args, **kwargs)

    return wrapper


def roles_required(
    *roles: str,
) -> Callable[
    [Callable[Concatenate[StaffRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Only signed-in staff whose role is one of ``roles`` (``Role`` members or their values).

    Includes ``staff_required``: do not stack the two.
    """
    allowed = frozenset(str(role) for role in roles)

    def decorate(
        view: Callable[Concatenate[StaffRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            refused = _guard(request, allowed)
            if refused is not None:
                return refused
            return view(cast(StaffRequest, request), *args, **kwargs)

        return wrapper

    return decorate


def start_session(request: HttpRequest) -> None:
    """Stamp a session that just signed in, for the idle and absolute limits."""
    now = clock.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def session_actor(request: HttpRequest) -> Actor:
    """The actor to name for a signed-in user, with or without a staff profile."""
    user = request.user
    return actor_for_user(user) or Actor(  # type: ignore[arg-type]
        kind=ActorKind.STAFF, label=user.get_username(), user_id=user.pk
    )


class SessionTimeoutMiddleware:
    """Ends a signed-in session that sat idle too long or outlived its absolute age (4.10).

    Runs after ``AuthenticationMiddleware``, for the back office and the Django admin alike,
    since they share the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = clock.now().timestamp()
        signed_in = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN_AT)
        if signed_in is None or last_seen is None:
            # Signed in some other way (a test client, an older session): start counting now.
            session[SIGNED_IN_AT] = signed_in if signed_in is not None else now
            session[LAST_SEEN_AT] = now
            return
        idle_limit = int(settings.SORI_SESSION_IDLE_SECONDS)
        reason = None
        if now - float(last_seen) > idle_limit:
            reason = "idle"
        elif now - float(signed_in) > int(settings.SESSION_COOKIE_AGE):
            reason = "session_age"
        if reason is None:
            if now - float(last_seen) >= _TOUCH_EVERY_SECONDS:
                session[LAST_SEEN_AT] = now
            return
        record_sign_out(actor=session_actor(request), reason=reason)
        logout(request)
        request.session[EXPIRED] = reason
