"""The demo organisation starts with an approved, published policy (ISO 10002 5.2)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from sori.accounts.models import Role
from sori.audit.selectors import verify_trail
from sori.core.actors import Actor, ActorKind
from sori.demo.policy import NOT_YET_ACKNOWLEDGED
from sori.governance.models import PolicyStatus
from sori.governance.policy import acknowledgement_status, policy_in_force, policy_to_acknowledge

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_policy_approved_by_top_management():
    call_command("demo", count=5, stdout=StringIO())
    policy = policy_in_force()
    assert policy is not None and policy.status == PolicyStatus.PUBLISHED
    assert policy.approved_by is not None
    assert policy.approved_by.staff_profile.role == Role.TOP_MANAGEMENT
    assert policy.body_ko and policy.body_en
    assert "14" in Client().get("/en/policy/").content.decode()
    auditor = Actor(kind=ActorKind.STAFF, label="auditor", user_id=None, role=Role.AUDITOR.value)
    status = acknowledgement_status(viewer=auditor, policy=policy)
    assert [person.name for person in status.pending] == sorted(NOT_YET_ACKNOWLEDGED - {"auditor"})
    # The demo handler still has to acknowledge it, so the prompt shows when they sign in.
    pending = policy_to_acknowledge(
        viewer=Actor(
            kind=ActorKind.STAFF,
            label="handler",
            user_id=status.pending[0].user_id,
            role=Role.HANDLER.value,
        )
    )
    assert pending == policy
    assert verify_trail() == []
