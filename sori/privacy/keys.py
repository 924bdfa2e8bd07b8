"""The installation's keys, built once from settings (ISO 10002 4.10 confidentiality)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from sori.privacy.crypto import Keyring, blind_index, normalise_email, normalise_phone, parse_secret


@cache
def keyring() -> Keyring:
    return Keyring.from_config(settings.SORI_FIELD_KEYS)


@cache
def blind_index_key() -> bytes:
    return parse_secret(settings.SORI_BLIND_INDEX_KEY, name="SORI_BLIND_INDEX_KEY")


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting in {"SORI_FIELD_KEYS", "SORI_BLIND_INDEX_KEY"}:
        keyring.cache_clear()
        blind_index_key.cache_clear()


def email_index(email: str) -> str:
    return blind_index(blind_index_key(), normalise_email(email), purpose="email")


def phone_index(phone: str) -> str:
    return blind_index(blind_index_key(), normalise_phone(phone), purpose="phone")
