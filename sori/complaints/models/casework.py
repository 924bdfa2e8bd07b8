"""What handlers record while working a complaint: assessment matrix, objectivity, investigation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sori.complaints.models.complaint import Complaint, Level, Priority


class PriorityRule(models.Model):
    """One cell of the priority matrix: severity × impact → priority (ISO 10002 7.5).

    A safety risk always makes a complaint urgent, whatever the matrix says.
    """

    severity = models.CharField(_("severity"), max_length=8, choices=Level.choices)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)

    class Meta:
        verbose_name = _("priority matrix cell")
        verbose_name_plural = _("priority matrix")
        ordering = ["severity", "impact"]
        constraints = [
            models.UniqueConstraint(fields=["severity", "impact"], name="priority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.severity} × {self.impact} → {self.priority}"


class RootCause(models.Model):
    """A code of the root-cause taxonomy, with Korean and English labels (ISO 10002 7.6, 8.2)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_ko = models.CharField(_("label (Korean)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" else self.label_ko


class ConflictDeclaration(models.Model):
    """A staff member's declared conflict of interest in a complaint (ISO 10002 4.7)."""

    complaint = models.ForeignKey(
        Complaint, related_name="conflicts", on_delete=models.CASCADE, verbose_name=_("complaint")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="declared_conflicts",
        on_delete=models.PROTECT,
        verbose_name=_("staff member"),
    )
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "staff"], name="conflict_once_per_staff")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} × {self.staff_id}"


class InvestigationTask(models.Model):
    """A piece of investigation work with one owner and a due date (ISO 10002 7.6, 4.12)."""

    complaint = models.ForeignKey(
        Complaint, related_name="tasks", on_delete=models.CASCADE, verbose_name=_("complaint")
    )
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="investigation_tasks",
        on_delete=models.PROTECT,
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("investigation task")
        verbose_name_plural = _("investigation tasks")
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ContactMethodUsed(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("email")
    LETTER = "letter", _("letter")
    IN_PERSON = "in_person", _("in person")
    MEETING = "meeting", _("meeting")


class ContactRecord(models.Model):
    """A contact made during the investigation: with whom, how, what was said (ISO 10002 7.6)."""

    complaint = models.ForeignKey(
        Complaint, related_name="contacts", on_delete=models.CASCADE, verbose_name=_("complaint")
    )
    contacted_at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=10, choices=ContactMethodUsed.choices)
    party = models.CharField(_("with whom"), max_length=200)
    # A contact with the complainant meets the first-contact target of the SLA policy.
    with_complainant = models.BooleanField(_("with the complainant"), default=False)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["contacted_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.method} {self.contacted_at:%Y-%m-%d}"


class ComplaintLink(models.Model):
    """Two complaints that are related (same issue, same complainant); shown on both (ISO 10002 8.2)."""

    source = models.ForeignKey(Complaint, related_name="links_out", on_delete=models.CASCADE)
    target = models.ForeignKey(Complaint, related_name="links_in", on_delete=models.CASCADE)
    note = models.CharField(_("why they are related"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("related complaint")
        verbose_name_plural = _("related complaints")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="complaint_link_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="complaint_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} ↔ {self.target_id}"


class SavedFilter(models.Model):
    """A queue filter a staff member saved under a name."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="saved_filters", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filter"), max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_name_once")
        ]

    def __str__(self) -> str:
        return self.name
