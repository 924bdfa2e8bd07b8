"""The append-only, hash-chained audit trail (ISO 10002 4.9, 4.12, 8.1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("position"), unique=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.CharField(_("actor"), max_length=100)
    actor_label = models.CharField(_("actor name"), max_length=200)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object"), max_length=64)
    data = models.JSONField(_("data"), default=dict)
    iso_clause = models.CharField(_("ISO 10002 clause"), max_length=16, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The position and hash of the newest entry: appending locks this row, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
