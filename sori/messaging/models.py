"""The outbox: every email Sori owes a complainant, kept until it is sent (ISO 10002 7.3, 7.4, 7.8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sori.privacy.fields import EncryptedTextField


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED_PERMANENTLY = "failed_permanently", _("failed permanently")
    # The receiving side returned it (a delivery status notification): it never arrived.
    BOUNCED = "bounced", _("bounced")


class Audience(models.TextChoices):
    COMPLAINANT = "complainant", _("complainant")
    STAFF = "staff", _("staff")


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
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.COMPLAINANT
    )
    # RFC 5322 Message-ID, fixed when the message is written so that every retry carries the
    # same one and a reply or a bounce can be matched to it (ISO 10002 7.2 threading).
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
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
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_status_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"


class Classification(models.TextChoices):
    NEW = "new", _("new complaint")
    REPLY = "reply", _("reply from the complainant")
    UNVERIFIED = "unverified", _("reply from an unverified sender")
    AUTO_REPLY = "auto_reply", _("automatic reply")
    BOUNCE = "bounce", _("delivery failure report")
    LOOP = "loop", _("mail loop")
    # A service refused what the message asked for: kept for staff to handle by hand.
    FAILED = "failed", _("could not be processed")


class InboundMessage(models.Model):
    """One email received by the mail gateway or the IMAP poller (ISO 10002 7.2: every channel).

    Written once per Message-ID: a message the MTA or the mailbox delivers again is recognised
    and changes nothing. The sender is personal data and stays encrypted; ``sender_index`` is
    its blind index, used to spot a sender flooding the gateway (a mail loop).
    """

    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices
    )
    # Why it was classified so, as a stable code (e.g. "auto_submitted", "subject_reference").
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        related_name="inbound_messages",
        on_delete=models.PROTECT,
        verbose_name=_("complaint"),
    )
    # The message of ours a bounce reports on.
    bounced_message = models.ForeignKey(
        OutboundMessage,
        null=True,
        blank=True,
        related_name="bounces",
        on_delete=models.PROTECT,
        verbose_name=_("bounced message"),
    )
    sender = EncryptedTextField(_("sender"), blank=True)
    sender_index = models.CharField(max_length=32, blank=True, db_index=True)
    attachments_kept = models.PositiveSmallIntegerField(_("attachments kept"), default=0)
    # The names of refused attachments and why, for staff to follow up (never fatal).
    attachments_refused = models.TextField(_("attachments refused"), blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    received_at = models.DateTimeField(_("received at"), db_index=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["sender_index", "classification", "received_at"],
                name="inbound_sender_recent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.classification} #{self.pk}"
