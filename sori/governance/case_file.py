"""The end-to-end case file of one complaint (ISO 10002 8.5; R-AX.3): receipt →
acknowledgement → initial assessment → investigation → decision and letter → the
complainant's reaction → closure, and the timeline.

Used by the internal-audit sample page, the printable case-file page and the evidence pack; the
result is plain data (``as_dict()`` gives JSON-ready values). A stage with nothing recorded is
shown as such: the auditor must see the gap.

Personal data (ISO 10002 4.10): ``masked=True`` (the default) shows the complainant's name,
e-mail and phone masked (``홍*동``, ``h***@example.com``, ``010-****-5678``), decrypts only those
three (to mask them) and never the postal address or "on behalf of" (only whether they were
given), and masks e-mail addresses and phone numbers in free text. ``masked=False`` needs a
role that reads personal data, and records the reading in the personal-data access log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sori.analytics.filters import time_zone
from sori.complaints import policies
from sori.complaints.models import Complainant, Complaint, DecisionLetter, Remedy
from sori.complaints.workflow import EVENT_LABELS, STATUS_LABELS, Event, Status
from sori.complaints.workspace_selectors import KIND_LABELS
from sori.core.actors import Actor
from sori.core.errors import Forbidden
from sori.governance.audits import sampled_by
from sori.governance.masking import mask_email, mask_name, mask_phone, mask_text
from sori.privacy.services import record_personal_data_view
from sori.sla.models import Stage, Timer, TimerState


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    sha256: str
    size: int
    added_at: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    clause: str
    recorded: bool
    rows: list[Row] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineRow:
    at: str
    what: str
    from_status: str
    to_status: str
    by: str
    note: str
    public: bool


@dataclass(frozen=True)
class CaseFile:
    reference: str
    status: str
    masked: bool
    sections: list[Section]
    timeline: list[TimelineRow]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(time_zone()).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _who(user: object | None) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())  # type: ignore[attr-defined]


def _section(
    key: str,
    title: str,
    clause: str,
    rows: list[tuple[str, Any]],
    *,
    recorded: bool,
    files: list[EvidenceFile] | None = None,
) -> Section:
    return Section(
        key=key,
        title=title,
        clause=clause,
        recorded=recorded,
        rows=[
            Row(label=label, value=str(value)) for label, value in rows if value not in (None, "")
        ],
        files=files or [],
    )


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _complainant(complaint: Complaint, masked: bool) -> list[tuple[str, Any]]:
    if complaint.complainant_id is None:
        return [(_("Complainant"), _("anonymous: no contact details given"))]
    if masked:
        # 4.10: decrypt only what is masked for display; the address only says it was given.
        person = Complainant.objects.only("name", "email", "phone", "preferred_contact").get(
            pk=complaint.complainant_id
        )
        has_address = (
            Complainant.objects.filter(pk=complaint.complainant_id)
            .exclude(postal_address="")
            .exists()
        )
        return [
            (_("Complainant's name"), mask_name(person.name) if person.name else ""),
            (_("Email"), mask_email(person.email) if person.email else ""),
            (_("Phone"), mask_phone(person.phone) if person.phone else ""),
            (_("Postal address"), _("given (masked)") if has_address else ""),
            (_("Contact by"), person.get_preferred_contact_display()),
        ]
    person = Complainant.objects.get(pk=complaint.complainant_id)
    return [
        (_("Complainant's name"), person.name),
        (_("Email"), person.email),
        (_("Phone"), person.phone),
        (_("Postal address"), person.postal_address),
        (_("Contact by"), person.get_preferred_contact_display()),
    ]


def _kind_label(kind: str) -> str:
    if kind in KIND_LABELS:
        return str(KIND_LABELS[kind])
    try:
        return str(EVENT_LABELS[Event(kind)])
    except ValueError:
        return kind.replace("_", " ")


def _status(value: str) -> str:
    try:
        return str(STATUS_LABELS[Status(value)])
    except ValueError:
        return value


def _sections(complaint: Complaint, masked: bool, text: Any) -> list[Section]:
    events = list(complaint.events.all())
    ack_event = next((e for e in events if e.kind == Event.ACKNOWLEDGE), None)
    ack_timer = Timer.objects.filter(complaint=complaint, stage=Stage.ACKNOWLEDGE, round=0).first()
    within = ""
    if ack_timer is not None and ack_timer.state in (TimerState.MET, TimerState.MISSED):
        within = _yes_no(ack_timer.state == TimerState.MET)
    how = ""
    if ack_event is not None:
        how = (
            _("automatically, by the system")
            if ack_event.actor == "system"
            else _("by %(name)s") % {"name": ack_event.actor_label}
        )
    category = complaint.category.label if complaint.category else ""
    receipt = _section(
        "receipt",
        _("Receipt"),
        "7.2",
        [
            (_("Reference"), complaint.reference),
            (_("Received at"), _when(complaint.received_at)),
            (_("Channel"), complaint.get_channel_display()),
            (_("Received by"), _who(complaint.received_by) or _("the complainant, directly")),
            (_("Category"), category),
            (_("Product or service"), complaint.product_or_service),
            (_("Subject"), text(complaint.subject)),
            (_("What happened"), text(complaint.description)),
            (_("Remedy asked for"), text(complaint.desired_remedy)),
            *_complainant(complaint, masked),
        ],
        recorded=True,
    )
    acknowledgement = _section(
        "acknowledgement",
        _("Acknowledgement"),
        "7.4",
        [
            (_("Acknowledged at"), _when(complaint.acknowledged_at)),
            (_("How"), how),
            (_("Within the target time"), within or _("no target recorded")),
        ],
        recorded=complaint.acknowledged_at is not None,
    )
    assessment = _section(
        "assessment",
        _("Initial assessment"),
        "7.5",
        [
            (_("Severity"), complaint.get_severity_display()),
            (_("Safety implications"), _yes_no(complaint.safety_risk)),
            (_("Complexity"), complaint.get_complexity_display()),
            (_("Impact"), complaint.get_impact_display()),
            (_("Immediate action needed"), _yes_no(complaint.immediate_action_needed)),
            (_("Immediate action taken"), text(complaint.immediate_action)),
            (_("Priority"), complaint.get_priority_display()),
            (_("Assessed at"), _when(complaint.assessed_at)),
            (_("Assessed by"), _who(complaint.assessed_by)),
        ],
        recorded=complaint.assessed_at is not None,
    )
    files = [
        EvidenceFile(name=text(a.name), sha256=a.sha256, size=a.size, added_at=_when(a.created_at))
        for a in complaint.attachments.all()
    ]
    investigated = bool(
        complaint.findings
        or complaint.root_cause_id
        or any(e.kind == Event.START_INVESTIGATION for e in events)
    )
    investigation = _section(
        "investigation",
        _("Investigation"),
        "7.6",
        [
            (_("Findings"), text(complaint.findings)),
            (_("Root cause"), complaint.root_cause.label if complaint.root_cause else ""),
            (_("Root cause explained"), text(complaint.root_cause_note)),
            (_("Handler"), _who(complaint.assignee)),
        ],
        recorded=investigated,
        files=files,
    )
    letter = (
        DecisionLetter.objects.filter(complaint=complaint).order_by("-created_at", "-id").first()
    )
    remedies = ", ".join(
        f"{r.get_kind_display()}{f' {r.amount:,.0f}' if r.amount is not None else ''}"
        for r in Remedy.objects.filter(complaint=complaint, review_round=complaint.review_round)
    ) or (complaint.get_remedy_type_display() if complaint.remedy_type else "")
    decision = _section(
        "decision",
        _("Decision and letter"),
        "7.7–7.8",
        [
            (_("Outcome"), complaint.get_outcome_display()),
            (_("Remedy"), remedies),
            (_("Reasons"), text(complaint.response_reasons)),
            (_("Proposed by"), _who(complaint.proposed_by)),
            (_("Approved by"), _who(complaint.approved_by)),
            (_("Approved at"), _when(complaint.approved_at)),
            (_("Decision communicated at"), _when(complaint.decision_issued_at)),
            (_("Communicated by"), complaint.get_decision_method_display()),
            (_("Letter sent on"), _when(letter.sent_on) if letter else ""),
            (_("Letter"), text(letter.subject) if letter else ""),
            (
                _("External dispute-resolution routes given"),
                _yes_no(complaint.external_routes_given) if complaint.decision_issued_at else "",
            ),
        ],
        recorded=complaint.decision_issued_at is not None,
    )
    reaction_label = complaint.get_reaction_display() if complaint.reaction else ""
    if not reaction_label and complaint.closure_code == "no_reply":
        reaction_label = _("no answer within the waiting period")
    reaction = _section(
        "reaction",
        _("Complainant's reaction"),
        "7.9",
        [
            (_("Answer"), reaction_label),
            (_("Answered at"), _when(complaint.reaction_at)),
            (_("Comments"), text(complaint.reaction_comment)),
        ],
        recorded=bool(reaction_label),
    )
    closure = _section(
        "closure",
        _("Closure"),
        "7.9",
        [
            (_("Closed at"), _when(complaint.closed_at)),
            (_("Closure code"), complaint.get_closure_code_display()),
            (_("Times reopened"), complaint.reopened_count or ""),
        ],
        recorded=complaint.closed_at is not None,
    )
    return [receipt, acknowledgement, assessment, investigation, decision, reaction, closure]


def build_case_file(*, viewer: Actor, complaint: Complaint, masked: bool = True) -> CaseFile:
    """The case file ``viewer`` may read: one who may read the complaint, or who reads or carries
    out an audit that sampled it. Unmasked only for a role that reads personal data (logged)."""
    allowed = bool(policies.can_read_complaint.test(viewer, complaint))
    if not allowed and not sampled_by(viewer=viewer, complaint_id=complaint.pk):
        raise Forbidden(_("Your role does not give access to this complaint."))
    if not masked and not (
        viewer.is_staff and policies.can_read_personal_data.test(viewer, complaint)
    ):
        raise Forbidden(_("Your role does not show the complainant's personal data."))
    complaint = (
        Complaint.objects.select_related(
            "category",
            "received_by",
            "assessed_by",
            "assignee",
            "root_cause",
            "proposed_by",
            "approved_by",
        )
        .defer("on_behalf_of")
        .get(pk=complaint.pk)
    )
    names: tuple[str, ...] = ()
    if masked and complaint.complainant_id is not None:
        name = Complainant.objects.filter(pk=complaint.complainant_id).only("name").get().name
        names = (name,) if name else ()

    def text(value: str) -> str:
        return mask_text(value, names=names) if masked and value else value

    sections = _sections(complaint, masked, text)
    timeline = [
        TimelineRow(
            at=_when(e.occurred_at),
            what=_kind_label(e.kind),
            from_status=_status(e.from_status) if e.from_status else "",
            to_status=_status(e.to_status) if e.to_status else "",
            by=e.actor_label,
            note=text(e.note),
            public=e.public,
        )
        for e in complaint.events.all()
    ]
    if not masked and complaint.complainant_id is not None:
        record_personal_data_view(actor=viewer, complaint_reference=complaint.reference)
    return CaseFile(
        reference=complaint.reference,
        status=_status(complaint.status),
        masked=masked,
        sections=sections,
        timeline=timeline,
    )
