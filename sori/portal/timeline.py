"""How each public timeline line reads to the complainant (ISO 10002 7.3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sori.complaints.selectors import TimelineItem

PUBLIC_LABELS = {
    "received": _("We received your complaint."),
    "acknowledge": _("We confirmed that we received it."),
    "start_investigation": _("We started to investigate."),
    "request_information": _("We asked you for more information."),
    "receive_information": _("We received the information."),
    "communicate_decision": _("We told you our decision."),
    "accept": _("You accepted the decision."),
    "reject": _("You did not accept the decision."),
    "escalate": _("An internal review started."),
    "close": _("The complaint was closed."),
    "withdraw": _("The complaint was withdrawn."),
    "merge": _("The complaint was joined with another one about the same matter."),
    "refer_externally": _("You took the complaint to an external dispute-resolution body."),
    "referral_outcome": _("The external body's outcome was recorded."),
    "reopen": _("We reopened the complaint to look into it again."),
    "message_received": _("We received your message."),
    # ISO 10002 7.3: the complainant is told of each change to the expected date and of delays.
    "deadline_extended": _("We extended the expected date and told you why."),
    "holding_reply": _("We told you that we are still working on your complaint."),
    "overdue_notice": _("We told you that your complaint is taking longer than we said."),
}


def public_label(item: TimelineItem) -> str:
    return str(PUBLIC_LABELS.get(item.event, item.event.replace("_", " ")))
