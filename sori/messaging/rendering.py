"""The text of each email, from ko/en templates (ISO 10002 7.4, 7.8: clear, in the person's language).

Complainant messages are ``messaging/email/<key>.<language>[.subject].txt``; messages to staff
are ``messaging/email/staff/<key>.<language>[.subject].txt``. Every subject carries the
complaint's reference in square brackets, which is how a reply finds its complaint even when
the mail client drops the threading headers.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from sori.complaints import links
from sori.complaints.models import Complaint, ComplaintEvent, Language
from sori.core.models import Organisation
from sori.messaging import addresses

# The notification keys of the workflow table, and the ISO 10002 clause each message serves.
ISO_CLAUSES: dict[str, str] = {
    "acknowledgement": "7.4",
    "information_requested": "7.3",
    "decision": "7.8",
    "internal_review_started": "7.9",
    "closed": "7.9",
    "withdrawn": "7.9",
    "reopened": "7.9",
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
}
DEFAULT_RESPONSE_DAYS = 14


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
        subject = render_to_string(f"messaging/email/staff/{key}.{language}.subject.txt", values)
        body = render_to_string(f"messaging/email/staff/{key}.{language}.txt", values)
    return with_reference(str(subject), complaint.reference), str(body).strip() + "\n"
