"""What the public pages say about the complaints service, read from live configuration (ISO 10002 7.1, 4.4).

Nothing here is written in code that an organisation would need to change: contact points, office
hours, target times, the privacy notice, help and the external bodies all come from the database,
so a change in the admin shows on the next page view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sori.core.models import ExternalDisputeBody, Organisation
from sori.governance.policy import localised, policy_in_force, summary

DEFAULT_RESPONSE_DAYS = 14


@dataclass(frozen=True)
class Body:
    name: str
    description: str
    url: str
    phone: str


@dataclass(frozen=True)
class PublicInformation:
    organisation: str
    email: str = ""
    phone: str = ""
    postal_address: str = ""
    visiting_address: str = ""
    office_hours: str = ""
    acknowledgement_target: str = ""
    response_target_days: int = DEFAULT_RESPONSE_DAYS
    privacy_notice: str = ""
    assistance: str = ""
    bodies: list[Body] = field(default_factory=list)

    def expected_by(self, received_at: dt.datetime) -> dt.date:
        """The date a response is due, as promised publicly (calendar days until SLA policies)."""
        return (received_at + dt.timedelta(days=self.response_target_days)).date()


def public_information() -> PublicInformation:
    bodies = [
        Body(name=body.name, description=body.description, url=body.url, phone=body.phone)
        for body in ExternalDisputeBody.objects.filter(active=True)
    ]
    organisation = Organisation.objects.first()
    if organisation is None:
        return PublicInformation(organisation=_("Sori"), bodies=bodies)
    return PublicInformation(
        organisation=organisation.name,
        email=organisation.complaints_email,
        phone=organisation.complaints_phone,
        postal_address=organisation.postal_address,
        visiting_address=organisation.visiting_address,
        office_hours=organisation.localised("office_hours"),
        acknowledgement_target=organisation.localised("acknowledgement_target"),
        response_target_days=organisation.response_target_days,
        privacy_notice=organisation.localised("privacy_notice"),
        assistance=organisation.localised("assistance"),
        bodies=bodies,
    )


@dataclass(frozen=True)
class PublicPolicy:
    """The complaints-handling policy in force, in the reader's language (ISO 10002 5.2)."""

    number: int
    language: str
    title: str
    body: str
    summary: str
    effective_from: dt.date

    @property
    def has_more(self) -> bool:
        return self.summary != self.body


def public_policy() -> PublicPolicy | None:
    """The version in force today, or None while no version is published (the pages then say
    nothing about a policy)."""
    version = policy_in_force()
    if version is None or version.effective_from is None:
        return None
    text = localised(version)
    return PublicPolicy(
        number=version.number,
        language=text.language,
        title=text.title,
        body=text.body,
        summary=summary(text.body),
        effective_from=version.effective_from,
    )
