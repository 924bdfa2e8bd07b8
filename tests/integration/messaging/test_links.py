"""Signed status links: the complainant follows the complaint from an email (ISO 10002 7.3)."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation

from sori.complaints import links

REFERENCE = "C-2026-000042"


class BackdatedSigner(signing.TimestampSigner):
    """Signs as if it were ``days`` days ago, as a link from an old email was."""

    def __init__(self, days: int) -> None:
        super().__init__(salt=links.SALT)
        self.days = days

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.days * 24 * 3600)


def test_a_status_token_round_trips_to_its_reference():
    assert links.reference_for_token(links.status_token(REFERENCE)) == REFERENCE


def test_the_token_does_not_carry_an_access_code_and_is_not_a_plain_reference():
    token = links.status_token(REFERENCE)
    assert token != REFERENCE
    assert links.reference_for_token(REFERENCE) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token.replace("000042", "000043", 1),  # another complaint's reference
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # a changed signature
        lambda token: token.rsplit(":", 1)[0],  # the signature cut off
        lambda token: "",
    ],
    ids=["reference", "signature", "unsigned", "empty"],
)
def test_a_tampered_token_gives_nothing(tamper):
    assert links.reference_for_token(tamper(links.status_token(REFERENCE))) is None


def test_a_token_signed_with_another_purpose_gives_nothing():
    other = signing.TimestampSigner(salt="something-else").sign(REFERENCE)
    assert links.reference_for_token(other) is None


def test_a_token_expires_after_the_configured_days(settings):
    settings.SORI_STATUS_LINK_DAYS = 30
    assert links.reference_for_token(BackdatedSigner(29).sign(REFERENCE)) == REFERENCE
    assert links.reference_for_token(BackdatedSigner(31).sign(REFERENCE)) is None


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_status_url_is_absolute_and_under_the_language_prefix(settings, language):
    settings.SORI_BASE_URL = "https://voc.example.kr/"
    url = links.status_url(REFERENCE, language)
    prefix = f"https://voc.example.kr/{language}/complaints/status/t/"
    assert url.startswith(prefix) and url.endswith("/")
    token = url.removeprefix(prefix).removesuffix("/")
    assert links.reference_for_token(token) == REFERENCE
    try:
        reverse("portal:status-link", kwargs={"token": token})
    except NoReverseMatch:
        # The portal's status page (another part of this issue) is not installed yet.
        return
    with translation.override(language):  # i18n_patterns match the active language's prefix
        match = resolve(url.removeprefix("https://voc.example.kr"))
    assert match.view_name == "portal:status-link" and match.kwargs["token"] == token
