"""Evidence rules for maintenance and improvement (ISO 10002 8.2–8.7, 4.13; KS 4.10, 8.x):
analysis, satisfaction, monitoring, internal audit, management review, improvement actions.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from sori.analytics.catalogue import CATALOGUE
from sori.analytics.models import RecurringGroup
from sori.analytics.services.recurring_scan import SCANNED
from sori.audit.models import AuditEntry
from sori.complaints.models import Complaint, SurveyResponse
from sori.complaints.scope import visible
from sori.governance.conformance_base import (
    Context,
    Finding,
    Link,
    Status,
    show_date,
    show_percent,
)
from sori.governance.models import (
    ActionStatus,
    AuditFinding,
    AuditStatus,
    ImprovementAction,
    InternalAudit,
    ManagementReview,
    ReviewStatus,
)

# An audit finding stays open until its action is effective (or cancelled with a reason).
CLOSED_ACTION = (ActionStatus.EFFECTIVE, ActionStatus.CANCELLED)


def analysis(ctx: Context) -> Finding:
    """8.2: the recurring-issue scan ran in the period, and its groups were reviewed (dismissed
    or given an improvement action); stale when the last scan is older than the period."""
    scans = AuditEntry.objects.filter(action=SCANNED)
    in_period = scans.filter(**ctx.in_period("occurred_at")).count()
    last = scans.filter(occurred_at__lt=ctx.end).order_by("-seq").values_list(
        "occurred_at", flat=True).first()  # fmt: skip
    groups = RecurringGroup.objects.filter(detected_at__lt=ctx.end, last_at__gte=ctx.start)
    reviewed = groups.filter(Q(dismissed_at__isnull=False) | Q(improvement_action__isnull=False))
    details = {_("scans in the period"): str(in_period), _("last scan"): show_date(last),
               _("groups found"): str(groups.count()),
               _("groups reviewed"): str(reviewed.count())}  # fmt: skip
    links = (Link("recurring", _("Recurring issues")),)
    if last is None:
        return Finding(Status.MISSING, _("The recurring-issue scan has never run."), details,
                       links)  # fmt: skip
    if not in_period:
        return Finding(Status.STALE, _("The recurring-issue scan did not run in the period."),
                       details, links)  # fmt: skip
    return Finding(Status.PRESENT, _("%(scans)d scans; %(reviewed)d of %(groups)d groups "
                                     "reviewed.") % {"scans": in_period,
                                                     "reviewed": reviewed.count(),
                                                     "groups": groups.count()},
                   details, links)  # fmt: skip


def satisfaction(ctx: Context) -> Finding:
    """8.3: survey answers received in the period, and the satisfaction KPI."""
    answers = SurveyResponse.objects.filter(
        complaint__in=Complaint.objects.filter(visible(ctx.viewer)),
        **ctx.in_period("submitted_at"),
    ).count()
    score = ctx.kpi("satisfaction_score")
    rate = ctx.kpi("survey_response_rate")
    details = {_("survey answers"): str(answers),
               score.name: "—" if score.value is None else f"{score.value:g}",
               rate.name: show_percent(rate.value)}  # fmt: skip
    links = (Link("analytics", _("Analysis for the period"), query=ctx.period_query),)
    if not answers:
        return Finding(Status.MISSING, _("No survey answer in the period."), details, links)
    return Finding(Status.PRESENT, _("%(count)d survey answers in the period.")
                   % {"count": answers}, details, links)  # fmt: skip


def monitoring(ctx: Context) -> Finding:
    """8.4: the KPI catalogue has documented formulas and targets, and values for the period;
    missing when no indicator measured anything."""
    targeted = sum(1 for kpi in CATALOGUE if kpi.target is not None)
    # A count of zero (nothing received, nothing open) measures nothing; a share needs something
    # to count. Without this an empty installation would show the monitoring as present.
    values = [value for value in ctx.report.kpis
              if value.available and value.value is not None
              and (value.value or value.denominator)]  # fmt: skip
    missed = [value.name for value in values if value.status == "not_met"]
    details = {_("indicators"): str(len(CATALOGUE)), _("with a target"): str(targeted),
               _("with a value in the period"): str(len(values)),
               _("targets not met"): ", ".join(missed) or "—"}  # fmt: skip
    links = (Link("analytics", _("Analysis for the period"), query=ctx.period_query),)
    if not values:
        return Finding(Status.MISSING, _("No indicator has a value in the period."), details,
                       links)  # fmt: skip
    return Finding(Status.PRESENT, _("%(values)d indicators measured; %(missed)d miss their "
                                     "target.") % {"values": len(values), "missed": len(missed)},
                   details, links)  # fmt: skip


def internal_audit(ctx: Context) -> Finding:
    """8.5: the last completed internal audit (stale when older than the limit before the end
    of the period; missing when none) and its open findings."""
    audit = (
        InternalAudit.objects.filter(status=AuditStatus.COMPLETED, completed_at__lt=ctx.end)
        .order_by("-completed_at", "-id")
        .first()
    )
    links = (Link("audits", _("Internal audits")),)
    if audit is None or audit.completed_at is None:
        return Finding(Status.MISSING, _("No internal audit has been completed."), links=links)
    open_findings = (
        AuditFinding.objects.filter(audit=audit)
        .filter(
            Q(improvement_action__isnull=True) | ~Q(improvement_action__status__in=CLOSED_ACTION)
        )
        .count()
    )
    details = {_("audit"): audit.reference, _("completed on"): show_date(audit.completed_at),
               _("findings"): str(audit.findings.count()),
               _("open findings"): str(open_findings)}  # fmt: skip
    summary = _("Last audit %(reference)s completed on %(date)s; %(open)d open findings.") % {
        "reference": audit.reference, "date": show_date(audit.completed_at),
        "open": open_findings}  # fmt: skip
    status = Status.STALE if ctx.is_stale(audit.completed_at) else Status.PRESENT
    return Finding(
        status, summary, details, (*links, Link("audit", audit.reference, args=(audit.reference,)))
    )


def management_review(ctx: Context) -> Finding:
    """8.6: the last management review held (same staleness as the audit) and its decisions
    still to be done."""
    review = (
        ManagementReview.objects.filter(status=ReviewStatus.HELD, held_at__lt=ctx.end)
        .order_by("-held_at", "-id")
        .first()
    )
    links = (Link("reviews", _("Management reviews")),)
    if review is None or review.held_at is None:
        return Finding(Status.MISSING, _("No management review has been held."), links=links)
    pending = review.decisions.filter(done_at__isnull=True).count()
    details = {_("review"): review.reference, _("held on"): show_date(review.held_at),
               _("reviewed period"): f"{review.period_from} – {review.period_to}",
               _("decisions"): str(review.decisions.count()),
               _("decisions not done"): str(pending)}  # fmt: skip
    summary = _("Last review %(reference)s held on %(date)s; %(pending)d decisions not done.") % {
        "reference": review.reference, "date": show_date(review.held_at),
        "pending": pending}  # fmt: skip
    status = Status.STALE if ctx.is_stale(review.held_at) else Status.PRESENT
    return Finding(
        status,
        summary,
        details,
        (*links, Link("review", review.reference, args=(review.reference,))),
    )


def improvement(ctx: Context) -> Finding:
    """8.7 / 4.13: improvement actions opened in the period, with their effectiveness checks;
    stale when implemented actions wait past their check date."""
    actions = ImprovementAction.objects.all()
    opened = actions.filter(**ctx.in_period("opened_at")).count()
    checked = actions.filter(**ctx.in_period("effectiveness_checked_at"))
    effective = checked.filter(status=ActionStatus.EFFECTIVE).count()
    overdue = actions.filter(
        status=ActionStatus.IMPLEMENTED, effectiveness_due_on__lt=ctx.period_to
    ).count()
    details = {_("opened in the period"): str(opened),
               _("effectiveness checked"): str(checked.count()),
               _("found effective"): str(effective),
               _("checks overdue"): str(overdue)}  # fmt: skip
    links = (Link("improvement-actions", _("Improvement actions")),)
    if not opened and not checked.exists():
        return Finding(Status.MISSING, _("No improvement action opened or checked in the "
                                         "period."), details, links)  # fmt: skip
    summary = _("%(opened)d actions opened; %(checked)d checked, %(effective)d effective.") % {
        "opened": opened, "checked": checked.count(), "effective": effective}  # fmt: skip
    return Finding(Status.STALE if overdue else Status.PRESENT, summary, details, links)
