"""Customer figures (the u-charts' denominator) and the records of improvement and signal review in
the staff admin (ISO 10002 8.2, 8.7): figures are audited configuration; reviews and actions are
read-only evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.accounts.models import Role, Unit
from sori.analytics.models import ExposureFigure
from sori.audit.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FIGURES = "/staff/admin/analytics/exposurefigure/"


def signed_in(client, make_staff, role: str) -> None:
    make_staff(role, username=role)
    assert client.login(username=role, password=PASSWORD)


def test_a_manager_enters_a_months_customers_and_the_trail_has_it(client, make_staff):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)
    north = Unit.objects.create(code="north", name_ko="북부", name_en="North")
    response = client.post(
        FIGURES + "add/",
        {"month": "2025-08-17", "unit": str(north.pk), "customers": "12000", "note": "CRM 집계"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    figure = ExposureFigure.objects.get()
    # Any day names its month: the charts look figures up by the first day.
    assert figure.month == dt.date(2025, 8, 1) and figure.customers == 12_000
    entry = AuditEntry.objects.get(object_type="analytics.exposurefigure")
    assert entry.action == "sori.configuration.added" and entry.iso_clause == "8.2"
    # A second figure for the same month and unit (or organisation) is refused.
    again = client.post(FIGURES + "add/", {"month": "2025-08-01", "unit": str(north.pk),
                                           "customers": "1"})  # fmt: skip
    assert again.status_code == 200
    # In Korean, the default language.
    assert "이 월과 부서에 대한 수치가 이미 있습니다" in again.content.decode()
    client.post(FIGURES + "add/", {"month": "2025-08-01", "unit": "", "customers": "50000"})
    org = client.post(FIGURES + "add/", {"month": "2025-08-31", "unit": "", "customers": "1"})
    assert org.status_code == 200
    assert ExposureFigure.objects.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        FIGURES,
        "/staff/admin/analytics/signalreview/",
        "/staff/admin/governance/improvementaction/",
    ],
)
def test_the_auditor_reads_and_cannot_add(client, make_staff, path):
    signed_in(client, make_staff, Role.AUDITOR)
    assert client.get(path).status_code == 200
    assert client.get(path + "add/").status_code == 403


def test_nobody_adds_reviews_or_actions_in_the_admin(client, make_staff):
    signed_in(client, make_staff, Role.COMPLAINTS_MANAGER)
    assert client.get("/staff/admin/analytics/signalreview/add/").status_code == 403
    assert client.get("/staff/admin/governance/improvementaction/add/").status_code == 403
    assert client.get(FIGURES + "add/").status_code == 200
