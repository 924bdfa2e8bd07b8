"""The complaints-handling policy: drafted, approved by top management, published with effective
dates, acknowledged by staff (ISO 10002 5.1, 5.2; R-4.2.1, R-5.3.1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.core.errors import Conflict, Forbidden, InvalidInput
from sori.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from sori.governance.policy import policy_in_force
from sori.governance.services.policy import (
    PolicyText,
    acknowledge_policy,
    approve_policy_version,
    draft_policy_version,
    publish_policy_version,
    update_policy_draft,
    withdraw_policy_version,
)
from tests.integration.governance.policy.support import TEXT, drafted, published

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL)
TODAY = dt.date(2026, 3, 10)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.COMPLAINTS_MANAGER)


@pytest.fixture
def top(make_staff):
    return make_staff(Role.TOP_MANAGEMENT)


def test_publishing_an_unapproved_version_is_refused(manager):
    version = drafted(manager)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        publish_policy_version(actor=manager, number=version.number, effective_from=TODAY)
    assert refused.value.code == "not_approved"
    assert "approved by top management" in refused.value.message
    version.refresh_from_db()
    assert version.status == PolicyStatus.DRAFT and version.effective_from is None
    assert policy_in_force() is None


def test_only_top_management_approves(manager, top):
    version = drafted(manager)
    with pytest.raises(Forbidden):
        approve_policy_version(actor=manager, number=version.number)
    version.refresh_from_db()
    assert version.status == PolicyStatus.DRAFT and version.approved_by_id is None


def test_approval_records_who_when_and_the_note(manager, top):
    version = drafted(manager)
    approve_policy_version(actor=top, number=version.number, note="Board meeting 2026-03")
    version.refresh_from_db()
    assert version.status == PolicyStatus.APPROVED
    assert version.approved_by_id == top.user_id
    assert version.approved_at == NOW
    assert version.approval_note == "Board meeting 2026-03"
    entry = AuditEntry.objects.get(action="sori.policy.approved")
    assert entry.actor == top.audit_id and entry.iso_clause == "5.2"
    assert entry.object_id == str(version.number)


def test_only_a_draft_complete_in_both_languages_is_approved(manager, top):
    version = drafted(manager, dataclasses.replace(TEXT, body_en=""))
    with pytest.raises(InvalidInput) as refused:
        approve_policy_version(actor=top, number=version.number)
    assert refused.value.code == "incomplete"
    update_policy_draft(actor=manager, number=version.number, text=TEXT)
    assert approve_policy_version(actor=top, number=version.number).status == "approved"


def test_an_approved_version_no_longer_changes(manager, top):
    version = drafted(manager)
    approve_policy_version(actor=top, number=version.number)
    with pytest.raises(Conflict):
        update_policy_draft(actor=manager, number=version.number,
                            text=dataclasses.replace(TEXT, body_en="Changed."))  # fmt: skip
    with pytest.raises(Conflict):
        approve_policy_version(actor=top, number=version.number)
    version.refresh_from_db()
    assert version.body_en == TEXT.body_en


def test_publishing_ends_the_previous_versions_effective_period(manager, top):
    first = published(manager, top, TODAY)
    second = drafted(manager, dataclasses.replace(TEXT, body_en="We answer within 14 days."))
    approve_policy_version(actor=top, number=second.number)
    publish_policy_version(actor=manager, number=second.number,
                           effective_from=dt.date(2026, 4, 1))  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.effective_to == dt.date(2026, 3, 31)
    assert second.effective_from == dt.date(2026, 4, 1) and second.effective_to is None
    assert second.status == PolicyStatus.PUBLISHED and second.published_by_id == manager.user_id
    # The new one only from its effective date.
    assert policy_in_force() == first
    assert policy_in_force(on=dt.date(2026, 3, 31)) == first
    assert policy_in_force(on=dt.date(2026, 4, 1)) == second
    entry = AuditEntry.objects.get(action="sori.policy.published", object_id=str(second.number))
    assert entry.data["previous_version"] == first.number
    assert entry.data["effective_from"] == "2026-04-01"


def test_a_new_draft_starts_from_the_current_text(manager, top):
    first = published(manager, top, TODAY)
    second = draft_policy_version(actor=manager)
    assert second.number == first.number + 1
    assert (second.title_ko, second.body_ko, second.body_en) == (
        first.title_ko, first.body_ko, first.body_en,
    )  # fmt: skip
    assert second.status == PolicyStatus.DRAFT and second.drafted_by_id == manager.user_id


def test_one_version_is_open_at_a_time(manager, top):
    version = drafted(manager)
    with pytest.raises(Conflict) as refused:
        draft_policy_version(actor=top)
    assert refused.value.code == "version_open"
    withdraw_policy_version(actor=manager, number=version.number, note="Rewritten")
    assert draft_policy_version(actor=top).number == version.number + 1


def test_the_effective_date_cannot_be_in_the_past(manager, top):
    version = drafted(manager)
    approve_policy_version(actor=top, number=version.number)
    with pytest.raises(InvalidInput) as refused:
        publish_policy_version(actor=manager, number=version.number,
                               effective_from=TODAY - dt.timedelta(days=1))  # fmt: skip
    assert refused.value.params["field"] == "effective_from"


def test_a_version_cannot_take_effect_before_the_one_it_replaces(manager, top):
    published(manager, top, dt.date(2026, 5, 1))
    second = drafted(manager)
    approve_policy_version(actor=top, number=second.number)
    with pytest.raises(InvalidInput) as refused:
        publish_policy_version(actor=manager, number=second.number,
                               effective_from=dt.date(2026, 5, 1))  # fmt: skip
    assert refused.value.code == "effective_too_early"


def test_drafting_is_for_managers_and_top_management(make_staff):
    for role in (Role.HANDLER, Role.AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(Forbidden):
            draft_policy_version(actor=make_staff(role))
    assert not PolicyVersion.objects.exists()


def test_acknowledging_twice_is_harmless(manager, top, make_staff):
    published(manager, top, TODAY)
    handler = make_staff(Role.HANDLER)
    first = acknowledge_policy(actor=handler)
    with clock.frozen_at(NOW + dt.timedelta(hours=1)):
        again = acknowledge_policy(actor=handler)
    assert again.pk == first.pk and again.acknowledged_at == NOW
    assert PolicyAcknowledgement.objects.count() == 1
    assert AuditEntry.objects.filter(action="sori.policy.acknowledged").count() == 1


def test_acknowledging_a_version_no_longer_in_force_is_refused(manager, top, make_staff):
    first = published(manager, top, TODAY)
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        published(manager, top, TODAY + dt.timedelta(days=1))
        with pytest.raises(Conflict) as refused:
            acknowledge_policy(actor=make_staff(Role.HANDLER), number=first.number)
    assert refused.value.code == "not_in_force"


def test_nothing_to_acknowledge_without_a_policy_in_force(make_staff):
    with pytest.raises(Conflict):
        acknowledge_policy(actor=make_staff(Role.HANDLER))


def test_the_auditor_does_not_acknowledge(manager, top, make_staff):
    published(manager, top, TODAY)
    with pytest.raises(Forbidden):
        acknowledge_policy(actor=make_staff(Role.AUDITOR))


def test_text_is_trimmed_and_too_long_titles_are_refused(manager):
    version = draft_policy_version(actor=manager)
    with pytest.raises(InvalidInput) as refused:
        update_policy_draft(actor=manager, number=version.number,
                            text=PolicyText(title_en="x" * 201))  # fmt: skip
    assert refused.value.params["field"] == "title_en"
    saved = update_policy_draft(actor=manager, number=version.number,
                                text=PolicyText(title_en="  A   policy ", body_en="Text\r\n"))  # fmt: skip
    assert (saved.title_en, saved.body_en) == ("A policy", "Text")
