"""Internal audit of the complaints-handling process (ISO 10002 8.5): the programme, each audit
with its scope and auditor, the clause checklist, the sampled complaint files and the findings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditProgramme(models.Model):
    """The plan of audits for a period (usually a year)."""

    title = models.CharField(_("title"), max_length=200)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    description = models.TextField(_("aims and method"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        ordering = ["-period_from", "-id"]

    def __str__(self) -> str:
        return self.title


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class InternalAudit(models.Model):
    """One audit: what it covers (a period of complaints, optionally a unit or category) and who
    audits it. The auditor must be independent of the work audited (8.5)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    programme = models.ForeignKey(
        AuditProgramme, null=True, blank=True, on_delete=models.PROTECT,
        related_name="audits", verbose_name=_("programme"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    scope_from = models.DateField(_("complaints received from"))
    scope_to = models.DateField(_("complaints received until"))
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("unit"),
    )  # fmt: skip
    category = models.ForeignKey(
        "complaints.Category", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("category"),
    )  # fmt: skip
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("auditor"),
    )  # fmt: skip
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(
        _("status"), max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return self.reference


class ChecklistResult(models.TextChoices):
    NOT_CHECKED = "not_checked", _("not checked yet")
    CONFORMS = "conforms", _("conforms")
    NONCONFORMITY = "nonconformity", _("nonconformity")
    OBSERVATION = "observation", _("observation")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


class ChecklistItem(models.Model):
    """One clause of the standard on an audit's checklist, with what the auditor found."""

    audit = models.ForeignKey(
        InternalAudit, on_delete=models.CASCADE, related_name="checklist",
        verbose_name=_("audit"),
    )  # fmt: skip
    # The clause's key in ``sori.governance.clauses`` (its ISO 10002:2018 number); the page shows
    # the KS Q ISO 10002 number beside it.
    clause = models.CharField(_("clause"), max_length=8)
    position = models.PositiveSmallIntegerField()
    result = models.CharField(
        _("result"), max_length=16, choices=ChecklistResult.choices,
        default=ChecklistResult.NOT_CHECKED,
    )  # fmt: skip
    note = models.TextField(_("evidence seen"), blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "position"], name="audit_checklist_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} · {self.clause}"


class AuditSample(models.Model):
    """A complaint file drawn at random for the auditor to read end to end."""

    audit = models.ForeignKey(
        InternalAudit, on_delete=models.CASCADE, related_name="samples", verbose_name=_("audit")
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("complaint"),
    )  # fmt: skip
    drawn_at = models.DateTimeField(_("drawn at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.TextField(_("auditor's note"), blank=True)

    class Meta:
        verbose_name = _("sampled complaint file")
        verbose_name_plural = _("sampled complaint files")
        ordering = ["audit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "complaint"], name="audit_sample_once"),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} · {self.complaint_id}"


class FindingKind(models.TextChoices):
    NONCONFORMITY = "nonconformity", _("nonconformity")
    OBSERVATION = "observation", _("observation")
    OPPORTUNITY = "opportunity", _("opportunity for improvement")


class AuditFinding(models.Model):
    audit = models.ForeignKey(
        InternalAudit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    # A key of ``sori.governance.clauses`` (the 2018 number), or empty.
    clause = models.CharField(_("clause"), max_length=8, blank=True)
    description = models.TextField(_("finding"))
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("complaint"),
    )  # fmt: skip
    improvement_action = models.ForeignKey(
        "governance.ImprovementAction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="audit_findings", verbose_name=_("improvement action"),
    )  # fmt: skip
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("raised by"),
    )  # fmt: skip
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "id"]

    def __str__(self) -> str:
        return f"{self.audit_id} · {self.kind}"
