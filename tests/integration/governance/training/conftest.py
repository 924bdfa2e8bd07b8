"""Courses, a category tree and requirements for the competence tests (ISO 10002 6.4)."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.complaints.models import Category
from sori.governance.models import Course, Enforcement, TrainingRequirement

NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def tree(db):
    parent = Category.objects.create(code="t-finance", label_ko="금융", label_en="Finance")
    child = Category.objects.create(
        code="t-loans", label_ko="대출", label_en="Loans", parent=parent
    )
    other = Category.objects.create(code="t-other", label_ko="기타", label_en="Other")
    return {"parent": parent, "child": child, "other": other}


@pytest.fixture
def courses(db):
    return {
        "privacy": Course.objects.create(
            code="privacy", name_ko="개인정보 보호", name_en="Privacy basics", valid_months=12
        ),
        "listening": Course.objects.create(
            code="listening", name_ko="경청", name_en="Active listening"
        ),
    }


@pytest.fixture
def requirements(tree, courses):
    """Finance (and so Loans) blocks without privacy; Loans warns without listening."""
    TrainingRequirement.objects.create(
        category=tree["parent"], course=courses["privacy"], enforcement=Enforcement.BLOCK
    )
    TrainingRequirement.objects.create(
        category=tree["child"], course=courses["listening"], enforcement=Enforcement.WARN
    )
    return tree
