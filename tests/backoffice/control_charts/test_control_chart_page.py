"""The control-chart page through the web (ISO 10002 8.2, 8.7): the seeded spike shows as a signal
for its category and month; a manager acknowledges it or opens an improvement action from it
(POST, persisted); a forged or stale post is refused and nothing is written; the auditor reads
and cannot act (403); other roles do not see the page."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from sori.accounts.models import Role
from sori.analytics.models import SignalDecision, SignalReview
from sori.governance.models import ActionSource, ImprovementAction

from .seed import SPIKE, seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

PAGE = "/staff/analytics/control-charts/"
ACK = PAGE + "acknowledge/"
ACT = PAGE + "open-action/"
BILLING = "category:billing"
SIGNAL = {
    "chart": BILLING,
    "rule": "beyond_limits",
    "period_start": "2025-08-01",
    "dimension": "category",
    "months": "12",
}


@pytest.fixture
def seeded(submit):
    return seed(submit)


def _panel(html: str, key: str) -> str:
    return html.split(f'data-chart="{key}"', 1)[1].split("</section>", 1)[0]


def _open_signals(panel: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<li class="signal" [^>]*data-rule="([a-z_]+)" data-month="([0-9-]+)"', panel
    )


def test_the_spike_is_a_beyond_limits_signal_for_its_category_and_month(seeded, staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    response = client.get(PAGE, {"dimension": "category", "months": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    billing = _panel(html, BILLING)
    assert _open_signals(billing) == [("beyond_limits", "2025-08")]
    assert "Point beyond the control limits" in billing
    assert "A point is above the upper control limit" in billing
    # The table of points: August's 20 complaints, the centre and limits, its zone in words.
    august = billing.split('data-month="2025-08"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">20</td>' in august and "beyond the limits" in august
    assert "6.25" in august and "13.75" in august
    # The chart is embedded with its Vega-Lite definition, and offered as SVG and PNG.
    assert 'class="chart" data-spec-id="control-chart-spec-' in billing
    assert "control-charts/chart.svg?series=category%3Abilling" in billing
    # A manager gets both forms, the action's title filled in.
    assert 'action="/staff/analytics/control-charts/acknowledge/"' in billing
    assert 'value="Billing: Point beyond the control limits in 2025-08"' in billing
    assert _open_signals(_panel(html, "category:delivery")) == []
    # The series with a signal comes first.
    assert html.index(f'data-chart="{BILLING}"') < html.index('data-chart="category:delivery"')


def test_the_page_speaks_korean_by_default(seeded, staff_client):
    client, _ = staff_client(Role.TOP_MANAGEMENT, language="ko")
    html = client.get(PAGE, {"dimension": "category", "months": "12"}).content.decode()
    with translation.override("ko"):
        message = translation.gettext(
            "A point is above the upper control limit, more than three standard deviations "
            "above the centre line."
        )
    assert message != "" and "상한 관리 한계" in message
    assert message in _panel(html, BILLING)


def test_acknowledging_through_the_page_persists_and_closes_the_signal(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    response = client.post(ACK, {**SIGNAL, "note": "요금제 개편 안내로 인한 일시적 증가"})
    assert response.status_code == 302
    assert response["Location"] == PAGE + "?dimension=category&months=12"
    review = SignalReview.objects.get()
    assert (review.chart, review.rule, review.period_start) == (BILLING, "beyond_limits", SPIKE)
    assert review.decision == SignalDecision.ACKNOWLEDGED
    assert review.reviewed_by_id == manager.user_id
    page = client.get(response["Location"]).content.decode()
    assert "The signal is acknowledged; no action." in page
    billing = _panel(page, BILLING)
    assert _open_signals(billing) == []
    assert "Answered signals" in billing and "요금제 개편 안내로 인한 일시적 증가" in billing
    assert "acknowledged, no action" in billing


def test_opening_an_action_through_the_page_links_the_months_complaints(seeded, staff_client):
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    response = client.post(
        ACT,
        {
            **SIGNAL,
            "title": "8월 요금 민원 급증 원인 제거",
            "description": "청구서 안내 문구를 고칩니다.",
            "owner": str(manager.user_id),
            "due_on": "2026-03-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = ImprovementAction.objects.get()
    assert action.title == "8월 요금 민원 급증 원인 제거" and action.owner_id == manager.user_id
    assert action.source == ActionSource.SPC_SIGNAL
    assert action.source_key == "spc:category:billing:beyond_limits:2025-08-01"
    assert action.complaints.count() == 20
    assert SignalReview.objects.get().improvement_action == action
    page = client.get(response["Location"]).content.decode()
    assert f"Improvement action {action.reference} is opened for the signal." in page
    assert f"/staff/improvement-actions/{action.reference}/" in _panel(page, BILLING)


def test_a_form_missing_its_note_comes_back_with_the_error_and_what_was_typed(seeded, staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    response = client.post(ACT, {**SIGNAL, "title": "", "description": "설명은 남아야 합니다"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the action a title." in html
    assert "설명은 남아야 합니다" in html
    assert not ImprovementAction.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"rule": "run"}, 409, "This signal is not on the control chart any more"),
        ({"period_start": "2025-07-01"}, 409, "This signal is not on the control chart any more"),
        ({"chart": "category:nope"}, 422, "There is no control chart with this name."),
    ],
)
def test_a_forged_or_stale_signal_is_refused(seeded, staff_client, changes, status, message):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    for url, extra in ((ACK, {"note": "확인"}), (ACT, {"title": "조치"})):
        response = client.post(url, {**SIGNAL, **changes, **extra})
        assert response.status_code == status
        assert message in response.content.decode()
    assert not SignalReview.objects.exists() and not ImprovementAction.objects.exists()


def test_a_second_answer_to_the_same_signal_is_refused(seeded, staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    assert client.post(ACK, {**SIGNAL, "note": "첫 번째"}).status_code == 302
    response = client.post(ACT, {**SIGNAL, "title": "늦은 조치"})
    assert response.status_code == 409
    assert "Someone has already answered this signal" in response.content.decode()
    assert SignalReview.objects.count() == 1 and not ImprovementAction.objects.exists()


def test_the_auditor_reads_the_charts_and_cannot_answer(seeded, staff_client):
    client, _ = staff_client(Role.AUDITOR, language="en")
    response = client.get(PAGE, {"dimension": "category", "months": "12"})
    assert response.status_code == 200
    billing = _panel(response.content.decode(), BILLING)
    assert _open_signals(billing) == [("beyond_limits", "2025-08")]
    assert "acknowledge/" not in billing and "open-action/" not in billing
    assert client.post(ACK, {**SIGNAL, "note": "x"}).status_code == 403
    assert client.post(ACT, {**SIGNAL, "title": "x"}).status_code == 403
    assert not SignalReview.objects.exists() and not ImprovementAction.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COMPLAINTS_MANAGER, 200),
        (Role.TOP_MANAGEMENT, 200),
        (Role.AUDITOR, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.HANDLER, 403),
        (Role.INVESTIGATOR, 403),
        (Role.APPROVER, 403),
    ],
)
def test_who_reads_the_page(db, staff_client, role, status):
    client, _ = staff_client(role)
    assert client.get(PAGE).status_code == status


def test_an_invalid_filter_is_shown_with_its_error(db, staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    response = client.get(PAGE, {"dimension": "product", "months": "7"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the whole organisation, per category or per unit." in html
    assert "Choose a span of 12, 24, 36, 48 or 60 months." in html


def test_the_chart_is_served_as_svg_with_its_translated_title(seeded, staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="ko")
    response = client.get(PAGE + "chart.svg", {"series": BILLING, "months": "12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<svg") and "요금" in svg
    assert client.get(PAGE + "chart.svg", {"series": "category:nope"}).status_code == 404
    assert client.get(PAGE + "chart.gif", {"series": BILLING}).status_code == 404
