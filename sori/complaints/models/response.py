"""The response, the decision letter and external dispute resolution (ISO 10002 7.7–7.9, ISO 10003)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sori.complaints.models.complaint import Complaint, ContactMethod, Language, RemedyType


class Remedy(models.Model):
    """One remedy of a proposed response, with its amount (ISO 10002 7.7).

    ``Complaint.remedy_amount`` holds the total of the current round, which the approval rule uses.
    """

    complaint = models.ForeignKey(
        Complaint, related_name="remedies", on_delete=models.CASCADE, verbose_name=_("complaint")
    )
    review_round = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("remedy"), max_length=16, choices=RemedyType.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.CharField(_("details"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["review_round", "position", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount or ''}".strip()


class LetterTemplate(models.Model):
    """A decision-letter template in one language, with ``{placeholders}`` (ISO 10002 7.8)."""

    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    for_review = models.BooleanField(
        _("after an internal review"),
        default=False,
        help_text=_("Used for the decision that follows an internal review."),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("decision-letter template")
        verbose_name_plural = _("decision-letter templates")
        ordering = ["language", "for_review", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class DecisionLetter(models.Model):
    """The decision as it was communicated: text, method and date (ISO 10002 7.8)."""

    complaint = models.ForeignKey(
        Complaint, related_name="letters", on_delete=models.PROTECT, verbose_name=_("complaint")
    )
    review_round = models.PositiveSmallIntegerField(default=0)
    template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    method = models.CharField(_("sent by"), max_length=10, choices=ContactMethod.choices)
    sent_on = models.DateField(_("sent on"))
    message = models.ForeignKey(
        "messaging.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.subject}"


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    FOR_COMPLAINANT = "for_complainant", _("in the complainant's favour")
    PARTLY = "partly", _("partly in the complainant's favour")
    FOR_ORGANISATION = "for_organisation", _("in the organisation's favour")
    SETTLED = "settled", _("settled by agreement")
    WITHDRAWN = "withdrawn", _("withdrawn by the complainant")


class ExternalReferral(models.Model):
    """A complaint taken to an external dispute-resolution body (ISO 10003, ISO 10002 7.9)."""

    complaint = models.ForeignKey(
        Complaint, related_name="referrals", on_delete=models.PROTECT, verbose_name=_("complaint")
    )
    body = models.ForeignKey(
        "core.ExternalDisputeBody",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("external body"),
    )
    referred_on = models.DateField(_("referred on"))
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    organisation_position = models.TextField(_("the organisation's position"), blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PENDING,
    )
    outcome_on = models.DateField(_("outcome received on"), null=True, blank=True)
    action_required = models.BooleanField(
        _("the body asked the organisation to act"), default=False
    )
    implementation = models.TextField(_("what was done"), blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("external referral")
        verbose_name_plural = _("external referrals")
        ordering = ["referred_on", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.body_id}"

    @property
    def concluded(self) -> bool:
        """ISO 10003: an outcome is known and, where action was asked for, it was taken."""
        if self.outcome == ReferralOutcome.PENDING or self.outcome_on is None:
            return False
        return not self.action_required or self.implemented_on is not None
