"""Keyword search in the queue: Korean and English, notes, kept in step by triggers, any input safe,
and inside the viewer's scope (ISO 10002 7.3, 4.10)."""

from __future__ import annotations

import pytest
from django.db import connection

from sori.accounts.models import Role
from sori.complaints import search
from sori.complaints.models import Complaint, ComplaintEvent
from sori.complaints.queue import QueueFilter, State, queue_counts, queue_page
from sori.complaints.services.investigation import add_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(book):
    return book.worker(Role.COMPLAINTS_MANAGER, username="manager")


def found(viewer, text: str, **filters) -> set[str]:
    page = queue_page(viewer=viewer, query=QueueFilter(q=text, **filters), limit=100)
    return {row.reference for row in page.rows}


def test_a_korean_word_finds_the_word_with_its_particle(book, manager):
    refund = book.complaint("제품이 고장 나서 환불을 요청합니다.")
    book.complaint("배송이 늦었습니다.")
    assert found(manager, "환불") == {refund.reference}
    assert found(manager, "환불을") == {refund.reference}
    assert found(manager, "요청") == {refund.reference}


def test_an_english_word_finds_longer_words_in_any_case(book, manager):
    refund = book.complaint("The shop REFUSED my refund request.", language="en")
    book.complaint("The parcel never arrived.", language="en")
    assert found(manager, "refund") == {refund.reference}
    assert found(manager, "Refus") == {refund.reference}
    assert found(manager, "refunded") == set()


def test_every_word_must_match_in_the_subject_or_the_description(book, manager):
    both = book.complaint("카드에서 두 번 결제되었습니다.", subject="이중 결제")
    book.complaint("결제가 늦게 처리되었습니다.")
    assert found(manager, "이중 결제") == {both.reference}
    assert found(manager, "이중 배송") == set()


def test_search_reads_internal_notes(book, manager):
    complaint = book.complaint()
    other = book.complaint()
    add_note(actor=manager, reference=complaint.reference, text="CCTV 영상 확인 요청함")
    assert found(manager, "cctv") == {complaint.reference}
    assert found(manager, "영상") == {complaint.reference}
    assert other.reference not in found(manager, "영상")


def test_the_index_follows_edits_and_deletions(book, manager):
    complaint = book.complaint("처음 적은 내용입니다.", subject="처음 제목")
    complaint.description = "고쳐 쓴 내용입니다."
    complaint.save()
    assert found(manager, "처음 적은") == set()
    assert found(manager, "고쳐") == {complaint.reference}
    Complaint.objects.filter(pk=complaint.pk).update(subject="새 제목")
    assert found(manager, "처음") == set()
    assert found(manager, "새") == {complaint.reference}

    add_note(actor=manager, reference=complaint.reference, text="첫째 메모")
    note = add_note(actor=manager, reference=complaint.reference, text="둘째 메모")
    assert found(manager, "첫째") == found(manager, "둘째") == {complaint.reference}
    note.note = "셋째 메모"
    note.save()
    assert found(manager, "둘째") == set() and found(manager, "셋째") == {complaint.reference}
    note.delete()
    assert found(manager, "셋째") == set() and found(manager, "첫째") == {complaint.reference}
    # A status change (no text changed) leaves the index as it was.
    Complaint.objects.filter(pk=complaint.pk).update(status="investigating")
    assert found(manager, "고쳐") == {complaint.reference}


def test_other_timeline_lines_are_not_searched(book, manager):
    complaint = book.complaint()
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind="information_requested",
        note="영수증을 보내 주세요",
        actor="system",
        actor_label="system",
        occurred_at=complaint.received_at,
    )
    assert found(manager, "영수증") == set()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        "?.,;:'\"",
        '"',
        "*",
        "()",
        "-",
        "^",
        "AND",
        "OR NOT",
        "NEAR(",
        "환불 AND",
        '"환불',
        "환불*",
        "subject:환불",
        "NEAR(환불 요청, 2)",
        "'; DROP TABLE complaints_complaint; --",
        "\\",
        "a & b | !c",
        "환불:* & !요청",
        "\x00",
        "x" * 300,
    ],
)
def test_no_input_breaks_the_search(book, manager, text):
    book.complaint("제품이 고장 나서 환불을 요청합니다.")
    page = queue_page(viewer=manager, query=QueueFilter(q=text))
    counts = queue_counts(viewer=manager, query=QueueFilter(q=text))
    assert len(page.rows) == counts.results.value
    assert Complaint.objects.count() == 1


def test_punctuation_alone_finds_nothing_rather_than_everything(book, manager):
    book.complaint()
    assert found(manager, "!!! ...") == set()
    assert queue_counts(viewer=manager, query=QueueFilter(q="?!")).results.value == 0


def test_operator_words_are_searched_as_words(book, manager):
    near = book.complaint("The NEAR branch and the OR desk were closed.", language="en")
    book.complaint("The parcel never arrived.", language="en")
    assert found(manager, "NEAR(") == {near.reference}
    assert found(manager, "and OR") == {near.reference}
    assert found(manager, '"desk"*') == {near.reference}


def test_search_works_with_the_other_filters_and_closed_complaints(book, manager):
    open_one = book.complaint("환불을 요청합니다.", priority="high")
    closed = book.complaint("환불을 받지 못했습니다.", status="closed")
    book.complaint("환불 문의", priority="low")
    assert found(manager, "환불", priority="high") == {open_one.reference}
    assert found(manager, "환불", state=State.CLOSED) == {closed.reference}


def test_search_stays_inside_the_handlers_scope(book):
    handler = book.worker(Role.HANDLER, username="minji", unit="north")
    ours = book.complaint("환불을 요청합니다.", unit="north")
    theirs = book.complaint("환불을 요청합니다.", unit="south")
    assert found(handler, "환불") == {ours.reference}
    assert theirs.reference not in found(handler, "환불", state=State.ANY)
    assert queue_counts(viewer=handler, query=QueueFilter(q="환불")).results.value == 1


def test_words_are_cut_from_any_text():
    assert search.terms("환불을, 요청합니다!! REFUND") == ["환불을", "요청합니다", "refund"]
    assert search.terms('"AND" NEAR( x*y') == ["and", "near", "x", "y"]
    assert search.terms("a_b") == ["a", "b"]
    assert search.terms("!!! ...") == []
    assert len(search.terms(" ".join(f"w{n}" for n in range(50)))) == search.MAX_TERMS
    assert search.fts5_query(["환불", "and"]) == '"환불"* "and"*'
    assert search.tsquery(["환불", "and"]) == "'환불':* & 'and':*"


def test_the_triggers_exist_after_all_migrations():
    # A later migration that rebuilds complaints_complaint on SQLite drops them; the post-migrate
    # repair puts them back, and this test notices if it did not.
    assert search.installed_triggers(connection) >= search.trigger_names(connection)


def test_missing_triggers_are_put_back_and_the_index_rebuilt(book, manager):
    complaint = book.complaint("환불을 요청합니다.")
    search.drop_triggers(connection)
    Complaint.objects.filter(pk=complaint.pk).update(description="교환을 원합니다.")
    assert found(manager, "교환") == set()  # no trigger, so the index fell behind
    assert search.ensure_installed(connection) is True
    assert found(manager, "교환") == {complaint.reference}
    assert search.ensure_installed(connection) is False  # nothing to repair now
