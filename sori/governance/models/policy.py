"""The complaints-handling policy, its versions, approvals and staff acknowledgements
(ISO 10002 5.1 commitment, 5.2 policy; KS Q ISO 10002 numbering, 2018: 5.2, 5.3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved, not yet published")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PolicyVersion(models.Model):
    """One version of the policy, in Korean and English.

    Top management approves a version (4.2, 5.1); only an approved version is published, from its
    effective date, on the portal's how-to-complain page. Publishing a version ends the one before.
    """

    number = models.PositiveIntegerField(_("version"), unique=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_ko = models.TextField(_("policy (Korean)"))
    body_en = models.TextField(_("policy (English)"))
    change_summary = models.TextField(_("what changed"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("drafted by"),
    )  # fmt: skip
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("published by"),
    )  # fmt: skip
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class PolicyAcknowledgement(models.Model):
    """A staff member has read this version of the policy (ISO 10002 5.2: known to all staff)."""

    policy = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements",
        verbose_name=_("policy version"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("staff member"),
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["policy", "user"], name="policy_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.user_id}"
