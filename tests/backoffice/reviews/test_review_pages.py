"""The management review pages (ISO 10002 8.6) through the web with the real services.

Today is 10 April 2026 in Seoul; three billing complaints in January and one delivery complaint in
February 2026 make the Q1 inputs.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from sori.accounts.models import Role
from sori.core import clock
from sori.governance.models import ManagementReview, ReviewDecision, ReviewStatus
from sori.governance.services.reviews import add_decision, create_review, update_review
from tests.backoffice.recurring.seed import categories, file

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = dt.datetime(2026, 4, 10, 11, 0, tzinfo=SEOUL)
LIST = "/staff/reviews/"


@pytest.fixture(autouse=True)
def at_today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def seeded(db) -> None:
    categories()
    for day in (5, 12, 20):
        file(f"1월 요금 문의 {day}", when=dt.datetime(2026, 1, day, 10, tzinfo=SEOUL),
             category="billing")  # fmt: skip
    file("2월 배송 지연", when=dt.datetime(2026, 2, 3, 10, tzinfo=SEOUL), category="delivery")


def draft(actor) -> ManagementReview:
    return create_review(actor=actor, period_from=dt.date(2026, 1, 1),
                         period_to=dt.date(2026, 3, 31), planned_on=dt.date(2026, 4, 20))  # fmt: skip


def test_a_manager_plans_a_review_from_the_list(seeded, staff_client):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)

    response = client.post(LIST + "new/", {"period_from": "2026-01-01", "period_to": "2026-03-31",
                                           "planned_on": "2026-04-20", "attendees": "품질팀"})  # fmt: skip

    review = ManagementReview.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/staff/reviews/{review.reference}/"
    )
    assert review.reference.startswith("MR-2026-") and review.attendees == "품질팀"
    listing = client.get(LIST)
    assert listing.status_code == 200 and review.reference in listing.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused_and_keeps_what_was_typed(db, staff_client):
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)

    response = client.post(LIST + "new/", {"period_from": "2026-03-31", "period_to": "2026-01-01",
                                           "planned_on": "2026-04-20", "attendees": "대표이사"})  # fmt: skip

    assert response.status_code == 400
    page = response.content.decode()
    assert "The end of the period is before its start." in page and "대표이사" in page
    assert not ManagementReview.objects.exists()


def test_the_review_page_shows_the_compiled_inputs_and_a_chart(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    review = draft(manager)

    page = client.get(f"/staff/reviews/{review.reference}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "Key performance indicators" in text
    assert "Hold the review" not in text  # only top management holds


def test_a_decision_needs_an_owner_and_a_due_date(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    review = draft(manager)

    response = client.post(f"/staff/reviews/{review.reference}/decisions/",
                           {"kind": "resources", "text": "상담 인력 충원"})  # fmt: skip

    assert response.status_code == 400
    page = response.content.decode()
    assert "Name who carries the decision out." in page
    assert "Give the date by which it is done." in page and "상담 인력 충원" in page
    assert not ReviewDecision.objects.exists()


def test_a_decision_with_an_action_links_to_it_and_can_be_marked_done(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    review = draft(manager)

    response = client.post(f"/staff/reviews/{review.reference}/decisions/", {
        "kind": "improvement", "text": "접수 확인 자동화", "owner": manager.user_id,
        "due_on": "2026-06-30", "open_action": "on", "action_kind": "improvement",
    })  # fmt: skip

    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    reference = decision.improvement_action.reference
    page = client.get(f"/staff/reviews/{review.reference}/").content.decode()
    assert f'href="/staff/improvement-actions/{reference}/"' in page
    done = client.post(f"/staff/reviews/{review.reference}/decisions/{decision.pk}/done/")
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.done_at is not None
    again = client.post(f"/staff/reviews/{review.reference}/decisions/{decision.pk}/done/",
                        follow=True)  # fmt: skip
    assert "already marked done" in again.content.decode()
    forged = client.post(f"/staff/reviews/{review.reference}/decisions/99999/done/", follow=True)
    assert forged.status_code == 200 and "no such decision" in forged.content.decode()


def test_top_management_holds_after_the_minutes_and_then_the_inputs_are_locked(
    seeded, staff_client
):
    client, top = staff_client(Role.TOP_MANAGEMENT)
    review = draft(top)
    url = f"/staff/reviews/{review.reference}/"

    refused = client.post(url + "hold/", follow=True)
    assert "Record the minutes" in refused.content.decode()
    update_review(actor=top, reference=review.reference, changes="", recommendations="",
                  minutes="1분기 검토 완료", attendees="", chair_id=top.user_id,
                  planned_on=dt.date(2026, 4, 20))  # fmt: skip
    assert client.post(url + "hold/").status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.HELD and review.inputs_snapshot["kpis"]

    page = client.get(url).content.decode()
    assert 'action="' + url + 'edit/"' not in page
    stale = client.post(url + "edit/", {"planned_on": "2026-04-20", "minutes": "바꿈"},
                        follow=True)  # fmt: skip
    assert stale.status_code == 200 and "no longer change" in stale.content.decode()
    review.refresh_from_db()
    assert review.minutes == "1분기 검토 완료"
    assert client.post(url + "hold/", follow=True).status_code == 200


def test_the_pdf_is_an_attachment_with_korean_text(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="ko")
    review = draft(manager)

    response = client.get(f"/staff/reviews/{review.reference}/pack.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{review.reference}.pdf"'
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "경영검토" in text and "접수된 불만" in text


def test_the_html_pack_is_a_page_with_an_svg_chart(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER)
    review = draft(manager)

    response = client.get(f"/staff/reviews/{review.reference}/pack.html")

    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert "/static/fonts/nanum/NanumGothic.ttf" in response.content.decode()


def test_the_auditor_reads_every_page_and_every_post_is_refused(seeded, staff_client, make_staff):
    manager = make_staff(Role.COMPLAINTS_MANAGER)
    review = draft(manager)
    decision = add_decision(actor=manager, reference=review.reference, kind="other", text="점검",
                            owner_id=manager.user_id, due_on=dt.date(2026, 5, 1))  # fmt: skip
    client, _auditor = staff_client(Role.AUDITOR)
    base = f"/staff/reviews/{review.reference}/"

    for path in (LIST, base, base + "pack.html", base + "pack.pdf"):
        assert client.get(path).status_code == 200, path
    page = client.get(base).content.decode()
    for action in ("edit/", "decisions/", f"decisions/{decision.pk}/done/", "hold/"):
        assert f'action="{base}{action}"' not in page
    for path in (LIST + "new/", base + "edit/", base + "decisions/",
                 f"{base}decisions/{decision.pk}/done/", base + "hold/"):  # fmt: skip
        assert client.post(path, {}).status_code == 403, path
    decision.refresh_from_db()
    assert decision.done_at is None


def test_a_handler_cannot_read_reviews_and_an_unknown_reference_is_not_found(db, staff_client):
    handler, _h = staff_client(Role.HANDLER)
    assert handler.get(LIST).status_code == 403
    client, _manager = staff_client(Role.COMPLAINTS_MANAGER)
    assert client.get("/staff/reviews/MR-2026-999999/").status_code == 404
    assert client.get("/staff/reviews/MR-2026-999999/pack.pdf").status_code == 404
    assert client.post("/staff/reviews/MR-2026-999999/edit/",
                       {"planned_on": "2026-04-20"}).status_code == 404  # fmt: skip
