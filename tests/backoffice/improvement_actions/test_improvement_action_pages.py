"""The improvement-action pages through the web (ISO 10002 8.7): the list, a new action opened
from a complaint, and each step on an action posted and persisted; an illegal move comes back
with its message; the auditor reads and cannot act (403); the owner works their own action."""

from __future__ import annotations

import datetime as dt

import pytest

from sori.accounts.models import Role
from sori.complaints.models import Category, Complaint
from sori.core import clock
from sori.governance.models import ActionSource, ActionStatus, ImprovementAction
from sori.governance.services.action_opening import open_improvement_action

pytestmark = pytest.mark.django_db

LIST = "/staff/improvement-actions/"
NEW = LIST + "new/"
NOW = dt.datetime(2026, 2, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def at_now():
    with clock.frozen_at(NOW):
        yield


def detail(reference: str, part: str = "") -> str:
    return f"{LIST}{reference}/{part}"


@pytest.fixture
def opened(make_staff):
    def make(owner=None, **fields) -> ImprovementAction:
        manager = make_staff(Role.COMPLAINTS_MANAGER)
        return open_improvement_action(
            actor=manager,
            title=fields.pop("title", "청구서 안내 문구 개선"),
            owner_id=owner.user_id if owner else None,
            **fields,
        )

    return make


def test_a_manager_opens_an_action_from_a_complaint(staff_client, submit, unit):
    Category.objects.create(code="billing", label_ko="요금", label_en="Billing",
                            unit=unit("north"))  # fmt: skip
    reference = submit(
        "요금이 두 번 청구되었습니다.", subject="이중 청구", category="billing"
    ).reference
    client, manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    form = client.get(NEW, {"complaint": reference}).content.decode()
    assert f'value="{reference}: 이중 청구"' in form
    assert '<option value="complaint" selected>' in form
    assert f"{reference}</textarea>" in form
    response = client.post(
        NEW,
        {
            "title": f"{reference}: 이중 청구 재발 방지",
            "description": "청구 시스템의 중복 요청을 막습니다.",
            "cause": "결제 재시도 로직 오류",
            "source": "complaint",
            "complaints": reference,
            "owner": str(manager.user_id),
            "due_on": "2026-03-31",
        },
    )
    action = ImprovementAction.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(action.reference)
    assert action.source == ActionSource.COMPLAINT
    assert action.source_key == f"complaint:{reference}"
    assert [c.reference for c in action.complaints.all()] == [reference]
    assert action.cause == "결제 재시도 로직 오류" and action.due_on == dt.date(2026, 3, 31)
    page = client.get(response["Location"]).content.decode()
    assert f"Improvement action {action.reference} is opened." in page
    assert f'href="/staff/complaints/{reference}/"' in page
    assert "결제 재시도 로직 오류" in page
    assert "<dd>corrective</dd>" in page  # the kind, corrective unless chosen otherwise


def test_an_improvement_that_came_from_a_complaint_is_one_click_away(staff_client, submit, opened):
    """ISO 10002 8.7: what auditors ask — show me an improvement that came from a complaint."""
    first = submit("요금이 두 번 청구되었습니다.", subject="이중 청구")
    complaint_id = Complaint.objects.get(reference=first.reference).pk
    from_complaint = opened(title="중복 청구 방지", complaint_ids=[complaint_id], kind="preventive")
    unrelated = opened(title="내부 교육 자료 정비")
    client, _ = staff_client(Role.AUDITOR, language="en")
    actions = client.get(LIST).content.decode()
    quick = f'href="{LIST}?from_complaints=on"'
    assert quick in actions
    shown = client.get(f"{LIST}?from_complaints=on").content.decode()
    assert from_complaint.reference in shown and unrelated.reference not in shown
    assert "<td>preventive</td>" in shown
    # From the complaint, its actions are listed and linked.
    workspace = client.get(f"/staff/complaints/{first.reference}/").content.decode()
    assert f'href="{detail(from_complaint.reference)}"' in workspace
    assert unrelated.reference not in workspace
    by_reference = client.get(LIST, {"complaint": first.reference}).content.decode()
    assert from_complaint.reference in by_reference and unrelated.reference not in by_reference


def test_the_complaint_workspace_links_managers_to_a_new_action_for_it(staff_client, submit):
    reference = submit("요금이 두 번 청구되었습니다.", subject="이중 청구").reference
    link = f'href="{NEW}?complaint={reference}"'
    manager, _manager = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    assert link in manager.get(f"/staff/complaints/{reference}/").content.decode()
    handler, _handler = staff_client(Role.HANDLER, language="en")
    page = handler.get(f"/staff/complaints/{reference}/")
    assert page.status_code == 200 and link not in page.content.decode()


def test_an_unknown_complaint_keeps_the_form_with_its_error(staff_client):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    response = client.post(NEW, {"title": "제목은 남습니다", "source": "other",
                                 "complaints": "C-2026-999999"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no complaint you may see with the reference C-2026-999999." in html
    assert 'value="제목은 남습니다"' in html
    assert not ImprovementAction.objects.exists()


def test_the_steps_through_the_page_move_the_action_and_are_persisted(staff_client, opened):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    action = opened()
    ref = action.reference
    assert client.post(detail(ref, "start/"), {"status": "in_progress"}).status_code == 302
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS
    response = client.post(detail(ref, "implementation/"), {"note": "안내 문구를 교체했습니다."})
    assert response.status_code == 302
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.IMPLEMENTED
    page = client.get(detail(ref)).content.decode()
    due = ImprovementAction.objects.get(pk=action.pk).effectiveness_due_on
    assert "안내 문구를 교체했습니다." in page and due.isoformat() in page
    # Too early to call it effective: the form comes back with the note kept (ISO 10002 8.7).
    response = client.post(
        detail(ref, "effectiveness/"), {"effective": "yes", "note": "3개월간 재발 없음"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Too early to call it effective" in html and "3개월간 재발 없음" in html
    # Set-up: the check has fallen due (a later day would also end the signed-in session).
    ImprovementAction.objects.filter(pk=action.pk).update(effectiveness_due_on=clock.now().date())
    response = client.post(
        detail(ref, "effectiveness/"), {"effective": "yes", "note": "3개월간 재발 없음"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.EFFECTIVE
    assert action.effectiveness_note == "3개월간 재발 없음"
    page = client.get(detail(ref)).content.decode()
    assert "The effectiveness check is recorded." in page
    assert "안내 문구를 교체했습니다." in page  # the history
    # A finished action offers no more steps.
    assert "effectiveness/" not in page and "cancel/" not in page


def test_an_illegal_move_comes_back_with_its_message(staff_client, opened):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    action = opened()
    response = client.post(detail(action.reference, "effectiveness/"),
                           {"effective": "no", "note": "아직 구현 전"})  # fmt: skip
    assert response.status_code == 409
    html = response.content.decode()
    assert "An improvement action that is “open” cannot become “not effective”." in html
    assert "아직 구현 전" in html
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_a_step_without_its_note_is_refused_and_keeps_nothing_half_done(staff_client, opened):
    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="en")
    action = opened()
    response = client.post(detail(action.reference, "cancel/"), {"reason": ""})
    assert response.status_code == 400
    assert "Say why the action is cancelled." in response.content.decode()
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_the_auditor_reads_and_every_post_is_refused(staff_client, opened):
    client, _ = staff_client(Role.AUDITOR, language="en")
    action = opened()
    page = client.get(detail(action.reference))
    assert page.status_code == 200 and "Next steps" not in page.content.decode()
    assert client.get(LIST).status_code == 200
    for part, data in (
        ("update/", {"description": "x"}),
        ("start/", {"status": "in_progress"}),
        ("implementation/", {"note": "x"}),
        ("effectiveness/", {"effective": "yes", "note": "x"}),
        ("cancel/", {"reason": "x"}),
    ):
        assert client.post(detail(action.reference, part), data).status_code == 403, part
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"title": "x", "source": "other"}).status_code == 403
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_the_owner_sees_and_works_their_action_only(staff_client, opened):
    client, owner = staff_client(Role.HANDLER, language="en")
    mine = opened(owner=owner, title="내 조치")
    theirs = opened(title="다른 조치")
    listing = client.get(LIST).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert "You see the improvement actions you own." in listing
    assert client.get(detail(theirs.reference)).status_code == 404
    page = client.get(detail(mine.reference)).content.decode()
    assert "Record the implementation" in page and "Cancel the action" not in page
    assert 'name="owner"' not in page  # only managers choose the owner
    response = client.post(detail(mine.reference, "update/"),
                           {"description": "새 설명", "cause": "원인", "due_on": ""})  # fmt: skip
    assert response.status_code == 302
    assert (
        client.post(detail(mine.reference, "implementation/"), {"note": "완료"}).status_code == 302
    )
    assert client.post(detail(mine.reference, "cancel/"), {"reason": "x"}).status_code == 403
    mine.refresh_from_db()
    assert (mine.description, mine.cause, mine.status) == ("새 설명", "원인", "implemented")
    assert (
        client.post(detail(theirs.reference, "implementation/"), {"note": "x"}).status_code == 404
    )


def test_the_list_filters_by_status_and_shows_overdue(staff_client, opened):
    client, _ = staff_client(Role.TOP_MANAGEMENT, language="en")
    late = opened(title="늦은 조치", due_on=dt.date(2026, 2, 10))
    opened(title="다른 조치")
    with clock.frozen_at(NOW + dt.timedelta(days=10)):
        html = client.get(LIST, {"overdue": "on"}).content.decode()
    assert late.reference in html and "다른 조치" not in html and "overdue" in html
    html = client.get(LIST, {"status": "cancelled"}).content.decode()
    assert "No improvement action matches." in html
    response = client.get(LIST, {"status": "done"})
    assert response.status_code == 400
    assert "There is no such status." in response.content.decode()


def test_the_pages_speak_korean_by_default(staff_client, opened):
    from django.utils import translation

    client, _ = staff_client(Role.COMPLAINTS_MANAGER, language="ko")
    action = opened()
    html = client.get(detail(action.reference)).content.decode()
    with translation.override("ko"):
        status = str(ActionStatus.OPEN.label)
    assert status in html and 'lang="ko"' in html


def test_an_action_links_to_the_audit_or_review_it_came_from(staff_client, opened):
    """ISO 10002 8.5, 8.6 → 8.7: from the action, one click back to the record that raised it."""
    from_audit = opened(source=ActionSource.INTERNAL_AUDIT,
                        source_key="audit:AU-2026-000003:finding:7")  # fmt: skip
    from_review = opened(source=ActionSource.MANAGEMENT_REVIEW,
                         source_key="review:MR-2026-000001:decision:2")  # fmt: skip
    client, _ = staff_client(Role.AUDITOR, language="en")
    page = client.get(detail(from_audit.reference)).content.decode()
    assert 'href="/staff/audits/AU-2026-000003/">Internal audit AU-2026-000003</a>' in page
    page = client.get(detail(from_review.reference)).content.decode()
    assert 'href="/staff/reviews/MR-2026-000001/">Management review MR-2026-000001</a>' in page
