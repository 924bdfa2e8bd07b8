"""Evidence rules for the framework and planning clauses: policy, commitment, roles, objectives,
resources and competence (ISO 10002 4.2, 4.4, 4.14, 5.1–5.4, 6.1–6.4; KS 5.1–5.3, 6.x).

Each rule reads the governance records directly and answers a ``Finding`` (see
``conformance_base``); the table that maps clause keys to rules is in ``conformance``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sori.accounts.models import Role
from sori.complaints.models import Category
from sori.governance import competence as competence_rules
from sori.governance import policy as policy_selectors
from sori.governance import roles
from sori.governance.conformance_base import (
    SHARE_THRESHOLD,
    Context,
    Finding,
    Link,
    Status,
    active_staff,
    percent,
    show_date,
    show_percent,
    worst,
)
from sori.governance.models import (
    Objective,
    PolicyAcknowledgement,
    PolicyVersion,
    TrainingRecord,
    TrainingRequirement,
)
from sori.governance.objectives import Cache, objective_progress
from sori.sla.models import SlaPolicy, SlaTarget, Stage

CASE_WORKERS = (Role.HANDLER.value, Role.INVESTIGATOR.value)


def policy_in_force(ctx: Context) -> PolicyVersion | None:
    """The published version in force on the last day of the period (the policy page's rule)."""
    version = policy_selectors.policy_in_force(on=ctx.period_to)
    if version is None:
        return None
    return PolicyVersion.objects.select_related("approved_by__staff_profile").get(pk=version.pk)


def _policy_link(version: PolicyVersion | None = None) -> tuple[Link, ...]:
    if version is None:
        return (Link("policy", _("Policy")),)
    return (Link("policy", _("Policy")),
            Link("policy-version", f"v{version.number}", args=(version.number,)))  # fmt: skip


def policy_approval(ctx: Context) -> Finding:
    """4.2 / 5.2 (KS 5.1): a version approved by top management is in force; stale when the
    approval is older than the staleness limit."""
    version = policy_in_force(ctx)
    if version is None:
        return Finding(Status.MISSING, _("No approved policy was in force at the end of the "
                                         "period."), links=_policy_link())  # fmt: skip
    approver = version.approved_by
    role = getattr(getattr(approver, "staff_profile", None), "role", "")
    details = {
        _("version"): f"v{version.number}",
        _("approved by"): approver.get_username() if approver else "—",
        _("approved on"): show_date(version.approved_at),
        _("published on"): show_date(version.published_at),
    }
    summary = _("Policy v%(number)d approved on %(date)s.") % {
        "number": version.number, "date": show_date(version.approved_at)}  # fmt: skip
    if role != Role.TOP_MANAGEMENT or version.approved_at is None:
        return Finding(Status.MISSING, _("Policy v%(number)d was not approved by top "
                                         "management.") % {"number": version.number},
                       details, _policy_link(version))  # fmt: skip
    status = Status.STALE if ctx.is_stale(version.approved_at) else Status.PRESENT
    return Finding(status, summary, details, _policy_link(version))


def policy_known(ctx: Context) -> Finding:
    """5.3 (KS 5.2): the policy is published and known to staff; stale when fewer than the
    threshold share of active staff acknowledged the version in force."""
    version = policy_in_force(ctx)
    if version is None:
        return Finding(Status.MISSING, _("No policy was published."), links=_policy_link())
    # Those asked to acknowledge (every role but the auditor), as on the policy page.
    staff = active_staff().filter(staff_profile__role__in=sorted(policy_selectors.ACKNOWLEDGERS))
    acknowledged = PolicyAcknowledgement.objects.filter(
        policy=version, user__in=staff, acknowledged_at__lt=ctx.end
    ).count()
    total = staff.count()
    share = percent(acknowledged, total)
    details = {_("version"): f"v{version.number}",
               _("acknowledged"): f"{acknowledged} / {total}",
               _("threshold"): show_percent(SHARE_THRESHOLD)}  # fmt: skip
    summary = _("Policy v%(number)d published; %(share)s of staff acknowledged it.") % {
        "number": version.number, "share": show_percent(share)}  # fmt: skip
    short = share is None or share < SHARE_THRESHOLD
    status = Status.STALE if short else Status.PRESENT
    return Finding(status, summary, details, _policy_link(version))


def transparency(ctx: Context) -> Finding:
    """4.4 (KS 4.2) and 7.1: the policy and the timeframes are public — a published policy and
    an SLA policy in use, which the public how-to-complain page is built from."""
    version = policy_in_force(ctx)
    policies = SlaPolicy.objects.filter(active=True).count()
    details = {_("policy published"): f"v{version.number}" if version else "—",
               _("SLA policies in use"): str(policies)}  # fmt: skip
    if version is None or not policies:
        return Finding(Status.MISSING, _("The public page lacks a published policy or the "
                                         "timeframes of an SLA policy in use."), details,
                       _policy_link())  # fmt: skip
    return Finding(Status.PRESENT, _("Published policy v%(number)d and %(count)d SLA policies "
                                     "in use on the public page.")
                   % {"number": version.number, "count": policies}, details,
                   _policy_link())  # fmt: skip


def context_register(ctx: Context) -> Finding:
    """5.1: the context (issues, interested parties, obligations) is a record kept outside
    Sori; the regulator SLA templates in use are shown as the part Sori holds."""
    policies = list(SlaPolicy.objects.filter(active=True).values_list("code", flat=True)[:20])
    return Finding(
        Status.MISSING,
        _("Record outside Sori: the context and obligations register. SLA policies in use: "
          "%(count)d.") % {"count": len(policies)},
        {_("SLA policies in use"): ", ".join(policies) or "—"},
    )  # fmt: skip


def responsibility(ctx: Context) -> Finding:
    """5.4 (KS 5.3): a representative appointed on the last day of the period (missing without
    one); stale when there is no deputy or the role matrix shows another gap (``role_gaps``:
    nobody in top management, no handler, no approver, nobody who can audit)."""
    representatives = list(roles.appointments_in_force(roles.REPRESENTATIVE, ctx.period_to))
    deputies = list(roles.appointments_in_force(roles.DEPUTY, ctx.period_to))
    links = (Link("roles", _("Roles")),)
    details = {
        _("representative"): ", ".join(a.user.get_username() for a in representatives) or "—",
        _("deputies"): ", ".join(a.user.get_username() for a in deputies) or "—",
    }
    if not representatives:
        return Finding(Status.MISSING, _("No complaints-management representative is "
                                         "appointed."), details, links)  # fmt: skip
    gaps = [gap.message for gap in roles.role_gaps(ctx.period_to)]
    if not deputies:
        gaps.append(_("No deputy representative is appointed."))
    if gaps:
        details[_("gaps")] = " ".join(gaps)
        summary = _("Representative appointed; %(count)d gaps in the role matrix.") % {
            "count": len(gaps)
        }
        return Finding(Status.STALE, summary, details, links)
    return Finding(Status.PRESENT, _("Representative and %(count)d deputies appointed; no gap "
                                     "in the role matrix.") % {"count": len(deputies)},
                   details, links)  # fmt: skip


def leadership(ctx: Context) -> Finding:
    """5.2 (KS 5.1): top management approved the policy and appointed the representative."""
    approval = policy_approval(ctx)
    roles = responsibility(ctx)
    status = worst(approval.status, Status.MISSING if roles.status is Status.MISSING
                   else Status.PRESENT)  # fmt: skip
    return Finding(
        status,
        f"{approval.summary} {roles.summary}",
        {**approval.details, **roles.details},
        approval.links + roles.links,
    )


def objectives(ctx: Context) -> Finding:
    """6.2: active objectives covering the period, and their red / amber / green status;
    stale when none reaches the end of the period."""
    rows = list(
        Objective.objects.select_related("owner", "unit", "category").filter(
            active=True, period_from__lte=ctx.period_to, period_to__gte=ctx.period_from
        )
    )
    links = (Link("objectives", _("Objectives")),)
    if not rows:
        return Finding(Status.MISSING, _("No active objective covers the period."), links=links)
    cache: Cache = {}
    rags: dict[str, int] = {}
    details = {}
    for row in rows:
        progress = objective_progress(viewer=ctx.reader, objective=row, cache=cache)
        rags[progress.overall_label] = rags.get(progress.overall_label, 0) + 1
        details[row.title] = progress.overall_label
    covering = any(row.period_to >= ctx.period_to for row in rows)
    counts = ", ".join(f"{label}: {count}" for label, count in sorted(rags.items()))
    summary = _("%(count)d objectives (%(counts)s).") % {"count": len(rows), "counts": counts}
    return Finding(Status.PRESENT if covering else Status.STALE, summary, details, links)


def configured_process(ctx: Context) -> Finding:
    """6.1 / 6.3: the process is configured — an SLA policy in use with acknowledgement and
    decision targets, and a category tree to classify complaints."""
    policies = SlaPolicy.objects.filter(active=True)
    staged = set(
        SlaTarget.objects.filter(policy__in=policies).values_list("stage", flat=True).distinct()
    )
    categories = Category.objects.filter(active=True).count()
    details = {_("SLA policies in use"): str(policies.count()),
               _("stages with targets"): ", ".join(sorted(staged)) or "—",
               _("active categories"): str(categories)}  # fmt: skip
    needed = {Stage.ACKNOWLEDGE.value, Stage.DECISION.value}
    if not needed <= staged or not categories:
        return Finding(Status.MISSING, _("No SLA policy in use with acknowledgement and "
                                         "decision targets, or no category."), details)  # fmt: skip
    return Finding(Status.PRESENT, _("%(policies)d SLA policies in use; %(categories)d "
                                     "categories.") % {"policies": policies.count(),
                                                       "categories": categories},
                   details)  # fmt: skip


def _required_by_unit() -> dict[int | None, set[int]]:
    """Unit id → the courses its case workers need: the requirements of every category routed
    to the unit, inherited down the category tree (``competence.requirements_for``). ``None``
    (case workers without a unit, who work the intake pool) needs every required course."""
    needed: dict[int | None, set[int]] = {None: set()}
    if not TrainingRequirement.objects.filter(course__active=True).exists():
        return {}
    for category_id, unit_id in Category.objects.filter(active=True).values_list("pk", "unit_id"):
        courses = set(competence_rules.requirements_for(category_id))
        needed[None] |= courses
        if unit_id is not None:
            needed.setdefault(unit_id, set()).update(courses)
    return needed


def competence(ctx: Context) -> Finding:
    """6.4 / 4.14: the case workers who handle categories with a training requirement hold a
    current record of each required course on the last day of the period (the rule of
    ``sori.governance.competence``); stale under the threshold share."""
    links = (Link("training", _("Training")),)
    records = TrainingRecord.objects.filter(competence_rules.current_records(on=ctx.period_to))
    needed = _required_by_unit()
    if not needed:
        count = records.count()
        if not count:
            return Finding(Status.MISSING, _("No training requirement and no training record."),
                           links=links)  # fmt: skip
        return Finding(Status.PRESENT, _("No course is required by a category; %(count)d "
                                         "current training records.") % {"count": count},
                       links=links)  # fmt: skip
    held = set(records.values_list("user_id", "course_id"))
    workers = active_staff().filter(staff_profile__role__in=CASE_WORKERS)
    needing = trained = 0
    for user_id, unit_id in workers.values_list("pk", "staff_profile__unit_id"):
        courses = needed.get(unit_id, set())
        if not courses:
            continue
        needing += 1
        trained += all((user_id, course) in held for course in courses)
    share = percent(trained, needing)
    details = {_("case workers with required courses"): str(needing),
               _("fully trained"): str(trained),
               _("threshold"): show_percent(SHARE_THRESHOLD)}  # fmt: skip
    if not needing:
        return Finding(Status.PRESENT, _("No case worker handles a category with a required "
                                         "course."), details, links)  # fmt: skip
    summary = _("%(share)s of case workers hold every required course (%(trained)d of "
                "%(needing)d).") % {"share": show_percent(share), "trained": trained,
                                     "needing": needing}  # fmt: skip
    short = share is None or share < SHARE_THRESHOLD
    return Finding(Status.STALE if short else Status.PRESENT, summary, details, links)


def capability(ctx: Context) -> Finding:
    """4.3: people to do the work — active case workers, against the open complaints at the
    end of the period (the backlog per case worker)."""
    workers = active_staff().filter(staff_profile__role__in=CASE_WORKERS).count()
    open_at_end = ctx.kpi("open_at_end").value or 0
    details = {_("active case workers"): str(workers),
               _("open at the end of the period"): f"{open_at_end:g}"}  # fmt: skip
    if not workers:
        return Finding(Status.MISSING, _("No active handler or investigator."), details)
    summary = _("%(workers)d case workers; %(backlog).1f open complaints each at the end of the "
                "period.") % {"workers": workers, "backlog": open_at_end / workers}  # fmt: skip
    return Finding(
        Status.PRESENT,
        summary,
        details,
        (Link("analytics", _("Analysis"), query=ctx.period_query),),
    )
