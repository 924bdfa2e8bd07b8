"""``sori demo``: a living demo organisation built through the real services."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from sori.accounts.models import Role, StaffProfile, Unit
from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.complaints.models import Category, ClosureCode, Complaint, ComplaintEvent
from sori.complaints.workflow import Status
from sori.core.models import Organisation
from sori.demo import data
from sori.demo.builder import logins
from sori.demo.plan import plan_demo

pytestmark = pytest.mark.django_db


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "units": Unit.objects.count(),
        "categories": Category.objects.count(),
        "users": get_user_model().objects.count(),
        "complaints": Complaint.objects.count(),
        "events": ComplaintEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_demo_creates_staff_in_every_role_who_can_sign_in(client):
    output = run_demo(count=30)

    assert set(StaffProfile.objects.values_list("role", flat=True)) == set(Role.values)
    for login in logins():
        assert client.login(username=login.username, password=login.password), login.username
        assert login.username in output and login.password in output
        client.logout()
    # ISO 10002 4.12: the authority matrix the approvals in the demo depend on.
    limits = dict(StaffProfile.objects.values_list("user__username", "authority_limit"))
    assert limits["handler"] == 100_000
    assert limits["manager"] == 1_000_000
    assert limits["approver"] == 5_000_000


def test_demo_complaints_reach_many_states_and_every_closure_code():
    run_demo(count=30)

    assert Complaint.objects.count() == 30
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert len(statuses) >= 8, statuses
    assert {Status.CLOSED, Status.WITHDRAWN, Status.MERGED, Status.ESCALATED} <= statuses
    # ISO 10002 7.9: each of the three ways a complaint may close.
    closure_codes = set(
        Complaint.objects.filter(status=Status.CLOSED).values_list("closure_code", flat=True)
    )
    assert closure_codes == set(ClosureCode.values)
    assert set(Complaint.objects.values_list("language", flat=True)) == {"ko", "en"}
    assert len(set(Complaint.objects.values_list("channel", flat=True))) >= 4
    merged = Complaint.objects.filter(status=Status.MERGED).select_related("merged_into")
    assert all(c.merged_into and c.merged_into.received_at < c.received_at for c in merged)


def test_the_category_tree_is_bilingual_and_includes_complaints_about_complaint_handling():
    run_demo(count=0)

    # ISO 10002 R-3.1b: a complaint about the complaints-handling process is a category of its own.
    node = Category.objects.get(code="complaints-handling")
    assert node.parent is None
    assert node.label_ko == "불만처리 절차에 대한 불만"
    assert Category.objects.filter(parent__parent__isnull=False).exists()  # three levels
    assert not Category.objects.filter(label_ko="").exists()
    assert not Category.objects.filter(label_en="").exists()
    assert Complaint.objects.count() == 0


def test_running_the_demo_twice_creates_nothing_new_and_prints_the_logins_again():
    run_demo(count=30)
    before = counts()

    output = run_demo(count=30)

    assert counts() == before
    # Korean is the default language of every message Sori prints.
    assert "이미 있습니다" in output
    for login in logins():
        assert login.username in output and login.password in output
    assert "/staff/" in output and "/api/docs" in output


def test_the_demo_audit_trail_verifies_and_is_in_time_order():
    run_demo(count=30)

    assert verify_trail() == []
    times = list(AuditEntry.objects.order_by("seq").values_list("occurred_at", flat=True))
    assert times == sorted(times)
    assert AuditEntry.objects.filter(action="sori.organisation.created", iso_clause="5.1").exists()


def test_every_demo_complaint_is_received_then_acknowledged_at_once():
    run_demo(count=30)

    now = dt.datetime.now(dt.UTC)
    for complaint in Complaint.objects.all():
        actions = list(
            AuditEntry.objects.filter(object_type="complaint", object_id=complaint.reference)
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert actions[:2] == ["sori.complaint.received", "sori.complaint.acknowledged"]
        # ISO 10002 7.4: acknowledged at the moment of receipt.
        assert complaint.acknowledged_at == complaint.received_at
        assert now - dt.timedelta(days=121) < complaint.received_at < now
        moments = list(complaint.events.values_list("occurred_at", flat=True))
        assert moments == sorted(moments)


def test_the_demo_refuses_an_installation_that_belongs_to_another_organisation():
    Organisation.objects.create(name_ko="실제 회사", name_en="Real Company")

    with pytest.raises(CommandError):
        run_demo(count=5)

    assert Complaint.objects.count() == 0
    assert not get_user_model().objects.exists()


def test_the_demo_plan_is_the_same_every_time():
    now = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)

    def summary():
        return [
            (p.scenario, p.story.subject, p.channel, p.times, p.merge_into)
            for p in plan_demo(count=60, seed=7, now=now)
        ]

    assert summary() == summary()
    assert summary() != [
        (p.scenario, p.story.subject, p.channel, p.times, p.merge_into)
        for p in plan_demo(count=60, seed=8, now=now)
    ]


def test_the_default_demo_has_about_200_complaints_in_korean_and_english():
    output = run_demo()

    assert "200" in output
    assert Complaint.objects.count() == 200
    korean = Complaint.objects.filter(language="ko").count()
    assert 100 <= korean <= 140  # about 60 / 40
    assert Complaint.objects.filter(complainant__isnull=True).exists()  # anonymous
    assert Complaint.objects.exclude(representative_relationship="").exists()  # on behalf
    assert len(set(Complaint.objects.values_list("status", flat=True))) >= 10
    assert verify_trail() == []
    # Fictional contact details only.
    emails = {c.complainant.email for c in Complaint.objects.exclude(complainant=None)}
    assert all(e == "" or e.endswith(("@example.kr", "@example.com")) for e in emails)
    phones = {c.complainant.phone for c in Complaint.objects.exclude(complainant=None)}
    assert all(p.startswith("010-0000-") for p in phones)
    assert len({s.subject for s in data.KO_STORIES}) == len(data.KO_STORIES) >= 40


def test_the_demo_sends_no_email_to_its_fictional_complainants():
    from sori.messaging.models import OutboundMessage

    run_demo(count=30)
    assert Complaint.objects.exclude(complainant=None).exists()
    assert not OutboundMessage.objects.exists()
