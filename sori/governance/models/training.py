"""Training and competence (ISO 10002 6.4 resources, 4.14 competence in the 2018 numbering)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    # How long a completion counts; empty means it does not expire.
    valid_months = models.PositiveIntegerField(_("valid for (months)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class TrainingRecord(models.Model):
    """One course a staff member completed: hours, date and when it stops counting."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("staff member"),
    )  # fmt: skip
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="records", verbose_name=_("course")
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["user", "course", "expires_on"], name="gov_training_cur")]

    def __str__(self) -> str:
        return f"{self.course} · {self.user_id} · {self.completed_on}"


class Enforcement(models.TextChoices):
    WARN = "warn", _("warn, allow the assignment")
    BLOCK = "block", _("block the assignment")


class TrainingRequirement(models.Model):
    """Handlers of complaints in this category (and its sub-categories) need this course."""

    category = models.ForeignKey(
        "complaints.Category", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("category"),
    )  # fmt: skip
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("course")
    )
    enforcement = models.CharField(
        _("when a handler lacks it"), max_length=8, choices=Enforcement.choices,
        default=Enforcement.WARN,
    )  # fmt: skip

    class Meta:
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        constraints = [
            models.UniqueConstraint(fields=["category", "course"], name="training_req_once"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} · {self.course}"
