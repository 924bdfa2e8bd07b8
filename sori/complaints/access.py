"""Access codes: the complainant's proof, with the reference, that a complaint is theirs (ISO 10002 7.3).

A code has 12 characters from a 32-symbol alphabet without look-alikes (60 bits), shown
once and stored only as an HMAC. With that much entropy and rate-limited look-ups a slow password
hash would add nothing but latency to every submission.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sori.privacy.keys import blind_index_key

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise(code: str) -> str:
    """Forgive case, spaces and dashes a person may type or a phone may add."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(reference: str, code: str) -> str:
    message = f"access-code\x00{reference}\x00{normalise(code)}".encode()
    return hmac.new(blind_index_key(), message, hashlib.sha256).hexdigest()


def matches(reference: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(code_hash(reference, code), stored_hash)
