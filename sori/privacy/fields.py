"""A model field whose value is stored as AES-GCM ciphertext and read back as text."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from sori.privacy.keys import keyring


class EncryptedTextField(models.TextField):
    """Personal data, encrypted at rest from the first day (ISO 10002 4.10).

    The AES-GCM associated data names the table and column, so ciphertext moved to another
    column does not decrypt. Empty values are stored as empty strings (nothing to hide).
    A wrong or missing key raises ``sori.privacy.crypto.CryptoError`` when the row is read:
    failing loudly beats showing a complainant's data as garbage.
    """

    def _context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keyring().encrypt(str(value), context=self._context())

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return keyring().decrypt(value, context=self._context())

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "sori.privacy.fields.EncryptedTextField", args, kwargs
