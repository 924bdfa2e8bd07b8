"""The conformance map page and the evidence pack download (ISO 10002 4.1; R-4.1.1) through the
web: those who oversee the process read them, the auditor included; a handler is refused."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from sori.accounts.models import Role
from sori.core import clock
from tests.integration.governance.conformance.seed import LAST_MONTH, TODAY, audit

pytestmark = pytest.mark.django_db

PAGE = "/staff/conformance/"
PACK = "/staff/conformance/pack.zip"


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY):
        yield


def test_the_auditor_reads_every_clause_with_its_status_in_words(staff_client, submit, make_staff):
    submit()
    audit(make_staff(Role.AUDITOR), LAST_MONTH, reference="AU-9")
    client, _auditor = staff_client(Role.AUDITOR)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr id="clause-') == 39
    assert "Evidence from 2025-03-16 to 2026-03-15" in page
    # The status is a word in the badge, not a colour alone.
    assert '<span class="evidence evidence-present">present</span>' in page
    assert '<span class="evidence evidence-missing">missing</span>' in page
    assert "Last audit AU-9 completed on 2026-02-10" in page
    assert 'href="/staff/conformance/pack.zip?from=2025-03-16&amp;to=2026-03-15"' in page
    assert 'aria-current="page">Conformance</a>' in page


def test_the_page_in_korean_has_the_same_rows(staff_client):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER, language="ko")
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="clause-') == 39


def test_links_to_existing_pages_are_reversed_with_their_query(staff_client, submit):
    submit()
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    page = client.get(PAGE).content.decode()
    assert 'href="/staff/analytics/?from=2025-03-16&amp;to=2026-03-15"' in page
    assert "/staff/queue/?state=any&amp;received_from=2025-03-16" in page


def test_the_period_asked_for_is_shown(staff_client):
    client, _top = staff_client(Role.TOP_MANAGEMENT)
    page = client.get(PAGE, {"from": "2026-01-01", "to": "2026-02-28"}).content.decode()
    assert "Evidence from 2026-01-01 to 2026-02-28" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03-01", "to": "2026-01-01"}, "The start of the period must not be after"),
        ({"from": "first of march", "to": ""}, "Enter a date like 2026-03-01."),
    ],
)
def test_a_bad_period_is_explained_and_what_was_typed_stays(staff_client, query, message):
    client, _auditor = staff_client(Role.AUDITOR)
    response = client.get(PAGE, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{query["from"]}"' in page
    assert '<tr id="clause-' not in page
    assert client.get(PACK, query).status_code == 400


def test_the_auditor_downloads_the_pack_for_the_period(staff_client, submit):
    submit()
    client, _auditor = staff_client(Role.AUDITOR)
    response = client.get(PACK, {"from": "2026-01-01", "to": "2026-03-15"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "sori-evidence-2026-01-01-2026-03-15.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        found = json.loads(archive.read("conformance.json"))
        assert "index.html" in archive.namelist()
    assert found["period_from"] == "2026-01-01"
    assert len(found["clauses"]) == 39


@pytest.mark.parametrize("path", [PAGE, PACK])
def test_a_handler_is_refused(staff_client, path):
    client, _handler = staff_client(Role.HANDLER)
    assert client.get(path).status_code == 403


def test_the_pack_is_only_read_never_posted(staff_client):
    client, _auditor = staff_client(Role.AUDITOR)
    assert client.post(PACK).status_code == 405
