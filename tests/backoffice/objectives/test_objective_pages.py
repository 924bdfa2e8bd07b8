"""The objective pages (ISO 10002 6.2) through the web with the real services.

Seeded as in ``tests/integration/governance/test_objectives.py``: today is 15 March 2026 in Seoul;
the share of complete records is 100 % in January and 50 % in February, nothing yet in March.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sori.accounts.models import Role
from sori.audit.models import AuditEntry
from sori.core import clock
from sori.governance.models import ActionSource, ImprovementAction, Objective
from sori.governance.services.objectives import ObjectiveInput, set_objective
from tests.backoffice.recurring.seed import categories, file

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = dt.datetime(2026, 3, 15, 11, 0, tzinfo=SEOUL)
LIST = "/staff/objectives/"


def on(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def seeded(db) -> None:
    categories()
    for day in (5, 8, 12, 20):
        file(f"1월 요금 문의 {day}", when=on(1, day), category="billing")
    for day in (3, 10):
        file(f"2월 요금 문제 {day}", when=on(2, day), category="billing")
    for day in (14, 21):
        file(f"분류 없는 민원 {day}", when=on(2, day))


def objective(owner_id: int, actor, **changes) -> Objective:
    fields = {
        "title": "처리 기록 완전성 95%",
        "kpi_code": "data_quality",
        "target": Decimal("95"),
        "period_from": dt.date(2026, 1, 1),
        "period_to": dt.date(2026, 6, 30),
        "owner_id": owner_id,
    }
    return set_objective(actor=actor, data=ObjectiveInput(**{**fields, **changes}))


def form_data(owner_id: int, **changes) -> dict[str, str]:
    data = {
        "title": "재민원 10% 이하",
        "kpi_code": "repeat_rate",
        "target": "10",
        "amber_margin": "2.5",
        "period_from": "2026-01-01",
        "period_to": "2026-12-31",
        "cadence": "month",
        "owner": str(owner_id),
        "unit": "",
        "category": "",
        "channel": "",
    }
    return {**data, **changes}


def test_the_list_shows_owner_target_latest_value_and_rag_in_words(staff_client, seeded):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, username="kim", language="en")
    made = objective(manager.user_id, manager)

    page = client.get(LIST)

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{LIST}{made.pk}/"' in html and "처리 기록 완전성 95%" in html
    assert "Records complete for their stage" in html and ">kim<" in html
    assert "at least 95.0%" in html
    assert "50.0%" in html and "off target" in html
    # One cell per month so far, each coloured and written: green, red, grey.
    cells = re.findall(r'class="rag rag-(\w+)">(2026-\d\d): ([^<]+)<', html)
    assert cells == [
        ("green", "2026-01", "100.0% (on target)"),
        ("red", "2026-02", "50.0% (off target)"),
        ("grey", "2026-03", "— (no data)"),
    ]


def test_the_list_renders_in_korean(staff_client, seeded):
    client, manager = staff_client(Role.TOP_MANAGEMENT, language="ko")
    objective(manager.user_id, manager)

    html = client.get(LIST).content.decode()

    assert '<html lang="ko">' in html and "처리 기록 완전성 95%" in html
    assert "rag-red" in html


def test_setting_an_objective_through_the_form(staff_client, seeded):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")

    form = client.get(f"{LIST}new/")
    response = client.post(f"{LIST}new/", form_data(manager.user_id, category="billing"))

    assert form.status_code == 200 and 'name="kpi_code"' in form.content.decode()
    made = Objective.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{made.pk}/"
    assert (made.kpi_code, made.target, made.amber_margin) == ("repeat_rate", Decimal("10"),
                                                               Decimal("2.5"))  # fmt: skip
    assert made.category.code == "billing" and made.created_by_id == manager.user_id
    detail = client.get(response["Location"]).content.decode()
    assert "at most 10.0%" in detail and "on target" in detail


def test_a_rule_the_service_refuses_is_shown_on_its_field_with_the_input_kept(staff_client, seeded):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")

    response = client.post(
        f"{LIST}new/",
        form_data(manager.user_id, kpi_code="data_quality", target="150", title="완전성 150%"),
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "This indicator cannot exceed 100, so neither can its target." in html
    assert 'id="id_target_error"' in html
    assert 'value="완전성 150%"' in html and 'value="150"' in html
    assert '<option value="data_quality" selected>' in html
    assert Objective.objects.count() == 0


def test_a_form_error_is_shown_with_the_input_kept(staff_client, seeded):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")

    response = client.post(
        f"{LIST}new/",
        form_data(manager.user_id, title="", target="abc", period_to="2025-12-31"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the objective a title." in html
    assert "Enter a number, for example 95 or 2.5." in html
    assert "The end of the period must not be before its start." in html
    assert 'value="abc"' in html and 'value="2025-12-31"' in html
    assert "<title>Error:" in html


def test_changing_an_objective_is_audited_and_an_invalid_change_keeps_the_input(staff_client,
                                                                                 seeded):  # fmt: skip
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    made = objective(manager.user_id, manager)

    refused = client.post(f"{LIST}{made.pk}/edit/",
                          form_data(manager.user_id, kpi_code="no_such_kpi", title="건수"))  # fmt: skip
    changed = client.post(f"{LIST}{made.pk}/edit/",
                          form_data(manager.user_id, kpi_code="data_quality", target="90"))  # fmt: skip

    assert refused.status_code == 400
    assert "Choose an indicator from the list." in refused.content.decode()
    assert 'value="건수"' in refused.content.decode()
    assert changed.status_code == 302
    made.refresh_from_db()
    assert made.target == Decimal("90") and made.title == "재민원 10% 이하"
    assert AuditEntry.objects.filter(
        action="sori.objective.updated", object_id=str(made.pk)
    ).exists()


def test_retiring_an_objective_moves_it_to_the_retired_list(staff_client, seeded):
    client, manager = staff_client(Role.TOP_MANAGEMENT, language="en")
    made = objective(manager.user_id, manager)

    response = client.post(f"{LIST}{made.pk}/retire/", {"note": "새 목표로 대체"})

    assert response.status_code == 302
    assert "No objective is set." in client.get(LIST).content.decode()
    assert "처리 기록 완전성 95%" in client.get(f"{LIST}?retired=1").content.decode()
    detail = client.get(f"{LIST}{made.pk}/").content.decode()
    assert "Change the objective" not in detail and "retired" in detail


def test_a_red_objective_opens_an_improvement_action_from_its_page(staff_client, seeded):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    made = objective(manager.user_id, manager)
    detail = client.get(f"{LIST}{made.pk}/").content.decode()
    assert f'action="/staff/objectives/{made.pk}/action/"' in detail

    response = client.post(f"{LIST}{made.pk}/action/",
                           {"title": "분류 누락 줄이기", "owner": manager.user_id,
                            "due_on": "2026-04-30"})  # fmt: skip

    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert (action.source, action.source_key) == (ActionSource.OBJECTIVE,
                                                  f"objective:{made.pk}:2026-02-01")  # fmt: skip
    after = client.get(f"{LIST}{made.pk}/").content.decode()
    assert (
        action.reference in after and f'action="/staff/objectives/{made.pk}/action/"' not in after
    )


def test_an_objective_on_target_offers_no_action_and_refuses_a_forged_one(staff_client, seeded):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    made = objective(manager.user_id, manager, category="billing")

    detail = client.get(f"{LIST}{made.pk}/").content.decode()
    forged = client.post(f"{LIST}{made.pk}/action/", {"title": "조치"})

    assert "Open improvement action" not in detail
    assert forged.status_code == 409
    assert "off target (red)" in forged.content.decode()
    assert ImprovementAction.objects.count() == 0


def test_an_auditor_reads_objectives_but_cannot_change_them(staff_client, make_staff, seeded):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    made = objective(manager.user_id, manager)
    client, _ = staff_client(Role.AUDITOR, language="en")

    listing = client.get(LIST)
    detail = client.get(f"{LIST}{made.pk}/")

    assert listing.status_code == 200 and "Set an objective" not in listing.content.decode()
    assert detail.status_code == 200 and "Change the objective" not in detail.content.decode()
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}{made.pk}/edit/", {}).status_code == 403
    assert client.post(f"{LIST}{made.pk}/retire/", {}).status_code == 403
    assert client.post(f"{LIST}{made.pk}/action/", {}).status_code == 403


@pytest.mark.parametrize("role", [Role.HANDLER, Role.INVESTIGATOR, Role.APPROVER])
def test_roles_outside_governance_cannot_open_the_objectives(staff_client, role):
    client, _ = staff_client(role)

    assert client.get(LIST).status_code == 403


def test_an_objective_that_does_not_exist_is_a_404(staff_client, db):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")

    response = client.get(f"{LIST}424242/")

    assert (
        response.status_code == 404 and "There is no such objective." in response.content.decode()
    )


def test_a_volume_objective_asks_for_a_ceiling_or_a_floor_and_keeps_the_input(staff_client,
                                                                              seeded):  # fmt: skip
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    volume = form_data(manager.user_id, kpi_code="received", title="월 접수 3건 이하", target="3")

    refused = client.post(f"{LIST}new/", volume)
    made = client.post(f"{LIST}new/", {**volume, "target_side": "lower"})

    html = refused.content.decode()
    assert refused.status_code == 422  # the service refused it, on the field
    assert "say whether the target is a ceiling (at or below) or a floor (at or above)" in html
    assert 'value="월 접수 3건 이하"' in html
    assert made.status_code == 302
    detail = client.get(made["Location"]).content.decode()
    assert "Complaints received" in detail and "at most 3" in detail
