"""The queue page over HTTP: tabs, the GET filter form, htmx fragments, pages, saved filters, and
the scope (ISO 10002 7.3, 4.10, 4.15)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core import signing

from sori.accounts.models import Role
from sori.complaints.queue import pages
from tests.integration.queue.builders import at

pytestmark = pytest.mark.django_db
QUEUE = "/staff/queue/"


def rows(html: str) -> list[str]:
    """The references in the table, in order."""
    return re.findall(r'href="/staff/complaints/(C-\d{4}-\d{6})/"', html)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get(QUEUE)
    assert answer.status_code == 302 and answer["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("role", Role.values)
def test_every_role_opens_the_queue(client, signed_in, book, role):
    complaint = book.complaint(subject="환불 요청", unit="north")
    signed_in(role, unit="north")
    answer = client.get(QUEUE)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<h1>" in html and rows(html) == [complaint.reference]
    assert '<th scope="col">' in html and "<caption" in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_page_renders_in_korean_and_english(client, signed_in, book, language):
    complaint = book.complaint(unit="north")
    signed_in(Role.HANDLER, unit="north")
    client.cookies["django_language"] = language
    html = client.get(QUEUE).content.decode()
    assert f'<html lang="{language}">' in html and rows(html) == [complaint.reference]
    # Korean wording comes with the catalogue the lead regenerates; English is the source text.
    if language == "en":
        for words in ("Complaints queue", "My complaints", "My team", "Keywords", "Due"):
            assert words in html


def test_tabs_follow_the_role(client, signed_in):
    signed_in(Role.HANDLER, unit="north")
    client.cookies["django_language"] = "en"
    html = client.get(QUEUE).content.decode()
    assert "My complaints" in html and "My team" in html and 'aria-current="page"' in html
    client.logout()
    signed_in(Role.AUDITOR, username="auditor")
    html = client.get(QUEUE).content.decode()
    assert "My complaints" not in html and "My team" not in html


def test_a_handler_sees_only_their_scope_in_the_page(client, signed_in, book):
    ours = book.complaint(unit="north", subject="우리 팀")
    theirs = book.complaint(unit="south", subject="다른 팀")
    signed_in(Role.HANDLER, unit="north")
    html = client.get(QUEUE).content.decode()
    assert rows(html) == [ours.reference]
    assert theirs.reference not in html and "다른 팀" not in html
    searched = client.get(QUEUE, {"q": "팀"}).content.decode()
    assert rows(searched) == [ours.reference]
    assert (
        theirs.reference not in client.get(QUEUE, {"view": "all", "state": "any"}).content.decode()
    )


def test_the_filter_form_narrows_the_table_and_keeps_what_was_chosen(client, signed_in, book):
    high = book.complaint(priority="high", subject="급함")
    book.complaint(priority="low")
    signed_in(Role.COMPLAINTS_MANAGER)
    html = client.get(QUEUE, {"priority": "high", "q": "급함"}).content.decode()
    assert rows(html) == [high.reference]
    assert '<option value="high" selected>' in html
    assert 'value="급함"' in html


def test_a_wrong_date_is_explained_and_nothing_typed_is_lost(client, signed_in, book):
    book.complaint()
    signed_in(Role.COMPLAINTS_MANAGER)
    client.cookies["django_language"] = "en"
    answer = client.get(QUEUE, {"received_from": "2026-13-45", "q": "환불"})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="error-summary"' in html and "Enter a date like 2026-03-01." in html
    assert 'value="2026-13-45"' in html and 'value="환불"' in html
    assert "<title>Error:" in html


def test_htmx_gets_only_the_results_with_the_summary_out_of_band(client, signed_in, book):
    complaint = book.complaint()
    signed_in(Role.COMPLAINTS_MANAGER)
    answer = client.get(QUEUE, {"priority": "normal"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert answer.status_code == 200 and "HX-Request" in answer["Vary"]
    assert "<html" not in html and rows(html) == [complaint.reference]
    assert 'id="queue-status"' in html and 'hx-swap-oob="true"' in html
    assert 'id="save-filter-query" value="priority=normal"' in html
    # Restoring history after a reload needs the whole page.
    full = client.get(QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in full.content.decode()


def test_the_form_is_wired_for_htmx_and_works_without_it(client, signed_in):
    signed_in(Role.HANDLER)
    html = client.get(QUEUE).content.decode()
    form = re.search(r'<form method="get"[^>]*>', html).group()
    assert 'action="/staff/queue/"' in form and 'hx-get="/staff/queue/"' in form
    assert 'hx-push-url="true"' in form and 'hx-target="#queue-results"' in form


def test_pages_follow_each_other_and_a_bad_page_address_says_so(
    client, signed_in, book, monkeypatch
):
    made = [book.complaint(due_at=at(day)) for day in range(1, 4)]
    signed_in(Role.COMPLAINTS_MANAGER)
    client.cookies["django_language"] = "en"
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    html = client.get(QUEUE).content.decode()
    assert rows(html) == [made[0].reference, made[1].reference]
    assert "Back to the first page" not in html
    next_url = unescape(re.search(r'href="(\?[^"]*after=[^"]*)" rel="next"', html).group(1))
    second = client.get(QUEUE + next_url).content.decode()
    assert rows(second) == [made[2].reference]
    assert "Back to the first page" in second and 'rel="next"' not in second
    forged = signing.b64_encode(b"[null, 2, 1]").decode()
    html = client.get(QUEUE, {"after": forged}).content.decode()
    assert "was not valid" in html and rows(html)[0] == made[0].reference


def test_an_empty_queue_and_an_empty_result_say_so(client, signed_in, book):
    signed_in(Role.HANDLER, unit="north")
    client.cookies["django_language"] = "en"
    html = client.get(QUEUE).content.decode()
    assert "no open complaint in this view" in html and "<table" not in html
    html = client.get(QUEUE, {"priority": "urgent"}).content.decode()
    assert "No complaint matches these filters." in html


def test_overdue_is_written_not_only_coloured(client, signed_in, book):
    book.complaint(due_at=at(1))
    signed_in(Role.COMPLAINTS_MANAGER)
    client.cookies["django_language"] = "en"
    html = client.get(QUEUE).content.decode()
    assert '<span class="badge overdue">Overdue</span>' in html


def test_counts_appear_on_the_tabs_and_by_status(client, signed_in, book):
    handler = signed_in(Role.HANDLER, unit="north")
    book.complaint(unit="north", assignee=handler, status="investigating")
    book.complaint(unit="north", status="assessed")
    client.cookies["django_language"] = "en"
    html = client.get(QUEUE).content.decode()
    assert re.search(r"My complaints <span class=\"count\">\(1", html)
    assert re.search(r"My team <span class=\"count\">\(2", html)
    assert "Complaints found: 2" in html
    assert "status=investigating" in html


def test_a_filter_is_saved_applied_and_deleted(client, signed_in, book):
    signed_in(Role.HANDLER, unit="north")
    client.cookies["django_language"] = "en"
    answer = client.post(
        "/staff/queue/filters/", {"name": "Urgent ones", "query": "priority=urgent&after=zzz"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/staff/queue/?priority=urgent"
    html = client.get(answer["Location"]).content.decode()
    assert "Filter “Urgent ones” saved." in html
    assert 'href="/staff/queue/?priority=urgent">Urgent ones</a>' in html
    filter_id = re.search(r'action="/staff/queue/filters/(\d+)/delete/"', html).group(1)
    answer = client.post(f"/staff/queue/filters/{filter_id}/delete/", {"query": "priority=urgent"})
    assert answer.status_code == 302
    html = client.get(answer["Location"]).content.decode()
    assert "Filter “Urgent ones” deleted." in html and "Urgent ones</a>" not in html


def test_saving_without_a_name_explains_and_someone_elses_filter_cannot_be_deleted(
    client, signed_in, book
):
    signed_in(Role.HANDLER, unit="north")
    client.cookies["django_language"] = "en"
    answer = client.post(
        "/staff/queue/filters/", {"name": "", "query": "priority=high"}, follow=True
    )
    assert "The filter was not saved" in answer.content.decode()
    other = book.worker(Role.HANDLER, username="jun")
    from sori.complaints.services.saved_filters import save_filter

    theirs = save_filter(actor=other, name="his", query="")
    answer = client.post(f"/staff/queue/filters/{theirs.pk}/delete/", follow=True)
    assert "No saved filter of yours" in answer.content.decode()
    assert client.get(f"/staff/queue/filters/{theirs.pk}/delete/").status_code == 405


def test_the_rarer_filters_stay_folded_unless_in_use(client, signed_in):
    signed_in(Role.COMPLAINTS_MANAGER)
    assert '<details class="more-filters">' in client.get(QUEUE).content.decode()
    for query in ({"channel": "phone"}, {"state": "closed"}, {"status": "assessed"}):
        assert '<details class="more-filters" open>' in client.get(QUEUE, query).content.decode()
