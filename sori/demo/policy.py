"""The demo organisation's complaints-handling policy (ISO 10002 5.1, 5.2): drafted by the
complaints manager, approved by top management, published and acknowledged by most of the staff,
all through the real services, so the portal shows it and the back office shows who has not
acknowledged it yet (the demo ``handler`` account sees the prompt)."""

from __future__ import annotations

from sori.core.actors import Actor
from sori.governance.policy import today
from sori.governance.services.policy import (
    PolicyText,
    acknowledge_policy,
    approve_policy_version,
    draft_policy_version,
    publish_policy_version,
    update_policy_draft,
)

# The account left to acknowledge the policy, so the demo shows the prompt and the share.
NOT_YET_ACKNOWLEDGED = frozenset({"handler", "auditor"})

TEXT = PolicyText(
    title_ko="고객 불만 처리 방침",
    title_en="Complaints-handling policy",
    body_ko=(
        "소리 데모 주식회사는 고객의 불만을 서비스를 개선할 기회로 여기며, 모든 불만을 공정하고 "
        "신속하게 처리할 것을 약속합니다.\n\n"
        "1. 누구나 온라인, 이메일, 전화, 우편 또는 방문으로 무료로 불만을 제기할 수 있습니다.\n"
        "2. 접수한 불만에는 즉시 접수번호를 드리고, 영업일 1일 이내에 담당자가 확인합니다.\n"
        "3. 모든 불만을 공정하고 객관적으로 조사하며, 원칙적으로 14일 이내에 결정과 그 이유를 "
        "알려 드립니다.\n"
        "4. 처리에 시간이 더 걸리면 그 이유와 예상 일자를 미리 알려 드립니다.\n"
        "5. 불만을 제기한 고객의 개인정보는 불만 처리에만 사용하고 안전하게 보호합니다.\n"
        "6. 불만을 제기했다는 이유로 고객이 불이익을 받는 일은 없습니다.\n"
        "7. 결정에 동의하지 않으면 내부 재검토를 요청하거나 외부 분쟁조정기관에 신청할 수 "
        "있습니다.\n"
        "8. 불만의 원인을 분석하여 제품과 서비스를 개선하고, 그 결과를 경영진이 정기적으로 "
        "검토합니다.\n\n"
        "모든 임직원은 이 방침을 이해하고 실천합니다."
    ),
    body_en=(
        "Sori Demo Co. sees every complaint as a chance to improve its service, and commits to "
        "handling every complaint fairly and promptly.\n\n"
        "1. Anyone may complain free of charge, online, by email, by phone, by post or in "
        "person.\n"
        "2. Every complaint gets a reference at once and is checked by a handler within one "
        "working day.\n"
        "3. We investigate every complaint fairly and objectively, and as a rule tell you our "
        "decision and its reasons within 14 days.\n"
        "4. If it takes longer, we tell you why and when to expect our answer.\n"
        "5. We use your personal information only to handle your complaint, and keep it safe.\n"
        "6. No one is treated less favourably for having complained.\n"
        "7. If you do not accept our decision, you may ask for an internal review or turn to an "
        "external dispute-resolution body.\n"
        "8. We analyse the causes of complaints to improve our products and services, and top "
        "management reviews the results regularly.\n\n"
        "Every member of staff understands and follows this policy."
    ),
    change_summary="첫 번째 방침. First version of the policy.",
)


def publish_demo_policy(*, staff: dict[str, Actor]) -> None:
    """Version 1, in force from today (the demo's set-up day); most staff acknowledge it."""
    manager, ceo = staff["manager"], staff["ceo"]
    version = draft_policy_version(actor=manager)
    update_policy_draft(actor=manager, number=version.number, text=TEXT)
    approve_policy_version(
        actor=ceo, number=version.number, note="경영회의 승인. Approved at the management meeting."
    )
    publish_policy_version(actor=manager, number=version.number, effective_from=today())
    for username, actor in staff.items():
        if username not in NOT_YET_ACKNOWLEDGED:
            acknowledge_policy(actor=actor, number=version.number)
