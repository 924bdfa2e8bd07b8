"""Staff with email addresses, a configured organisation, and complaints brought to the response
stage through the real services (ISO 10002 7.5–7.7)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from sori.accounts.models import Role
from sori.complaints.models import LetterTemplate
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core.actors import Actor
from sori.core.models import ExternalDisputeBody, Organisation
from tests.integration.complaints.flow import COMPLETE_ASSESSMENT
from tests.integration.messaging.conftest import inbox, smtp

__all__ = ["inbox", "smtp"]

User = get_user_model()


@pytest.fixture
def staff(make_staff) -> Callable[..., Actor]:
    """A staff member with an email address (``<username>@sori.test``)."""

    def make(role: str, username: str, *, authority_limit: Decimal | None = None) -> Actor:
        actor = make_staff(role, username=username, authority_limit=authority_limit)
        User.objects.filter(pk=actor.user_id).update(email=f"{username}@sori.test")
        return actor

    return make


@pytest.fixture
def handler(staff) -> Actor:
    # Authority limit 100,000 KRW (tests/conftest.py AUTHORITY).
    return staff(Role.HANDLER, "handler")


@pytest.fixture
def approver(staff) -> Actor:
    return staff(Role.APPROVER, "approver")  # 5,000,000 KRW


@pytest.fixture
def junior_approver(staff) -> Actor:
    return staff(Role.APPROVER, "junior", authority_limit=Decimal("200000"))


@pytest.fixture
def manager(staff) -> Actor:
    return staff(Role.COMPLAINTS_MANAGER, "manager")  # 1,000,000 KRW


def _default_letters() -> None:
    """The ko/en decision-letter templates migration 0004 installs (a transactional test's flush
    removes them)."""
    defaults = importlib.import_module(
        "sori.complaints.migrations.0004_default_matrix_causes_letters"
    )
    if not LetterTemplate.objects.exists():
        for language, for_review, name, subject, body in defaults.LETTERS:
            LetterTemplate.objects.create(
                language=language, for_review=for_review, name=name, subject=subject, body=body
            )


@pytest.fixture
def organisation(db) -> Organisation:
    # Transactional tests flush the seeded rows: make sure the installation looks configured.
    _default_letters()
    ExternalDisputeBody.objects.get_or_create(
        name_en="Korea Consumer Agency",
        defaults={"name_ko": "한국소비자원", "phone": "1372", "url": "https://www.kca.go.kr"},
    )
    organisation = Organisation.objects.first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name_ko="소리전자",
            name_en="Sori Electronics",
            complaints_email="voc@sori.example",
            complaints_phone="02-1234-5678",
        )
    return organisation


@pytest.fixture
def investigating(submit, handler, organisation) -> Callable[..., str]:
    """A complaint under investigation by ``handler``; its reference."""

    def make(**fields) -> str:
        reference = submit(**fields).reference
        for event, data in (
            (Event.ASSESS, EventData(**COMPLETE_ASSESSMENT)),
            (Event.START_INVESTIGATION, EventData()),
        ):
            transition_complaint(actor=handler, reference=reference, event=event, data=data)
        return reference

    return make
