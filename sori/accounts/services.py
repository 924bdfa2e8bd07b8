"""Creating staff accounts and API tokens; signing in; turning a signed-in user into an ``Actor``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import ApiToken, Role, StaffProfile, Unit
from sori.audit import services as audit
from sori.core import clock, lockout
from sori.core.actors import Actor, ActorKind
from sori.core.errors import DomainError, InvalidInput

TOKEN_PREFIX = "sori_"  # noqa: S105 (a public marker, not a secret)


def create_staff_user(
    *,
    actor: Actor,
    username: str,
    role: str,
    password: str | None,
    email: str = "",
    unit: Unit | None = None,
    authority_limit: Decimal | None = None,
    check_password: bool = True,
) -> User:
    """A staff account with one role (ISO 10002 5.4). Without a password the account cannot log in."""
    if role not in Role.values:
        raise InvalidInput(
            _("Unknown role “%(role)s”; choose one of: %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)},
            code="invalid_choice",
            field="role",
        )
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise InvalidInput(
            _("The username “%(username)s” is taken.") % {"username": username},
            code="username_taken",
            field="username",
        )
    if password is not None and check_password:
        try:
            validate_password(password, user_model(username=username, email=email))
        except ValidationError as exc:
            raise InvalidInput(
                " ".join(exc.messages), code="weak_password", field="password"
            ) from None
    with transaction.atomic():
        user = user_model.objects.create_user(
            username=username,
            email=email,
            password=password,
            is_staff=role in (Role.ADMINISTRATOR, Role.AUDITOR, Role.COMPLAINTS_MANAGER),
            is_superuser=role == Role.ADMINISTRATOR,
        )
        StaffProfile.objects.create(
            user=user, role=role, unit=unit, authority_limit=authority_limit
        )
        audit.record(
            action="sori.staff.created",
            actor=actor,
            object_type="user",
            object_id=str(user.pk),
            data={
                "username": username,
                "role": role,
                "authority_limit": str(authority_limit) if authority_limit is not None else None,
            },
            iso_clause="5.4",
        )
    return user


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, actor: Actor, user: User, label: str = "") -> str:
    """A new API token for ``user``; the whole token is returned once and never stored."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, prefix=prefix, secret_hash=_secret_hash(secret), label=label
        )
        audit.record(
            action="sori.staff.token_created",
            actor=actor,
            object_type="user",
            object_id=str(user.pk),
            data={"token": token.prefix, "label": label},
            iso_clause="4.10",
        )
    return f"{TOKEN_PREFIX}{prefix}_{secret}"


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None. Constant-time on the secret."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = token.removeprefix(TOKEN_PREFIX).partition("_")
    record = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at=None).first()
    if record is None or not hmac.compare_digest(record.secret_hash, _secret_hash(secret)):
        return None
    if not record.user.is_active:
        return None
    # A bookkeeping timestamp, not a change of state: no audit entry.
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=clock.now())
    return record.user


def actor_for_user(user: User) -> Actor | None:
    """The staff actor for a signed-in user, or None when the user has no role in Sori."""
    profile = StaffProfile.objects.filter(user_id=user.pk).first()
    if profile is None:
        return None
    return Actor(
        kind=ActorKind.STAFF,
        label=user.get_username(),
        user_id=user.pk,
        role=profile.role,
        unit_id=profile.unit_id,
        authority_limit=profile.authority_limit,
    )


# --- Signing in (ISO 10002 4.9 information integrity, 4.10 confidentiality) -----------------
#
# Five failed sign-ins for one username within 15 minutes pause signing in with that username
# for 15 minutes; failures from one client address are counted too (with a higher limit) so one
# client cannot try one password on many accounts. While paused even the right password is
# refused, so guessing gains nothing. The counters are ``sori.core.lockout`` rows in the
# database, shared by every web process and kept across restarts. Unknown usernames are counted
# like real ones, so a pause says nothing about whether an account exists.

SIGN_IN_MAX_FAILURES = 5
SIGN_IN_MAX_FAILURES_PER_CLIENT = 20


class SignInFailed(DomainError):
    code = "sign_in_failed"
    status = 400


class SignInLocked(DomainError):
    code = "sign_in_locked"
    status = 429


def _sign_in_keys(username: str, client: str | None) -> list[tuple[str, int]]:
    keys = [(f"signin:{username.strip().lower()[:100]}", SIGN_IN_MAX_FAILURES)]
    if client:
        keys.append((f"signin-ip:{client[:100]}", SIGN_IN_MAX_FAILURES_PER_CLIENT))
    return keys


def _locked(until: dt.datetime) -> SignInLocked:
    zone = str(settings.SORI_TIME_ZONE or "Asia/Seoul")
    local = until.astimezone(ZoneInfo(zone))
    return SignInLocked(
        _(
            "Too many failed sign-ins. For your protection, signing in is paused until "
            "%(time)s (%(zone)s time). Please try again then, or ask an administrator."
        )
        % {"time": local.strftime("%H:%M"), "zone": zone},
        retry_at=until.isoformat(),
    )


def _attempt_actor(username: str) -> Actor:
    # Nobody is proven yet: the entry names the username typed, not a staff member.
    return Actor(kind=ActorKind.STAFF, label=f"({username[:150]})")


def _record_failure(*, username: str, client: str | None, reason: str) -> dt.datetime | None:
    """Count and log one refused sign-in; returns when the username is now locked until."""
    keys = _sign_in_keys(username, client)
    with transaction.atomic():
        # An attempt while locked is logged but not counted: it cannot extend the pause.
        counted = None if reason == "locked" else lockout.count_failure(keys)
        data: dict[str, object] = {"username": username[:150], "client": client, "reason": reason}
        if counted is not None:
            data["failures"] = counted.failures[keys[0][0]]
        audit.record(
            action="sori.staff.sign_in_failed",
            actor=_attempt_actor(username),
            object_type="user",
            object_id=username[:64],
            data=data,
            iso_clause="4.10",
        )
        if counted is not None and counted.newly_locked:
            audit.record(
                action="sori.staff.sign_in_locked",
                actor=_attempt_actor(username),
                object_type="user",
                object_id=username[:64],
                data={
                    "keys": counted.newly_locked,
                    "until": counted.locked_until.isoformat() if counted.locked_until else None,
                },
                iso_clause="4.10",
            )
            return counted.locked_until
    return None


def sign_in(*, username: str, password: str, client: str | None) -> User:
    """The user whose password this is, after the lock-out check; every attempt is logged.

    There is no ``actor`` argument: who is acting is what this call establishes. A failed
    attempt is logged under the username typed (``sori.staff.sign_in_failed``), a success
    under the staff member (``sori.staff.signed_in``). The caller starts the session.
    """
    keys = [key for key, _limit in _sign_in_keys(username, client)]
    until = lockout.locked_until(keys)
    if until is not None:
        _record_failure(username=username, client=client, reason="locked")
        raise _locked(until)
    user = authenticate(None, username=username, password=password)
    if not isinstance(user, User):
        until = _record_failure(username=username, client=client, reason="wrong_credentials")
        if until is not None:
            raise _locked(until)
        raise SignInFailed(
            _("The username or password is not right. Check them and try again."),
            field="password",
        )
    with transaction.atomic():
        lockout.forget(keys[0])
        actor = actor_for_user(user) or Actor(
            kind=ActorKind.STAFF, label=user.get_username(), user_id=user.pk
        )
        audit.record(
            action="sori.staff.signed_in",
            actor=actor,
            object_type="user",
            object_id=str(user.pk),
            data={"client": client, "role": actor.role},
            iso_clause="4.10",
        )
    return user


def record_sign_out(*, actor: Actor, reason: str = "signed_out") -> None:
    """Log the end of a session: signed out, idle too long, or past its absolute age (4.10)."""
    with transaction.atomic():
        audit.record(
            action="sori.staff.signed_out",
            actor=actor,
            object_type="user",
            object_id=str(actor.user_id or ""),
            data={"reason": reason},
            iso_clause="4.10",
        )
