"""Re-encrypting personal data under the newest field key (ISO 10002 4.10 confidentiality).

Rotation is a two-step operation for the operator: put a new key first in ``SORI_FIELD_KEYS``
(old keys stay after it, so every row still reads), then run ``sori keys rotate``. Once it
reports nothing left to re-encrypt, the old keys may be removed.

Unlike other services this one does not run in a single transaction: it works through each table
in primary-key order, one batch per transaction, so a large installation never holds one lock
over all its personal data (on SQLite a single transaction would block every writer for the
whole run). A run that stops half-way leaves every row readable, because each batch commits
whole and old keys still decrypt; running it again continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from sori.audit import services as audit
from sori.core.actors import Actor
from sori.core.errors import DomainError
from sori.privacy.crypto import FORMAT_VERSION, CryptoError, Keyring
from sori.privacy.fields import EncryptedTextField
from sori.privacy.keys import keyring

BATCH_SIZE = 500


class RotationFailed(DomainError):
    """A stored value could not be decrypted with any configured key."""

    code = "rotation_failed"
    status = 500


@dataclass
class RotationReport:
    key_id: str
    # "app_label.Model.field" -> how many values were re-encrypted, for every encrypted field.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted columns, and those columns (each table's own columns only)."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        found = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if found:
            yield model, found


def rotate_field_keys(*, actor: Actor, batch_size: int = BATCH_SIZE) -> RotationReport:
    """Re-encrypt every value not yet under the newest key; record one audit entry for the run."""
    ring = keyring()
    report = RotationReport(key_id=ring.current.key_id)
    try:
        for model, fields in encrypted_fields():
            _rotate_model(model, fields, ring=ring, batch_size=batch_size, report=report)
    except RotationFailed as exc:
        _record(actor=actor, report=report, completed=False, error=exc.code)
        raise
    _record(actor=actor, report=report, completed=True)
    return report


def _label(model: type[models.Model], column: EncryptedTextField) -> str:
    return f"{model._meta.label}.{column.name}"


def _rotate_model(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    *,
    ring: Keyring,
    batch_size: int,
    report: RotationReport,
) -> None:
    current_prefix = f"{FORMAT_VERSION}${ring.current.key_id}$"
    # Cast to plain text so EncryptedTextField.from_db_value does not decrypt: the key id is
    # read from the ciphertext itself.
    raw = {
        f"sori_raw_{f.attname}": Cast(f.attname, output_field=models.TextField()) for f in fields
    }
    # A cheap filter in the database; ``needs_rotation`` below is the authority.
    stale = models.Q()
    for alias in raw:
        filled = models.Q(**{f"{alias}__gt": ""})
        current = models.Q(**{f"{alias}__startswith": current_prefix})
        stale |= filled & ~current
    labels = {f.name: _label(model, f) for f in fields}
    for label in labels.values():
        report.counts.setdefault(label, 0)
    manager = model._base_manager
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = manager.annotate(**raw).filter(stale)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            # Lock the batch (PostgreSQL) so a concurrent edit is neither lost nor overwritten.
            batch = list(
                rows.select_for_update().order_by("pk").values_list("pk", *raw)[:batch_size]
            )
            for pk, *tokens in batch:
                changes = _reencrypt(model, fields, pk, tokens, ring=ring)
                if changes:
                    manager.filter(pk=pk).update(**changes)
                    for name in changes:
                        report.counts[labels[name]] += 1
        if len(batch) < batch_size:
            return
        last_pk = batch[-1][0]


def _reencrypt(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    pk: Any,
    tokens: list[str | None],
    *,
    ring: Keyring,
) -> dict[str, str]:
    changes: dict[str, str] = {}
    for column, token in zip(fields, tokens, strict=True):
        if not token:
            continue
        try:
            if not ring.needs_rotation(token):
                continue
            # Saving the plaintext through the field encrypts it with the newest key.
            changes[column.name] = ring.decrypt(token, context=column._context())
        except CryptoError as exc:
            raise RotationFailed(
                _("Cannot re-encrypt %(field)s of %(model)s #%(pk)s: %(error)s. Is a key missing "
                  "from SORI_FIELD_KEYS?")
                % {"field": column.name, "model": model._meta.label, "pk": pk, "error": exc},
                model=model._meta.label, field=column.name, pk=str(pk),
            ) from exc  # fmt: skip
    return changes


def _record(
    *, actor: Actor, report: RotationReport, completed: bool, error: str | None = None
) -> None:
    data: dict[str, Any] = {
        "key_id": report.key_id,
        "reencrypted": dict(report.counts),
        "total": report.total,
        "completed": completed,
    }
    if error is not None:
        data["error"] = error
    with transaction.atomic():
        audit.record(
            action="sori.privacy.keys_rotated",
            actor=actor,
            object_type="field_key",
            object_id=report.key_id,
            data=data,
            iso_clause="4.10",
        )
