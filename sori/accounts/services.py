"""Creating staff accounts and API tokens; turning a signed-in user into an ``Actor``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import ApiToken, Role, StaffProfile, Unit
from sori.audit import services as audit
from sori.core import clock
from sori.core.actors import Actor, ActorKind
from sori.core.errors import InvalidInput

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
