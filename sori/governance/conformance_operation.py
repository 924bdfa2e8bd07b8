"""Evidence rules for the guiding principles shown by the handling itself and for the operation
clauses (ISO 10002 4.5–4.15, 7.1–7.9; KS 4.3–4.10, 7.x).

Timeliness numbers come from the KPI catalogue (``sori.analytics.kpis``), so the map shows
what the dashboard shows; the rest are counts over the period's complaints, in the viewer's
scope (``sori.complaints.scope.visible``).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.complaints.models import Complaint
from sori.complaints.scope import visible
from sori.complaints.workflow import Status as CaseStatus
from sori.governance.conformance_base import (
    SHARE_THRESHOLD,
    Context,
    Finding,
    Link,
    Status,
    kpi_details,
    kpi_finding,
    percent,
    show_percent,
    worst,
)
from sori.messaging.models import Audience, MessageStatus, OutboundMessage


def _complaints(ctx: Context) -> QuerySet[Complaint]:
    return Complaint.objects.filter(visible(ctx.viewer))


def _received(ctx: Context) -> QuerySet[Complaint]:
    return _complaints(ctx).filter(**ctx.in_period("received_at")).exclude(status=CaseStatus.MERGED)


def _decided(ctx: Context) -> QuerySet[Complaint]:
    return _complaints(ctx).filter(**ctx.in_period("decision_issued_at"))


def _closed(ctx: Context) -> QuerySet[Complaint]:
    return _complaints(ctx).filter(status=CaseStatus.CLOSED, **ctx.in_period("closed_at"))


def _dashboard(ctx: Context) -> Link:
    return Link("analytics", _("Analysis for the period"), query=ctx.period_query)


def _queue(ctx: Context, label: str, **extra: str) -> Link:
    query = (("state", "any"), ("received_from", ctx.period_from.isoformat()),
             ("received_to", ctx.period_to.isoformat()), *extra.items())  # fmt: skip
    return Link("queue", label, query=tuple(query))


def _share_finding(part: int, whole: int, summary: str, details: dict[str, str],
                   links: tuple[Link, ...], nothing: str) -> Finding:  # fmt: skip
    """Missing when there is nothing to count, stale under the threshold share."""
    if not whole:
        return Finding(Status.MISSING, nothing, details, links)
    share = percent(part, whole)
    details = {**details, _("counted"): f"{part} / {whole}",
               _("threshold"): show_percent(SHARE_THRESHOLD)}  # fmt: skip
    text = summary % {"share": show_percent(share), "part": part, "whole": whole}
    short = share is None or share < SHARE_THRESHOLD
    return Finding(Status.STALE if short else Status.PRESENT, text, details, links)


def with_links(finding: Finding, *links: Link) -> Finding:
    return Finding(finding.status, finding.summary, finding.details, finding.links + links)


def accessibility(ctx: Context) -> Finding:
    """4.5 (KS 4.3): complaints reach the organisation through its channels and languages."""
    rows = _received(ctx)
    channels = dict(rows.order_by().values_list("channel").annotate(n=Count("pk")))
    languages = dict(rows.order_by().values_list("language").annotate(n=Count("pk")))
    details = {_("by channel"): ", ".join(f"{k}: {v}" for k, v in sorted(channels.items())) or "—",
               _("by language"): ", ".join(f"{k}: {v}" for k, v in sorted(languages.items()))
               or "—"}  # fmt: skip
    if not channels:
        return Finding(Status.MISSING, _("No complaint received in the period."), details)
    return Finding(Status.PRESENT, _("Complaints received through %(channels)d channels in "
                                     "%(languages)d languages.")
                   % {"channels": len(channels), "languages": len(languages)}, details,
                   (_dashboard(ctx),))  # fmt: skip


def acknowledgement(ctx: Context) -> Finding:
    """7.4: share acknowledged within target, the KPI ``acknowledged_on_time`` itself. The queue
    has no filter for missed acknowledgements: the link opens the dashboard's stage-clock
    table (met and missed) for the period and the queue of the period's complaints."""
    found = kpi_finding(ctx, "acknowledged_on_time")
    value = ctx.kpi("acknowledged_on_time")
    missed = (value.denominator or 0) - (value.numerator or 0)
    details = {**found.details, _("missed"): f"{missed:g}"}
    return Finding(
        found.status,
        found.summary,
        details,
        (_dashboard(ctx), _queue(ctx, _("Complaints received in the period"))),
    )


def responsiveness(ctx: Context) -> Finding:
    """4.6 (KS 4.4): acknowledged and decided on time (both KPIs)."""
    ack = acknowledgement(ctx)
    decided = kpi_finding(ctx, "decided_on_time")
    details = {**kpi_details(ctx, "acknowledged_on_time", "decided_on_time"),
               _("missed"): ack.details[_("missed")]}  # fmt: skip
    return Finding(worst(ack.status, decided.status), f"{ack.summary} {decided.summary}",
                   details, ack.links)  # fmt: skip


def timeliness(ctx: Context) -> Finding:
    """4.15: decided and closed within the stage targets (KPIs)."""
    decided = kpi_finding(ctx, "decided_on_time")
    closed = kpi_finding(ctx, "closed_on_time")
    return Finding(worst(decided.status, closed.status), f"{decided.summary} {closed.summary}",
                   kpi_details(ctx, "decided_on_time", "closed_on_time"),
                   (_dashboard(ctx),))  # fmt: skip


def objectivity(ctx: Context) -> Finding:
    """4.7 (KS 4.5): the conflict-of-interest guard is built in (a named staff member cannot be
    given the case); the evidence is its use: staff named and conflicts declared."""
    entries = AuditEntry.objects.filter(
        action__in=["sori.complaint.staff_named", "sori.complaint.conflict_declared"],
        **ctx.in_period("occurred_at"),
    )
    counts = dict(entries.order_by().values_list("action").annotate(n=Count("pk")))
    named = counts.get("sori.complaint.staff_named", 0)
    declared = counts.get("sori.complaint.conflict_declared", 0)
    details = {_("staff named in complaints"): str(named),
               _("conflicts declared"): str(declared)}  # fmt: skip
    if not _received(ctx).exists():
        return Finding(Status.MISSING, _("No complaint received in the period."), details)
    return Finding(Status.PRESENT, _("Conflict guard in use: %(named)d staff named, %(declared)d "
                                     "conflicts declared.") % {"named": named,
                                                               "declared": declared},
                   details, (Link("audit-trail", _("Audit trail")),))  # fmt: skip


def charges(ctx: Context) -> Finding:
    """4.8 (KS 4.6): a configuration check — a complaint has no fee field and the public page
    says complaining is free."""
    return Finding(Status.PRESENT, _("Configuration: no charge can be recorded on a "
                                     "complaint; the public page says it is free."))  # fmt: skip


def integrity(ctx: Context) -> Finding:
    """4.9: the audit trail verifies (``sori audit verify``) and records are complete for their
    stage (KPI ``data_quality``); missing when the trail is broken."""
    problems = verify_trail()
    quality = kpi_finding(ctx, "data_quality")
    links = (Link("audit-verify", _("Verify the audit trail")),)
    details = {_("audit trail"): _("intact") if not problems else
               _("%(count)d problem(s)") % {"count": len(problems)}, **quality.details}  # fmt: skip
    if problems:
        return Finding(Status.MISSING, _("The audit trail does not verify: %(count)d "
                                         "problem(s).") % {"count": len(problems)},
                       details, links)  # fmt: skip
    status = Status.STALE if quality.status is Status.STALE else Status.PRESENT
    return Finding(status, _("Audit trail intact.") + " " + quality.summary, details, links)


def _access_log(ctx: Context) -> Finding:
    views = AuditEntry.objects.filter(action="sori.personal_data.viewed")
    in_period = views.filter(**ctx.in_period("occurred_at")).count()
    last = views.order_by("-seq").values_list("occurred_at", flat=True).first()
    details = {_("personal-data readings logged in the period"): str(in_period)}
    links = (Link("personal-data-log", _("Personal-data access log")),)
    if in_period:
        return Finding(Status.PRESENT, _("Personal-data access log in use: %(count)d readings "
                                         "logged.") % {"count": in_period},
                       details, links)  # fmt: skip
    if last is not None:
        return Finding(Status.STALE, _("No personal-data reading logged in the period."),
                       details, links)  # fmt: skip
    return Finding(Status.MISSING, _("The personal-data access log has no entry."),
                   details, links)  # fmt: skip


def confidentiality(ctx: Context) -> Finding:
    """4.10 (KS 4.7): contact data is encrypted at rest (configuration) and every staff reading
    of it is logged (the log's use in the period)."""
    log = _access_log(ctx)
    return Finding(log.status, _("Complainant data encrypted at rest.") + " " + log.summary,
                   log.details, log.links)  # fmt: skip


def collection(ctx: Context) -> Finding:
    """8.1: records are kept and their personal data protected; Sori has no retention schedule
    yet, so the evidence is the personal-data access log in use."""
    log = _access_log(ctx)
    details = {**log.details, _("retention and disposal"): _("record outside Sori")}
    return Finding(log.status, log.summary, details, log.links)


def customer_focus(ctx: Context) -> Finding:
    """4.11 (KS 4.8): the complainant's answer to the decision is asked for and recorded."""
    decided = _decided(ctx)
    answered = decided.exclude(reaction="").count()
    return _share_finding(answered, decided.count(),
                          _("%(share)s of decisions have the complainant's answer recorded."),
                          {}, (_dashboard(ctx),),
                          _("No decision communicated in the period."))  # fmt: skip


def accountability(ctx: Context) -> Finding:
    """4.12 (KS 4.9): every decision has a named proposer (and an approver above their limit)."""
    decided = _decided(ctx)
    named = decided.filter(proposed_by__isnull=False).count()
    return _share_finding(named, decided.count(),
                          _("%(share)s of decisions name who proposed them."), {},
                          (_dashboard(ctx),),
                          _("No decision communicated in the period."))  # fmt: skip


def communication(ctx: Context) -> Finding:
    """7.1: complainants are told about their complaint — messages sent to them."""
    sent = OutboundMessage.objects.filter(
        audience=Audience.COMPLAINANT, status=MessageStatus.SENT, **ctx.in_period("sent_at")
    ).count()
    details = {_("messages sent to complainants"): str(sent)}
    links = (Link("outbox", _("Outbox")),)
    if not sent:
        return Finding(Status.MISSING, _("No message sent to a complainant in the period."),
                       details, links)  # fmt: skip
    return Finding(Status.PRESENT, _("%(count)d messages sent to complainants.")
                   % {"count": sent}, details, links)  # fmt: skip


def receipt(ctx: Context) -> Finding:
    """7.2: complaints recorded with a unique reference (present, or missing with none)."""
    rows = _received(ctx)
    total = rows.count()
    unique = rows.values("reference").distinct().count()
    details = {_("received"): str(total), _("unique references"): str(unique)}
    links = (_queue(ctx, _("Complaints received in the period")),)
    if not total:
        return Finding(Status.MISSING, _("No complaint received in the period."), details, links)
    # The reference is unique in the database, so there is no "short" case to report.
    return Finding(Status.PRESENT, _("%(count)d complaints received, %(unique)d unique "
                                     "references.") % {"count": total, "unique": unique},
                   details, links)  # fmt: skip


def tracking(ctx: Context) -> Finding:
    """7.3: complaints followed to a decision on time (KPI ``decided_on_time``)."""
    return with_links(kpi_finding(ctx, "decided_on_time"), _dashboard(ctx))


def assessment(ctx: Context) -> Finding:
    """7.5: complaints received in the period that have their initial assessment."""
    rows = _received(ctx)
    assessed = rows.filter(assessed_at__isnull=False).count()
    return _share_finding(assessed, rows.count(),
                          _("%(share)s of complaints received were assessed (%(part)d of "
                            "%(whole)d)."), {},
                          (_queue(ctx, _("Complaints received in the period")),),
                          _("No complaint received in the period."))  # fmt: skip


def investigation(ctx: Context) -> Finding:
    """7.6: decisions of the period rest on recorded findings or a root cause."""
    decided = _decided(ctx)
    investigated = decided.filter(~Q(findings="") | Q(root_cause__isnull=False)).count()
    return _share_finding(investigated, decided.count(),
                          _("%(share)s of decisions have findings or a root cause recorded."),
                          {}, (_dashboard(ctx),),
                          _("No decision communicated in the period."))  # fmt: skip


def response(ctx: Context) -> Finding:
    """7.7: decisions made within the stage target (KPI ``decided_on_time``) and their outcomes."""
    found = kpi_finding(ctx, "decided_on_time")
    outcomes = {code: ctx.kpi(code).value for code in ("upheld", "partly_upheld", "not_upheld")}
    extra = {ctx.kpi(code).name: show_percent(value) for code, value in outcomes.items()}
    return Finding(found.status, found.summary, {**found.details, **extra}, (_dashboard(ctx),))


def decision_communicated(ctx: Context) -> Finding:
    """7.8: decisions communicated in the period, and the median time to decide."""
    decided = _decided(ctx)
    total = decided.count()
    with_method = decided.exclude(decision_method="").count()
    median = ctx.kpi("median_days_to_decide").value
    details = {_("decisions communicated"): str(total),
               _("median days to decide"): "—" if median is None else f"{median:g}"}  # fmt: skip
    return _share_finding(with_method, total,
                          _("%(share)s of %(whole)d decisions record how they were "
                            "communicated."), details, (_dashboard(ctx),),
                          _("No decision communicated in the period."))  # fmt: skip


def closing(ctx: Context) -> Finding:
    """7.9: complaints closed in the period with the complainant's answer (accepted, rejected
    with recourse given) or after the waiting period without one."""
    closed = _closed(ctx)
    answered = closed.filter(~Q(reaction="") | ~Q(closure_code="")).count()
    on_time = ctx.kpi("closed_on_time")
    details = {on_time.name: show_percent(on_time.value)}
    link = Link("queue", _("Complaints closed in the period"),
                query=(("state", "closed"), ("closed_from", ctx.period_from.isoformat()),
                       ("closed_to", ctx.period_to.isoformat())))  # fmt: skip
    return _share_finding(answered, closed.count(),
                          _("%(share)s of %(whole)d closed complaints have the complainant's "
                            "answer or a closure code."), details, (link,),
                          _("No complaint closed in the period."))  # fmt: skip
