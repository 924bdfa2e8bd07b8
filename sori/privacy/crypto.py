"""Field-level encryption and blind indexes for complainant personal data.

ISO 10002 4.10 (confidentiality): personal information about a complainant is to be
used only to address the complaint and actively protected from disclosure. Names,
emails, phones and postal addresses are therefore stored as AES-256-GCM tokens, and
exact-match look-ups use a keyed HMAC "blind index" instead of the plaintext.

This module is deliberately pure (stdlib + ``cryptography``; no Django, no ORM) so it can
be reasoned about and tested in isolation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = "s1"
_KEY_ID = re.compile(r"[a-z0-9]{1,16}")
_B64_BODY = re.compile(r"[A-Za-z0-9_-]*")
_NONCE_BYTES = 12  # 96-bit nonce: the size GCM is specified for; random per encryption.
_TAG_BYTES = 16


class CryptoError(Exception):
    """Base class for every error raised by this module."""


class UnknownKeyError(CryptoError):
    """A token names a key id that is not in the keyring (e.g. a key was retired too early)."""


class DecryptionError(CryptoError):
    """Authentication failed or the token is malformed: wrong key, tampering, wrong context."""


class KeyFormatError(CryptoError):
    """A configured key or secret is malformed. Messages never include the secret itself."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Decode standard or urlsafe base64 with optional padding; ValueError otherwise."""
    body = text.strip().rstrip("=").replace("+", "-").replace("/", "_")
    if not _B64_BODY.fullmatch(body) or len(body) % 4 == 1:
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))  # binascii.Error is a ValueError


def _derive_key_id(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()[:8]


@dataclass(frozen=True)
class FieldKey:
    """One AES-256 key plus the short id that is written into every token it produces."""

    key_id: str
    # repr=False: a key must never end up in a log line or traceback (ISO 10002 4.10).
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _KEY_ID.fullmatch(self.key_id):
            raise KeyFormatError("field key id must be 1-16 characters of [a-z0-9]")
        if len(self.secret) != 32:
            raise KeyFormatError("field key secret must be exactly 32 bytes (AES-256)")

    @classmethod
    def parse(cls, text: str) -> FieldKey:
        """Parse ``"KEYID:BASE64URL"`` or a bare ``"BASE64URL"`` 32-byte secret."""
        key_id: str | None = None
        encoded = text.strip()
        if ":" in encoded:
            key_id, encoded = (part.strip() for part in encoded.split(":", 1))
            if not _KEY_ID.fullmatch(key_id):
                raise KeyFormatError("field key id must be 1-16 characters of [a-z0-9]")
        try:
            secret = _b64decode(encoded)
        except ValueError:
            raise KeyFormatError(
                "field key must be 'KEYID:BASE64' or 'BASE64' (base64 or base64url)"
            ) from None  # from None: the decoder's message could echo key material.
        if len(secret) != 32:
            raise KeyFormatError(f"field key must decode to 32 bytes, got {len(secret)}")
        return cls(key_id or _derive_key_id(secret), secret)

    def encoded(self) -> str:
        return f"{self.key_id}:{_b64encode(self.secret)}"

    @classmethod
    def generate(cls) -> FieldKey:
        secret = os.urandom(32)
        return cls(_derive_key_id(secret), secret)


class Keyring:
    """Newest-first list of field keys: encrypt with the newest, decrypt with any.

    Keeping old keys lets data written before a rotation stay readable until it has been
    re-encrypted (see ``needs_rotation``); only then may an old key be removed.
    """

    def __init__(self, keys: Sequence[FieldKey]) -> None:
        if not keys:
            raise KeyFormatError("a keyring needs at least one field key")
        self._keys = tuple(keys)
        self._ciphers: dict[str, AESGCM] = {}
        for key in self._keys:
            if key.key_id in self._ciphers:
                raise KeyFormatError(f"duplicate field key id {key.key_id!r} in keyring")
            self._ciphers[key.key_id] = AESGCM(key.secret)

    @classmethod
    def from_config(cls, value: str) -> Keyring:
        """Build from a comma-separated, newest-first setting; blank entries are ignored."""
        return cls([FieldKey.parse(part) for part in value.split(",") if part.strip()])

    @property
    def current(self) -> FieldKey:
        return self._keys[0]

    @staticmethod
    def _aad(context: str, key_id: str) -> bytes:
        # Binding the column/purpose into the AAD means a token copied into a different
        # field (e.g. an email token pasted over a phone) fails authentication.
        return b"sori:" + context.encode("utf-8") + b":" + key_id.encode("ascii")

    def encrypt(self, plaintext: str, *, context: str) -> str:
        key = self.current
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[key.key_id].encrypt(
            nonce, plaintext.encode("utf-8"), self._aad(context, key.key_id)
        )
        return f"{FORMAT_VERSION}${key.key_id}${_b64encode(nonce + sealed)}"

    @staticmethod
    def _parse(token: str) -> tuple[str, bytes]:
        parts = token.split("$")
        if len(parts) != 3 or parts[0] != FORMAT_VERSION or not _KEY_ID.fullmatch(parts[1]):
            raise DecryptionError("malformed encrypted value")
        try:
            blob = _b64decode(parts[2])
        except ValueError:
            raise DecryptionError("malformed encrypted value") from None
        # Only the canonical encoding is accepted, so one ciphertext has exactly one token.
        if _b64encode(blob) != parts[2] or len(blob) < _NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError("malformed encrypted value")
        return parts[1], blob

    def decrypt(self, token: str, *, context: str) -> str:
        key_id, blob = self._parse(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKeyError(f"no field key with id {key_id!r} in the keyring")
        nonce, sealed = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, self._aad(context, key_id))
            return plain.decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise DecryptionError("encrypted value failed authentication") from None

    def key_id_of(self, token: str) -> str:
        return self._parse(token)[0]

    def needs_rotation(self, token: str) -> bool:
        return self.key_id_of(token) != self.current.key_id


def blind_index(key: bytes, value: str, *, purpose: str) -> str:
    """Keyed, deterministic digest for exact-match look-ups without storing plaintext.

    A keyed HMAC (not a bare hash) is used because emails and phone numbers have so little
    entropy that an unkeyed hash could be reversed by enumeration (ISO 10002 4.10).
    ``purpose`` separates domains so equal values in different fields do not correlate.
    ``value`` must already be normalised (see ``normalise_email``/``normalise_phone``).
    128 bits is ample for collision resistance and halves the index size.
    """
    if "\x00" in purpose:
        raise ValueError("blind index purpose must not contain NUL")
    message = (purpose + "\x00" + value).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def normalise_email(value: str) -> str:
    """Canonical form for email blind indexes: strip, NFKC, casefold the whole address.

    The local part is technically case-sensitive, but no real provider treats it so, and a
    complainant must be able to find their case however they typed it. NFKC is applied
    again after casefolding because casefold output is not always NFKC-normal; this keeps
    the function idempotent.
    """
    folded = unicodedata.normalize("NFKC", value.strip()).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def normalise_phone(value: str) -> str:
    """Canonical Korean national form: digits only, country code 82 replaced by trunk 0.

    "+82 10-1234-5678", "010 1234 5678" and "01012345678" all give "01012345678". A
    redundant trunk zero after the country code ("+82 010...") is tolerated.
    """
    # NFKC first so full-width digits (common with Korean IMEs) count as digits.
    digits = "".join(c for c in unicodedata.normalize("NFKC", value) if c in "0123456789")
    if digits.startswith("82"):
        rest = digits[2:]
        return rest if rest.startswith("0") else "0" + rest
    return digits


def parse_secret(text: str, *, name: str) -> bytes:
    """Decode a base64/base64url secret of at least 32 bytes, e.g. the blind-index key."""
    try:
        secret = _b64decode(text)
    except ValueError:
        raise KeyFormatError(f"{name} must be base64 or base64url") from None
    if len(secret) < 32:
        raise KeyFormatError(f"{name} must decode to at least 32 bytes, got {len(secret)}")
    return secret


def generate_secret() -> str:
    return _b64encode(os.urandom(32))
