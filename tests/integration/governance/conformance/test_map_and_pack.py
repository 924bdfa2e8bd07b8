"""The conformance map as a whole and the evidence pack (ISO 10002 4.1; R-4.1.1; requirements §6):
every clause once, in order; the period checked; the pack's members; no unmasked personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import translation
from pypdf import PdfReader

from sori.accounts.models import Role
from sori.complaints.models import Complaint
from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint
from sori.complaints.workflow import Status as CaseStatus
from sori.core import clock
from sori.core.actors import SYSTEM
from sori.core.errors import Forbidden, InvalidInput
from sori.governance.clauses import CLAUSES
from sori.governance.conformance import conformance_map
from sori.governance.conformance_base import default_period, months_before
from sori.governance.conformance_masking import mask_html, mask_text
from sori.governance.evidence_pack import write_evidence_pack
from tests.integration.governance.conformance.seed import (
    LAST_MONTH,
    TODAY,
    audit,
    finding,
    policy,
    review,
    sample,
)

pytestmark = pytest.mark.django_db

# A complainant whose details must never leave Sori in the pack (4.10).
NAME = "홍길순"
EMAIL = "gilsoon.hong@example.kr"
PHONE = "010-9876-5432"
ADDRESS = "서울시 종로구 비밀로 7"
SECRETS = [NAME, EMAIL, PHONE, PHONE.replace("-", ""), ADDRESS]


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY), translation.override("en"):
        yield


def complain(description: str) -> Complaint:
    person = ComplainantInput(name=NAME, email=EMAIL, phone=PHONE, postal_address=ADDRESS)
    with clock.frozen_at(LAST_MONTH):
        receipt = submit_complaint(
            actor=SYSTEM,
            data=ComplaintInput(description=description, complainant=person,
                                desired_remedy=f"{NAME}에게 전화 주세요 {PHONE}"),
        )  # fmt: skip
    return Complaint.objects.get(reference=receipt.reference)


def test_the_map_lists_every_clause_once_in_order_with_the_default_period():
    found = conformance_map(viewer=SYSTEM)
    assert [row.clause.key for row in found.rows] == [clause.key for clause in CLAUSES]
    assert len(found.rows) == 39
    assert (found.period_from, found.period_to) == (dt.date(2025, 3, 16), dt.date(2026, 3, 15))
    assert sum(found.counts().values()) == 39


def test_principles_general_shows_the_gaps_of_the_other_principles():
    first = conformance_map(viewer=SYSTEM).rows[0]
    assert first.clause.key == "4.1"
    assert first.status == "missing"
    assert "4.2" in first.summary


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidInput) as error:
        conformance_map(viewer=SYSTEM, period_from=dt.date(2026, 3, 1),
                        period_to=dt.date(2026, 1, 1))  # fmt: skip
    assert error.value.params["field"] == "from"


def test_a_handler_may_not_read_the_map(make_staff):
    with pytest.raises(Forbidden):
        conformance_map(viewer=make_staff(Role.HANDLER))


def test_the_map_as_json_names_each_clause_with_both_numbers():
    clauses = conformance_map(viewer=SYSTEM).as_dict()["clauses"]
    row = next(item for item in clauses if item["clause"] == "5.3")  # type: ignore[union-attr]
    assert row["ks"] == "5.2" and row["status"] in {"present", "stale", "missing"}
    assert json.loads(json.dumps(clauses))


def readable(name: str, data: bytes) -> bytes:
    """What a person reads in a member: a PDF's text, any other member's bytes."""
    if not name.endswith(".pdf"):
        return data
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(page.extract_text() for page in pages).encode()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pack(viewer=SYSTEM, **period) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    write_evidence_pack(viewer=viewer, period_from=period.get("start"),
                        period_to=period.get("end"), path_or_file=buffer)  # fmt: skip
    return members(buffer.getvalue())


def test_the_pack_has_the_map_policy_roles_kpis_objectives_audits_reviews_and_trail(make_staff):
    top = make_staff(Role.TOP_MANAGEMENT)
    policy(top, LAST_MONTH)
    audit(make_staff(Role.AUDITOR), LAST_MONTH, reference="AU-7")
    review(top, LAST_MONTH, reference="MR-3")
    found = pack(start=dt.date(2025, 10, 1), end=dt.date(2026, 3, 15))
    for name in ("index.html", "conformance.json", "policy/versions.json", "policy/v1.json",
                 "roles.json", "kpis.csv", "objectives.csv", "audits/programmes.json",
                 "audits/AU-7.json", "reviews/MR-3.json", "case-files/index.json",
                 "audit-verify.txt"):  # fmt: skip
        assert name in found, name
    assert len(json.loads(found["conformance.json"])["clauses"]) == 39
    months = list(csv.reader(io.StringIO(found["kpis.csv"].decode())))
    assert [row[0] for row in months[1:7]] == [
        "2025-10-01",
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]
    assert found["audit-verify.txt"].startswith(b"audit trail intact:")
    assert b"8.7" in found["index.html"]


def test_the_pack_contains_no_unmasked_personal_data(make_staff):
    complaint = complain(f"저는 {NAME}입니다. 연락처 {PHONE}, 메일 {EMAIL}, 주소 {ADDRESS}.")
    auditor = make_staff(Role.AUDITOR)
    done = audit(auditor, LAST_MONTH)
    sample(done, complaint.pk)
    # Staff typed the complainant's details into records that go into the pack.
    item = finding(done, complaint_id=complaint.pk)
    item.description = f"Called back on {PHONE}; wrote to {EMAIL}."
    item.save()
    review(make_staff(Role.TOP_MANAGEMENT), LAST_MONTH, minutes=f"Complaint by mail {EMAIL}")
    found = pack()
    assert f"case-files/{complaint.reference}.json" in found
    assert any(name.endswith(".pdf") for name in found)
    assert json.loads(found["case-files/index.json"])["format"].startswith(
        "sori.governance.case_file"
    )
    for name, data in found.items():
        text = readable(name, data)
        for secret in SECRETS:
            assert secret.encode() not in text, (name, secret)


def test_without_audit_samples_the_pack_takes_closed_complaints_of_the_period():
    complaint = complain("배송이 늦었습니다.")
    Complaint.objects.filter(pk=complaint.pk).update(status=CaseStatus.CLOSED,
                                                    closed_at=LAST_MONTH)  # fmt: skip
    found = pack()
    index = json.loads(found["case-files/index.json"])
    assert index["selection"] == "random_closed"
    assert index["complaints"] == [complaint.reference]
    for data in found.values():
        for secret in SECRETS:
            assert secret.encode() not in data


def test_masking_keeps_dates_amounts_and_references():
    text = "2026-03-15T02:00:00+00:00, 1000000.00, C-2026-000001, call 010 9876 5432"
    assert mask_text(text) == "2026-03-15T02:00:00+00:00, 1000000.00, C-2026-000001, call [masked]"


def test_twelve_months_before_a_leap_day_is_the_last_day_of_february():
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2026, 3, 15), 12) == dt.date(2025, 3, 15)
    assert default_period(dt.date(2026, 1, 31)) == (dt.date(2025, 2, 1), dt.date(2026, 1, 31))


def test_html_masking_leaves_attributes_whole():
    page = '<svg><path d="M0 1234567890 L0 1"/></svg><p>Call 010-9876-5432</p>'
    assert mask_html(page) == '<svg><path d="M0 1234567890 L0 1"/></svg><p>Call [masked]</p>'
