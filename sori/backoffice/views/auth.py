"""Signing in and out of the back office (ISO 10002 4.10 confidentiality, 4.9 records of access).

The Django admin's own sign-in page sends people here, so every staff sign-in, whichever
door it comes through, meets the same lock-out and leaves the same audit entry.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import auth as django_auth
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from sori.accounts.services import SIGN_IN_MAX_FAILURES, record_sign_out, sign_in
from sori.backoffice.auth import EXPIRED, session_actor, start_session
from sori.backoffice.errors import add_form_errors, http_status_for
from sori.core import lockout, ratelimit
from sori.core.errors import DomainError


class LoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        error_messages={"required": gettext_lazy("Enter your username.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        max_length=4096,
        error_messages={"required": gettext_lazy("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _next(request: HttpRequest) -> str:
    """Where to go after signing in: a page of this site only, never another one (open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _expired_notice(reason: str | None) -> str | None:
    if reason == "idle":
        return _(
            "Your session ended because it was not used for a while. Sign in again to go on; "
            "nothing you had saved is lost."
        )
    if reason == "session_age":
        return _("Your session reached its time limit and ended. Sign in again to go on.")
    return None


def _render(
    request: HttpRequest, form: LoginForm, *, status: int = 200, notice: str | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "next": _next(request),
        "notice": notice,
        "has_errors": bool(form.errors),
        "max_failures": SIGN_IN_MAX_FAILURES,
        "lock_minutes": int(lockout.LOCK.total_seconds() // 60),
        "idle_minutes": int(settings.SORI_SESSION_IDLE_SECONDS) // 60,
    }
    return render(request, "backoffice/login.html", context, status=status)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        notice = _expired_notice(request.session.pop(EXPIRED, None))
        if request.user.is_authenticated and notice is None:
            if not _next(request):
                return redirect("backoffice:queue")
            # Sent back here from a page this account may not open: say so, offer another sign-in.
            notice = _(
                "You are signed in as %(name)s, but that account cannot open the page you asked "
                "for. Sign in with another account, or go back."
            ) % {"name": request.user.get_username()}
        return _render(request, LoginForm(), notice=notice)
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    try:
        user = sign_in(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            client=ratelimit.client_ip(request),
        )
    except DomainError as error:
        add_form_errors(form, error)
        return _render(request, form, status=http_status_for(error))
    target = _next(request)
    django_auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    start_session(request)
    return redirect(target or "backoffice:queue")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_sign_out(actor=session_actor(request))
    django_auth.logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("backoffice:login")
