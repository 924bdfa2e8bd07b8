"""The text of each email, from ko/en templates (ISO 10002 7.4, 7.8: clear, in the person's language).

Complainant messages are ``messaging/email/<key>.<language>[.subject].txt``; messages to staff
are ``messaging/email/staff/<key>.<language>[.subject].txt``. Every subject carries the
complaint's reference in square brackets, which is how a reply finds its complaint even when
the mail client drops the threading headers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from sori.complaints import links
from sori.complaints.models import Complaint, ComplaintEvent, Language
from sori.complaints.workflow import STATUS_LABELS, Status
from sori.core.models import Organisation
from sori.messaging import addresses
from sori.sla.models import Timer, TimerState
from sori.sla.selectors import expected_dates

# The notification keys of the workflow table, and the ISO 10002 clause each message serves.
ISO_CLAUSES: dict[str, str] = {
    "acknowledgement": "7.4",
    "information_requested": "7.3",
    "decision": "7.8",
    "internal_review_started": "7.9",
    "closed": "7.9",
    "withdrawn": "7.9",
    "reopened": "7.9",
    # The complainant is kept informed of the expected dates and of any delay (ISO 10002 7.3).
    "deadline_extended": "7.3",
    "holding_reply": "7.3",
    "overdue_notice": "7.3",
}
# Messages to staff, and the clause each serves.
STAFF_CLAUSES: dict[str, str] = {
    # A complaint with a safety risk goes at once to the complaints manager and top management.
    "safety_escalation": "7.5",
    "assigned": "7.5",
    "approval_requested": "7.7",
    "approval_declined": "7.7",
    "decision_communicated_staff": "7.8",
    "review_requested": "7.9",
    # Deadlines watched: warnings to the assignee, breaches to the complaints manager (7.3, 4.15).
    "sla_warning": "7.3",
    "sla_breached": "7.3",
}
DEFAULT_RESPONSE_DAYS = 14

KO_WEEKDAYS = "월화수목금토일"
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def local_zone() -> ZoneInfo:
    """The organisation's time zone, in which dates are told to people."""
    return ZoneInfo(str(settings.SORI_TIME_ZONE or "Asia/Seoul"))


def deadline_date(moment: dt.datetime) -> dt.date:
    """The local day a deadline falls on.

    A deadline counted in calendar days ends at midnight, the start of the next day; the
    complainant's last day is the day before, so a deadline at exactly 00:00 belongs to it.
    """
    local = moment.astimezone(local_zone())
    return (local - dt.timedelta(microseconds=1)).date()


def format_date(day: dt.date, language: str) -> str:
    """``2025년 3월 14일(금)`` or ``Friday 14 March 2025``: unambiguous in either language."""
    if language == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일({KO_WEEKDAYS[day.weekday()]})"
    return f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def format_moment(moment: dt.datetime, language: str) -> str:
    """A local date and time with its zone, for staff (a deadline is an instant to them)."""
    local = moment.astimezone(local_zone())
    zone = local.tzname() or str(local_zone())
    clock_time = f"{local:%H:%M} {zone}"
    if language == "ko":
        return f"{format_date(local.date(), language)} {clock_time}"
    return f"{format_date(local.date(), language)}, {clock_time}"


def _org_value(organisation: Organisation | None, *names: str) -> Any:
    """The first configured value among ``names`` (the portal adds these fields to Organisation)."""
    for name in names:
        value = getattr(organisation, name, None)
        if value not in (None, ""):
            return value
    return None


def _external_bodies(language: str) -> list[dict[str, str]]:
    """The configured external dispute-resolution bodies (ISO 10002 7.9), if the model exists."""
    try:
        model = apps.get_model("core", "ExternalDisputeBody")
    except LookupError:
        return []
    bodies = []
    for body in model.objects.filter(active=True).order_by("position", "pk"):
        bodies.append(
            {
                "name": getattr(body, f"name_{language}", "") or getattr(body, "name_ko", ""),
                "url": getattr(body, "url", "") or "",
                "phone": getattr(body, "phone", "") or "",
            }
        )
    return bodies


def message_language(complaint: Complaint) -> str:
    """The complainant's preferred language, else the complaint's language; Korean by default."""
    preferred = complaint.complainant.preferred_language if complaint.complainant else ""
    for language in (preferred, complaint.language):
        if language in Language.values:
            return language
    return Language.KO.value


def _deadlines(complaint: Complaint, language: str) -> dict[str, Any]:
    """The dates the complainant is promised (ISO 10002 7.3), as they read them.

    ``decision_due``: the live decision (or internal-review) deadline; empty while the clock
    waits for the complainant (``waiting_for_you``) or when no SLA policy sets one.
    ``extension_reason``, ``extended_stage``, ``extended_due``: the latest extension of a live
    deadline, which is the one a ``deadline_extended`` message reports.
    """
    dates = expected_dates(complaint=complaint)
    current = dates[0] if dates else None
    extended = (
        Timer.objects.filter(
            complaint=complaint,
            state__in=(TimerState.RUNNING, TimerState.PAUSED),
            extended_at__isnull=False,
        )
        .order_by("-extended_at", "-id")
        .first()
    )
    due = current.due_at if current is not None else None
    return {
        "decision_due": format_date(deadline_date(due), language) if due else "",
        "due_stage": current.stage if current is not None else "",
        "waiting_for_you": bool(current is not None and current.waiting_for_you),
        "extension_reason": extended.extension_reason if extended else "",
        "extended_stage": extended.stage if extended else "",
        "extended_due": format_date(deadline_date(extended.due_at), language) if extended else "",
    }


def _context(complaint: Complaint, key: str, language: str) -> dict[str, Any]:
    organisation = Organisation.objects.first()
    request = (
        ComplaintEvent.objects.filter(complaint=complaint, kind="request_information")
        .order_by("-occurred_at", "-id")
        .first()
        if key == "information_requested"
        else None
    )
    return {
        "reference": complaint.reference,
        "status_url": links.status_url(complaint.reference, language),
        "organisation_name": organisation.name if organisation else "",
        "contact_email": _org_value(organisation, "complaints_email", "contact_email"),
        "contact_phone": _org_value(organisation, "complaints_phone", "contact_phone"),
        "office_hours": _org_value(organisation, f"office_hours_{language}"),
        "response_days": _org_value(organisation, "response_target_days", "response_days")
        or DEFAULT_RESPONSE_DAYS,
        "reaction_wait_days": organisation.reaction_wait_days if organisation else 14,
        "request_note": request.note if request else "",
        "outcome": complaint.get_outcome_display() if complaint.outcome else "",
        "remedy": complaint.get_remedy_type_display() if complaint.remedy_type else "",
        "remedy_amount": complaint.remedy_amount,
        "reasons": complaint.response_reasons,
        "review_round": complaint.review_round,
        "external_bodies": _external_bodies(language),
        "survey": not getattr(complaint, "survey_opt_out", False),
        # Replies reach us only when a complaints mailbox is configured (SORI_MAIL_ADDRESS).
        "reply_by_email": bool(addresses.mailbox()),
        "status": str(STATUS_LABELS[Status(complaint.status)]),
        **_deadlines(complaint, language),
    }


def render(*, complaint: Complaint, key: str, language: str) -> tuple[str, str]:
    """The subject line and plain-text body of message ``key`` in ``language``."""
    if key not in ISO_CLAUSES:
        raise ValueError(f"unknown message template {key!r}")
    with translation.override(language):
        context = _context(complaint, key, language)
        subject = render_to_string(f"messaging/email/{key}.{language}.subject.txt", context)
        body = render_to_string(f"messaging/email/{key}.{language}.txt", context)
    return with_reference(str(subject), complaint.reference), str(body).strip() + "\n"


def with_reference(subject: str, reference: str) -> str:
    """``subject`` on one line, with ``[reference]`` added unless it is already there."""
    # A header never carries a line break (and Django refuses one).
    subject = " ".join(subject.split())
    if f"[{reference}]" not in subject:
        subject = f"{subject} [{reference}]"
    return subject


def staff_language() -> str:
    """Staff mail is in the installation's language (``LANGUAGE_CODE``), Korean by default."""
    language = str(settings.LANGUAGE_CODE or "").split("-")[0]
    return language if language in Language.values else Language.KO.value


def staff_url(reference: str) -> str:
    return f"{settings.SORI_BASE_URL.rstrip('/')}/staff/complaints/{reference}/"


def render_staff(
    *, complaint: Complaint, key: str, language: str, context: dict[str, Any] | None = None
) -> tuple[str, str]:
    """The subject and body of staff message ``key``: what happened and a link, no personal data."""
    if key not in STAFF_CLAUSES:
        raise ValueError(f"unknown staff message template {key!r}")
    organisation = Organisation.objects.first()
    with translation.override(language):
        values = {
            **(context or {}),
            "reference": complaint.reference,
            "staff_url": staff_url(complaint.reference),
            "organisation_name": organisation.name if organisation else "",
            "priority": complaint.get_priority_display(),
            "status": complaint.get_status_display(),
        }
        due = values.get("due_at")
        if isinstance(due, dt.datetime):
            # The deadline in the organisation's time zone, as staff read it (ISO 10002 7.3).
            values["due_local"] = format_moment(due, language)
        subject = render_to_string(f"messaging/email/staff/{key}.{language}.subject.txt", values)
        body = render_to_string(f"messaging/email/staff/{key}.{language}.txt", values)
    return with_reference(str(subject), complaint.reference), str(body).strip() + "\n"
