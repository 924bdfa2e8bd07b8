"""Real complaint text and complaints filed at known times, for the recurring-issue tests (8.2).

The texts come from ``/work/shared/data`` (see its README), so the grouping is tried on what
people really wrote:

- Korean: 청와대 국민청원 petitions 617 and 618 ("흡연카드", posted twice the same day) and a
  re-post of 617 with words changed; petitions 719 and 714 (childcare funding) are about
  something else in the same category.
- English: CFPB narratives 12004289, 12007905 and 12017122 (one student-loan template letter,
  sent by different people); 11602027 (another student-loan letter) is about something else.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sori.accounts.models import Unit
from sori.complaints.models import Category
from sori.complaints.services.intake import ComplainantInput, ComplaintInput, submit_complaint
from sori.core import clock
from sori.core.actors import SYSTEM

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("SORI_BENCH_DATA", ROOT.parent / "shared" / "data"))
SEOUL = ZoneInfo("Asia/Seoul")
# The moment every scan in these tests runs at.
NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=SEOUL)

needs_data = pytest.mark.skipif(
    not (DATA / "korean_petitions").is_dir() or not (DATA / "cfpb_consumer_complaints").is_dir(),
    reason=f"the shared complaint data is not at {DATA} (set SORI_BENCH_DATA)",
)

csv.field_size_limit(1 << 30)


@cache
def _petitions() -> dict[str, dict[str, str]]:
    path = DATA / "korean_petitions" / "korean_petitions.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {row["petition_idx"]: row for row in csv.DictReader(handle)}


@cache
def _narratives() -> dict[str, str]:
    path = DATA / "cfpb_consumer_complaints" / "complaints_dev.csv.gz"
    wanted = {"12004289", "12007905", "12017122", "11602027"}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {
            row["Complaint ID"]: row["Consumer complaint narrative"]
            for row in csv.DictReader(handle)
            if row["Complaint ID"] in wanted
        }


@dataclass(frozen=True)
class Text:
    subject: str
    description: str


def petition(idx: str) -> Text:
    row = _petitions()[idx]
    return Text(subject=row["title"], description=row["content"])


def petition_reposted(idx: str) -> Text:
    """The petition posted again by someone else, with words changed and a line added."""
    original = petition(idx)
    return Text(
        subject=original.subject,
        description=original.description.replace("발급", "신청") + " 꼭 검토 부탁드립니다.",
    )


def narrative(complaint_id: str) -> Text:
    return Text(subject="", description=_narratives()[complaint_id])


def days_ago(days: float, hour: int = 10) -> dt.datetime:
    return (NOW - dt.timedelta(days=days)).replace(hour=hour, minute=0)


def categories() -> dict[str, Category]:
    """Two handling units and their categories; 'health' has a sub-category."""
    north = Unit.objects.get_or_create(
        code="north", defaults={"name_ko": "북부", "name_en": "North"}
    )[0]
    south = Unit.objects.get_or_create(
        code="south", defaults={"name_ko": "남부", "name_en": "South"}
    )[0]
    made = {}
    for code, ko, en, unit in (
        ("health", "보건복지", "Health and welfare", north),
        ("loans", "학자금 대출", "Student loans", south),
        ("billing", "요금", "Billing", south),
        ("delivery", "배송", "Delivery", north),
    ):
        made[code] = Category.objects.get_or_create(
            code=code, defaults={"label_ko": ko, "label_en": en, "unit": unit}
        )[0]
    made["health-smoking"] = Category.objects.get_or_create(
        code="health-smoking",
        defaults={
            "label_ko": "금연",
            "label_en": "Smoking",
            "parent": made["health"],
            "unit": north,
        },
    )[0]
    return made


_people = iter(range(1, 1_000_000))


def file(
    text: Text | str,
    *,
    when: dt.datetime,
    category: str | None = None,
    product: str = "",
    email: str | None = None,
    phone: str = "",
    language: str = "ko",
) -> str:
    """A complaint received at ``when`` from its own person unless ``email`` / ``phone`` are given."""
    if isinstance(text, str):
        text = Text(subject="", description=text)
    person = ComplainantInput(
        name="시험",
        email=email if email is not None else f"person{next(_people)}@example.kr",
        phone=phone,
        preferred_contact="email" if email != "" else "phone",
    )
    with clock.frozen_at(when):
        return submit_complaint(
            actor=SYSTEM,
            data=ComplaintInput(
                subject=text.subject[:200],
                description=text.description,
                category=category,
                product_or_service=product,
                language=language,
                complainant=person,
            ),
        ).reference


def seed_near_duplicates() -> dict[str, list[str]]:
    """The Korean and English near-duplicates and their unrelated neighbours (see the docstring)."""
    categories()
    korean = [
        file(petition("617"), when=days_ago(20), category="health"),
        file(petition("618"), when=days_ago(19), category="health"),
        file(petition_reposted("617"), when=days_ago(5), category="health"),
    ]
    english = [
        file(narrative(cid), when=days_ago(day), category="loans", language="en")
        for cid, day in (("12004289", 30), ("12007905", 29), ("12017122", 12))
    ]
    unrelated = [
        file(petition("719"), when=days_ago(18), category="health"),
        file(petition("714"), when=days_ago(8), category="health"),
        file(narrative("11602027"), when=days_ago(25), category="loans", language="en"),
        # The same petition under another category is a different problem to the scan.
        file(petition("618"), when=days_ago(10), category="billing"),
    ]
    return {"korean": korean, "english": english, "unrelated": unrelated}
