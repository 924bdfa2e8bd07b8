"""The outbox: every email Sori owes a complainant, kept until it is sent (ISO 10002 7.3, 7.4, 7.8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sori.privacy.fields import EncryptedTextField


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED_PERMANENTLY = "failed_permanently", _("failed permanently")


class OutboundMessage(models.Model):
    """One email, written in the same transaction as the change it reports.

    The row is the promise: it stays ``queued`` (and is retried) until the SMTP server accepted
    it, so a complainant is never left without the acknowledgement because mail was down.
    The body carries the reference and a signed status link, never the access code.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        related_name="messages",
        on_delete=models.PROTECT,
        verbose_name=_("complaint"),
    )
    # Personal data (ISO 10002 4.10): encrypted at rest like the complainant's own record.
    recipient = EncryptedTextField(_("recipient"))
    language = models.CharField(_("language"), max_length=2)
    template = models.CharField(_("template"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_status_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"
