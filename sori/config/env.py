"""Typed settings from the environment (and nowhere else).

Every secret can also come from ``NAME_FILE`` (a path, as Docker and systemd credentials provide).
On the embedded default (SQLite) a missing key is generated once into the data directory with a
warning, so ``sori serve --demo`` works on a fresh machine; on PostgreSQL with debug off a missing key
stops start-up, because a generated key on one of several web processes would lock the others out
of the data they encrypt (ISO 10002 4.10).
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

logger = logging.getLogger("sori.config")

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message names the setting, never a secret."""


def text(name: str, default: str | None = None) -> str | None:
    """The value of ``name``, or of the file named by ``name_FILE``, or ``default``."""
    value = os.environ.get(name)
    if value is not None and value.strip() != "":
        return value.strip()
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"{name}_FILE points to {file_path!r}, which cannot be read: {exc}"
            ) from None
    return default


def flag(name: str, default: bool = False) -> bool:
    value = text(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be one of true/false/1/0/yes/no, not {value!r}")


def integer(name: str, default: int) -> int:
    value = text(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None


def listing(name: str, default: list[str]) -> list[str]:
    value = text(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(text("SORI_DATA_DIR", "./sori-data") or "./sori-data").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret(name: str, *, generate: bool, directory: Path, make: str = "token") -> str:
    """A secret from the environment; when allowed, generated once into ``directory/keys/``.

    ``make`` is ``token`` (a URL-safe random string) or ``field_key`` (an AES-256 key in the
    ``id:base64url`` form the keyring reads).
    """
    value = text(name)
    if value:
        return value
    stored = directory / "keys" / name.lower()
    if stored.exists():
        return stored.read_text(encoding="utf-8").strip()
    if not generate:
        raise ConfigurationError(
            f"{name} is not set. On PostgreSQL with SORI_DEBUG off every process must share the same "
            f"keys: set {name} or {name}_FILE (see README, 'Configuration')."
        )
    if make == "field_key":
        from sori.privacy.crypto import FieldKey

        value = FieldKey.generate().encoded()
    else:
        value = secrets.token_urlsafe(48)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.parent.chmod(0o700)
    stored.write_text(value + "\n", encoding="utf-8")
    stored.chmod(0o600)
    logger.warning(
        "%s was not set; generated one into %s. Keep this file: without it the encrypted "
        "personal data in this installation cannot be read.",
        name,
        stored,
    )
    return value
