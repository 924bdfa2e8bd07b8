"""Signed status links for the emails: the complainant follows the complaint without typing the
access code (ISO 10002 7.3), and the access code itself is never sent by email.

A token is the reference signed with the site's secret key and a timestamp; it cannot be forged
or altered, and it expires after ``SORI_STATUS_LINK_DAYS`` days.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import translation

SALT = "sori.status-link"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def status_token(reference: str) -> str:
    return _signer().sign(reference)


def reference_for_token(token: str) -> str | None:
    """The reference a token was made for, or ``None`` when it is tampered with or expired."""
    max_age = settings.SORI_STATUS_LINK_DAYS * 24 * 3600
    try:
        return _signer().unsign(token, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None


def status_path(reference: str, language: str) -> str:
    token = status_token(reference)
    with translation.override(language):
        try:
            return reverse("portal:status-link", kwargs={"token": token})
        except NoReverseMatch:
            # The portal's status pages may not be installed yet; the path is part of the
            # portal's published URL scheme, so the email still carries a working address.
            return f"/{language}/complaints/status/t/{token}/"


def status_url(reference: str, language: str) -> str:
    return settings.SORI_BASE_URL.rstrip("/") + status_path(reference, language)
