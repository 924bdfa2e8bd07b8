"""Reading the policy: the version in force, the acknowledgement share and the staff prompt
(ISO 10002 5.2, R-5.3.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sori.accounts.models import Role
from sori.core import clock
from sori.core.errors import Forbidden
from sori.governance.policy import (
    VersionState,
    acknowledgement_status,
    policy_history,
    policy_to_acknowledge,
)
from sori.governance.services.policy import acknowledge_policy
from tests.integration.governance.policy.support import drafted, published

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
TODAY = dt.date(2026, 3, 10)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen_at(NOW):
        yield


def test_the_share_counts_active_staff_who_acknowledged(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    top = make_staff(Role.TOP_MANAGEMENT)
    handler = make_staff(Role.HANDLER)
    investigator = make_staff(Role.INVESTIGATOR)
    # Neither an inactive account nor the auditor counts.
    gone = make_staff(Role.HANDLER)
    get_user_model().objects.filter(pk=gone.user_id).update(is_active=False)
    auditor = make_staff(Role.AUDITOR)
    policy = published(manager, top, TODAY)
    for person in (manager, top, handler):
        acknowledge_policy(actor=person)
    status = acknowledgement_status(viewer=auditor, policy=policy)
    assert status.staff_count == 4
    assert status.acknowledged_count == 3
    assert status.share == Decimal("75.0")
    assert [row.user_id for row in status.pending] == [investigator.user_id]
    assert {row.user_id for row in status.acknowledged} == {
        manager.user_id, top.user_id, handler.user_id,
    }  # fmt: skip


def test_only_overseers_see_who_acknowledged(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    policy = published(manager, make_staff(Role.TOP_MANAGEMENT), TODAY)
    with pytest.raises(Forbidden):
        acknowledgement_status(viewer=make_staff(Role.HANDLER), policy=policy)


def test_the_prompt_stays_until_the_person_acknowledges_in_one_query(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    handler = make_staff(Role.HANDLER)
    assert policy_to_acknowledge(viewer=handler) is None
    policy = published(manager, make_staff(Role.TOP_MANAGEMENT), TODAY)
    with CaptureQueriesContext(connection) as queries:
        pending = policy_to_acknowledge(viewer=handler)
    assert len(queries) == 1
    assert pending is not None and pending.number == policy.number
    acknowledge_policy(actor=handler)
    assert policy_to_acknowledge(viewer=handler) is None
    assert policy_to_acknowledge(viewer=make_staff(Role.AUDITOR)) is None
    assert policy_to_acknowledge(viewer=None) is None


def test_a_new_version_asks_everyone_again_from_its_effective_date(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    top = make_staff(Role.TOP_MANAGEMENT)
    handler = make_staff(Role.HANDLER)
    published(manager, top, TODAY)
    acknowledge_policy(actor=handler)
    second = published(manager, top, TODAY + dt.timedelta(days=7))
    assert policy_to_acknowledge(viewer=handler) is None
    with clock.frozen_at(NOW + dt.timedelta(days=7)):
        pending = policy_to_acknowledge(viewer=handler)
    assert pending is not None and pending.number == second.number


def test_the_history_shows_where_each_version_stands(make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    top = make_staff(Role.TOP_MANAGEMENT)
    published(manager, top, TODAY)
    published(manager, top, TODAY + dt.timedelta(days=1))
    drafted(manager)
    states = [row.state for row in policy_history(viewer=make_staff(Role.HANDLER))]
    assert states == [VersionState.DRAFT, VersionState.SCHEDULED, VersionState.IN_FORCE]
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        states = [row.state for row in policy_history(viewer=make_staff(Role.AUDITOR))]
    assert states == [VersionState.DRAFT, VersionState.IN_FORCE, VersionState.SUPERSEDED]
